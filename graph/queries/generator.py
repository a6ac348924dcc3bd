"""Bulk statements of the data generator (graph/generator/loader.py): a generated graph
written with batched ``UNWIND``, and wiped in bounded batches.

Labels and relationship types come from the loader's own tables, never from input.
"""

from typing import LiteralString


def nodes_query(label: LiteralString) -> LiteralString:
    """``(row:label)``, its properties those of the row."""
    return "UNWIND $rows AS row CREATE (n:" + label + ") SET n = row"


def from_row_query(start: LiteralString, rel: LiteralString, end: LiteralString) -> LiteralString:
    """``(row:start)-[:rel]->(:end {id: other})``."""
    return (
        "UNWIND $rows AS row\n"
        "MATCH (a:" + start + " {id: row.id})\n"
        "MATCH (b:" + end + " {id: row.other})\n"
        "CREATE (a)-[:" + rel + "]->(b)"
    )


def to_row_query(start: LiteralString, rel: LiteralString, end: LiteralString) -> LiteralString:
    """``(:start {id: other})-[:rel]->(row:end)``."""
    return (
        "UNWIND $rows AS row\n"
        "MATCH (a:" + start + " {id: row.other})\n"
        "MATCH (b:" + end + " {id: row.id})\n"
        "CREATE (a)-[:" + rel + "]->(b)"
    )


COMPLETED_QUERY: LiteralString = (
    "UNWIND $rows AS row\n"
    "MATCH (u:User {id: row.user})\n"
    "MATCH (c:Course {id: row.course})\n"
    "CREATE (u)-[:COMPLETED {at: row.at, score: row.score}]->(c)"
)

# Relationships first, in bounded batches: DETACH DELETE of 10,000 nodes takes
# every relationship of a hub company with it, which at SF10 exceeded Neo4j's
# transaction memory limit.
WIPE_RELATIONSHIPS_QUERY: LiteralString = (
    "MATCH ()-[r]->() WITH r LIMIT 20000 DELETE r RETURN count(*) AS deleted"
)
WIPE_BATCH_QUERY: LiteralString = (
    "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS deleted"
)
