"""Cypher fragments shared by every connection query: keyset slicing of ordered rows.

Each connection query collects its ordered rows as maps with ``k`` (the sort
key, already redacted) and ``id``, then keeps those strictly after the cursor
``($afterK, $afterId)``. Cypher sorts null last ascending and first
descending; ties are broken by ``id`` ascending in both directions.
"""

from typing import LiteralString


def after(descending: bool, key: LiteralString, row_id: LiteralString) -> LiteralString:
    """True for rows strictly after the cursor, for sort key ``key`` and id ``row_id``."""
    if descending:
        return (
            "$afterId IS NULL OR (CASE WHEN $afterK IS NULL"
            " THEN (" + key + " IS NULL AND " + row_id + " > $afterId) OR " + key + " IS NOT NULL"
            " ELSE " + key + " < $afterK OR (" + key + " = $afterK AND " + row_id + " > $afterId)"
            " END)"
        )
    return (
        "$afterId IS NULL OR (CASE WHEN $afterK IS NULL"
        " THEN " + key + " IS NULL AND " + row_id + " > $afterId"
        " ELSE " + key + " > $afterK OR (" + key + " = $afterK AND " + row_id + " > $afterId)"
        " OR " + key + " IS NULL END)"
    )


AFTER_ASC: LiteralString = after(False, "r.k", "r.id")
AFTER_DESC: LiteralString = after(True, "r.k", "r.id")


def page_return(descending: bool = False) -> LiteralString:
    """The tail of a per-parent subquery: total, and the page after the cursor."""
    after = AFTER_DESC if descending else AFTER_ASC
    return (
        "WITH collect(row) AS rows\n"
        "RETURN size(rows) AS total, [r IN rows WHERE " + after + "][..$limit] AS page\n"
    )
