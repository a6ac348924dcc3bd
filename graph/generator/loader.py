"""Writing a ``GraphData`` into Neo4j with batched ``UNWIND`` statements.

All nodes first (one ``CREATE`` per row, relationship keys and ``None``
values stripped in Python), then every relationship kind by ``MATCH`` on
``id``: that lookup is only fast with the per-label uniqueness constraints of
the migrations in place, so apply them before loading. ``load`` creates, it
does not merge: load into an empty database (``wipe`` first).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import LiteralString

from tqdm import tqdm

from graph.driver import Database
from graph.generator.model import GraphData, Row


def _nodes_query(label: LiteralString) -> LiteralString:
    return "UNWIND $rows AS row CREATE (n:" + label + ") SET n = row"


def _from_row(start: LiteralString, rel: LiteralString, end: LiteralString) -> LiteralString:
    """``(row:start)-[:rel]->(:end {id: other})``."""
    return (
        "UNWIND $rows AS row\n"
        "MATCH (a:" + start + " {id: row.id})\n"
        "MATCH (b:" + end + " {id: row.other})\n"
        "CREATE (a)-[:" + rel + "]->(b)"
    )


def _to_row(start: LiteralString, rel: LiteralString, end: LiteralString) -> LiteralString:
    """``(:start {id: other})-[:rel]->(row:end)``."""
    return (
        "UNWIND $rows AS row\n"
        "MATCH (a:" + start + " {id: row.other})\n"
        "MATCH (b:" + end + " {id: row.id})\n"
        "CREATE (a)-[:" + rel + "]->(b)"
    )


@dataclass(frozen=True)
class _Nodes:
    field: str
    query: LiteralString
    #: Row keys that name relationships, not properties.
    links: frozenset[str] = frozenset()

    def count(self, data: GraphData) -> int:
        return len(getattr(data, self.field))

    def rows(self, data: GraphData) -> Iterator[Row]:
        # Dropping None keeps absent properties off the wire (SET n = row
        # would not store them anyway).
        for row in getattr(data, self.field):
            yield {k: v for k, v in row.items() if v is not None and k not in self.links}


@dataclass(frozen=True)
class _Edges:
    """One relationship kind, from key ``key`` (an id or a list of ids) of the rows of ``field``."""

    field: str
    key: str
    query: LiteralString

    def count(self, data: GraphData) -> int:
        return sum(len(ids) for ids in self._targets(data))

    def rows(self, data: GraphData) -> Iterator[Row]:
        for row, ids in zip(getattr(data, self.field), self._targets(data), strict=True):
            for other in ids:
                yield {"id": row["id"], "other": other}

    def _targets(self, data: GraphData) -> Iterator[list[str]]:
        for row in getattr(data, self.field):
            ids = row.get(self.key)
            yield [] if ids is None else list(ids) if isinstance(ids, list | tuple) else [ids]


@dataclass(frozen=True)
class _Completions:
    """COMPLETED carries properties, so its rows go as they are."""

    query: LiteralString

    def count(self, data: GraphData) -> int:
        return len(data.completions)

    def rows(self, data: GraphData) -> Iterator[Row]:
        return iter(data.completions)


_NODES: tuple[_Nodes, ...] = (
    _Nodes("companies", _nodes_query("Company")),
    _Nodes("users", _nodes_query("User"), frozenset({"company"})),
    _Nodes(
        "partnerships",
        _nodes_query("Partnership"),
        frozenset({"vendor", "partner", "managers"}),
    ),
    _Nodes("customers", _nodes_query("Customer"), frozenset({"owner"})),
    _Nodes("contacts", _nodes_query("Contact"), frozenset({"company", "customer"})),
    _Nodes(
        "data_links",
        _nodes_query("DataLink"),
        frozenset({"owner", "recipient", "partnership", "covers"}),
    ),
    _Nodes(
        "opportunities",
        _nodes_query("Opportunity"),
        frozenset({"company", "customer", "user", "partnership", "product"}),
    ),
    _Nodes("products", _nodes_query("Product"), frozenset({"vendor"})),
    _Nodes("courses", _nodes_query("Course"), frozenset({"vendor"})),
    _Nodes("mdf_requests", _nodes_query("MdfRequest"), frozenset({"partnership"})),
    _Nodes("sharing_policies", _nodes_query("SharingPolicy"), frozenset({"company"})),
)

_EDGES: tuple[_Edges, ...] = (
    _Edges("users", "company", _from_row("User", "MEMBER_OF", "Company")),
    _Edges("partnerships", "vendor", _to_row("Company", "VENDOR_IN", "Partnership")),
    _Edges("partnerships", "partner", _to_row("Company", "PARTNER_IN", "Partnership")),
    _Edges("partnerships", "managers", _to_row("User", "MANAGES", "Partnership")),
    _Edges("customers", "owner", _from_row("Customer", "OWNED_BY", "Company")),
    _Edges("contacts", "company", _from_row("Contact", "WORKS_AT", "Company")),
    _Edges("contacts", "customer", _from_row("Contact", "WORKS_AT", "Customer")),
    _Edges("data_links", "owner", _to_row("Company", "GRANTS", "DataLink")),
    _Edges("data_links", "recipient", _from_row("DataLink", "TO", "Company")),
    _Edges("data_links", "partnership", _from_row("DataLink", "UNDER", "Partnership")),
    _Edges("data_links", "covers", _from_row("DataLink", "COVERS", "Customer")),
    _Edges("opportunities", "company", _to_row("Company", "REGISTERED", "Opportunity")),
    _Edges("opportunities", "customer", _from_row("Opportunity", "FOR", "Customer")),
    _Edges("opportunities", "user", _from_row("Opportunity", "REGISTERED_BY", "User")),
    _Edges("opportunities", "partnership", _from_row("Opportunity", "UNDER", "Partnership")),
    _Edges("opportunities", "product", _from_row("Opportunity", "OF_PRODUCT", "Product")),
    _Edges("products", "vendor", _to_row("Company", "SELLS", "Product")),
    _Edges("courses", "vendor", _to_row("Company", "OFFERS", "Course")),
    _Edges("mdf_requests", "partnership", _from_row("MdfRequest", "UNDER", "Partnership")),
    _Edges("sharing_policies", "company", _to_row("Company", "HAS_POLICY", "SharingPolicy")),
)

COMPLETED_QUERY: LiteralString = (
    "UNWIND $rows AS row\n"
    "MATCH (u:User {id: row.user})\n"
    "MATCH (c:Course {id: row.course})\n"
    "CREATE (u)-[:COMPLETED {at: row.at, score: row.score}]->(c)"
)

# Nodes before relationships: a relationship's MATCH needs both ends.
_STEPS: tuple[_Nodes | _Edges | _Completions, ...] = (
    *_NODES,
    *_EDGES,
    _Completions(COMPLETED_QUERY),
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


async def load(
    db: Database, data: GraphData, *, batch_size: int = 5000, progress: bool = False
) -> None:
    """Write every row of ``data``: nodes, then relationships, ``batch_size`` rows a statement."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    batches = sum(-(-step.count(data) // batch_size) for step in _STEPS)
    with tqdm(total=batches, unit="batch", desc="load", disable=not progress) as bar:
        for step in _STEPS:
            for batch in _chunks(step.rows(data), batch_size):
                await db.write(step.query, {"rows": batch})
                bar.update(1)


async def wipe(db: Database) -> None:
    """Delete every node and relationship, a bounded transaction at a time.

    ``CALL {...} IN TRANSACTIONS`` would need an auto-commit transaction, which
    ``Database.write`` does not use; hence the loop.
    """
    for query in (WIPE_RELATIONSHIPS_QUERY, WIPE_BATCH_QUERY):
        while True:
            result = await db.write(query, {})
            if not result or result[0]["deleted"] == 0:
                break


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while batch := list(islice(rows, size)):
        yield batch
