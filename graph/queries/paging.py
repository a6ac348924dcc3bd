"""Cypher fragments shared by every connection query: keyset slicing of ordered rows.

Each connection query collects its ordered rows as maps with ``k`` (the sort
key, already redacted) and ``id``, then keeps those strictly after the cursor
``($afterK, $afterId)``. Cypher sorts null last ascending and first
descending; ties are broken by ``id`` ascending in both directions.
"""

from typing import LiteralString

AFTER_ASC: LiteralString = """
  $afterId IS NULL
  OR (CASE WHEN $afterK IS NULL
        THEN r.k IS NULL AND r.id > $afterId
        ELSE r.k > $afterK OR (r.k = $afterK AND r.id > $afterId) OR r.k IS NULL
      END)
"""

AFTER_DESC: LiteralString = """
  $afterId IS NULL
  OR (CASE WHEN $afterK IS NULL
        THEN (r.k IS NULL AND r.id > $afterId) OR r.k IS NOT NULL
        ELSE r.k < $afterK OR (r.k = $afterK AND r.id > $afterId)
      END)
"""


def page_return(descending: bool = False) -> LiteralString:
    """The tail of a per-parent subquery: total, and the page after the cursor."""
    after = AFTER_DESC if descending else AFTER_ASC
    return (
        "WITH collect(row) AS rows\n"
        "RETURN size(rows) AS total, [r IN rows WHERE " + after + "][..$limit] AS page\n"
    )
