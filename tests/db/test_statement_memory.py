"""Transaction memory of the visible-customer statement follows the page, not the
candidates: 64 concurrent requests must fit Neo4j's transaction memory pool.

Measured with PROFILE (the plan's GlobalMemory), a resource and not a time.
The statement de-duplicates candidates that two grants both reach (an
all-customers link and a link naming some of the same customers). UNION did
that by holding every candidate row together with the parent it was computed
for, the viewer's whole grant list included: 156 MB here with 120 grants
(260 MB for the SF1 hub). UNION ALL with the `WITH DISTINCT c, ownerId` after
it needs under 2 MB (graph/queries/customers.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, LiteralString

import pytest

from graph.driver import Database
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway

OWN, THEIRS, BOTH, GRANTS = 1200, 600, 300, 120
#: Far below UNION's 156 MB, well above what the statement needs (under 2 MB).
MAX_STATEMENT_BYTES = 24 * 1024 * 1024

b = Builder()
V, P = b.company("Vendor"), b.company("Partner")
viewer = b.user(V, "EXECUTIVE")
vp = b.partnership(V, P, tier="HIGH")
for _ in range(OWN):
    b.customer(V)
theirs = [b.customer(P) for _ in range(THEIRS)]
b.link(P, V, vp, all_customers=True, scope=("IDENTITY",))
b.link(P, V, vp, covers=tuple(theirs[:BOTH]), scope=("IDENTITY", "PROFILE"))
# A hub receives a hundred links or more: every one is a grant the statement
# takes as a parameter, which UNION carried in every candidate row it held.
for customer in theirs[:GRANTS]:
    b.link(P, V, vp, covers=(customer,), scope=("IDENTITY",))

QUERY = "{ customers(first: 10) { totalCount edges { node { id name industry } } } }"


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


async def test_the_customer_page_statement_holds_no_row_per_candidate(
    gateway: Gateway, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[LiteralString, Mapping[str, Any]]] = []
    read = Database.read

    async def recording(
        self: Database, query: LiteralString, params: Mapping[str, Any], stats: Any = None
    ) -> list[dict[str, Any]]:
        sent.append((query, params))
        return await read(self, query, params, stats)

    monkeypatch.setattr(Database, "read", recording)
    data = await gateway.ok(viewer, QUERY)
    monkeypatch.undo()
    # every candidate once, though 300 of the partner's are reached by both links
    assert data["customers"]["totalCount"] == OWN + THEIRS
    assert len(data["customers"]["edges"]) == 10
    [(statement, params)] = [(q, p) for q, p in sent if "$grantsByOwner" in q]
    profiled = await db._driver.execute_query("PROFILE " + statement, dict(params))
    plan = profiled.summary.profile
    assert plan is not None
    memory = plan["args"]["GlobalMemory"]
    assert memory < MAX_STATEMENT_BYTES, memory
