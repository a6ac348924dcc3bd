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
from graph.queries.companies import COMPANY_COUNT_QUERY
from graph.queries.generator import (
    COMPLETED_QUERY,
    WIPE_BATCH_QUERY,
    WIPE_RELATIONSHIPS_QUERY,
    from_row_query,
    nodes_query,
    to_row_query,
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
    _Nodes("companies", nodes_query("Company")),
    _Nodes("users", nodes_query("User"), frozenset({"company"})),
    _Nodes(
        "partnerships",
        nodes_query("Partnership"),
        frozenset({"vendor", "partner", "managers"}),
    ),
    _Nodes("customers", nodes_query("Customer"), frozenset({"owner"})),
    _Nodes("contacts", nodes_query("Contact"), frozenset({"company", "customer"})),
    _Nodes(
        "data_links",
        nodes_query("DataLink"),
        frozenset({"owner", "recipient", "partnership", "covers"}),
    ),
    _Nodes(
        "opportunities",
        nodes_query("Opportunity"),
        frozenset({"company", "customer", "user", "partnership", "product"}),
    ),
    _Nodes("products", nodes_query("Product"), frozenset({"vendor"})),
    _Nodes("courses", nodes_query("Course"), frozenset({"vendor"})),
    _Nodes("mdf_requests", nodes_query("MdfRequest"), frozenset({"partnership"})),
    _Nodes("sharing_policies", nodes_query("SharingPolicy"), frozenset({"company"})),
)

_EDGES: tuple[_Edges, ...] = (
    _Edges("users", "company", from_row_query("User", "MEMBER_OF", "Company")),
    _Edges("partnerships", "vendor", to_row_query("Company", "VENDOR_IN", "Partnership")),
    _Edges("partnerships", "partner", to_row_query("Company", "PARTNER_IN", "Partnership")),
    _Edges("partnerships", "managers", to_row_query("User", "MANAGES", "Partnership")),
    _Edges("customers", "owner", from_row_query("Customer", "OWNED_BY", "Company")),
    _Edges("contacts", "company", from_row_query("Contact", "WORKS_AT", "Company")),
    _Edges("contacts", "customer", from_row_query("Contact", "WORKS_AT", "Customer")),
    _Edges("data_links", "owner", to_row_query("Company", "GRANTS", "DataLink")),
    _Edges("data_links", "recipient", from_row_query("DataLink", "TO", "Company")),
    _Edges("data_links", "partnership", from_row_query("DataLink", "UNDER", "Partnership")),
    _Edges("data_links", "covers", from_row_query("DataLink", "COVERS", "Customer")),
    _Edges("opportunities", "company", to_row_query("Company", "REGISTERED", "Opportunity")),
    _Edges("opportunities", "customer", from_row_query("Opportunity", "FOR", "Customer")),
    _Edges("opportunities", "user", from_row_query("Opportunity", "REGISTERED_BY", "User")),
    _Edges("opportunities", "partnership", from_row_query("Opportunity", "UNDER", "Partnership")),
    _Edges("opportunities", "product", from_row_query("Opportunity", "OF_PRODUCT", "Product")),
    _Edges("products", "vendor", to_row_query("Company", "SELLS", "Product")),
    _Edges("courses", "vendor", to_row_query("Company", "OFFERS", "Course")),
    _Edges("mdf_requests", "partnership", from_row_query("MdfRequest", "UNDER", "Partnership")),
    _Edges("sharing_policies", "company", to_row_query("Company", "HAS_POLICY", "SharingPolicy")),
)

# Nodes before relationships: a relationship's MATCH needs both ends.
_STEPS: tuple[_Nodes | _Edges | _Completions, ...] = (
    *_NODES,
    *_EDGES,
    _Completions(COMPLETED_QUERY),
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


async def count_companies(db: Database) -> int:
    """How many companies the graph holds (``prm seed --if-empty`` seeds only at 0)."""
    rows = await db.read(COMPANY_COUNT_QUERY, {})
    return int(rows[0]["n"])
