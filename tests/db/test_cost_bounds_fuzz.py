"""The cost computed before execution bounds what the operation returns: random queries
over the whole schema never return more objects in ``data`` than their cost.

The gateway here pages by 1 and returns at most 2 items a list
(``PRM_DEFAULT_FIRST=1``, ``PRM_MAX_FIRST=2``), and the demo graph (with a few audit
events on top) holds more than that of everything, so the pages an operation asks
for are full and the lists the data decides are cut at their cap: what is counted
is the most an operation can get. ``first`` comes as a literal, an int, a float
(``2.0``), a variable's default, null or nothing (tests/support/schema_operations.py).
PRM_FUZZ_EXAMPLES sets the length (short in CI; ``make fuzz`` runs it long).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import httpx
import pytest
from graphql import GraphQLSchema, parse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.app import create_app
from gateway.limits import Limits, measure_operation
from graph.generator.synthetic import generate
from tests.conftest import make_settings
from tests.db.conftest import GraphLoader
from tests.support.client import Gateway
from tests.support.customers import gid
from tests.support.schema_operations import count_objects, schema_operations

EXAMPLES = int(os.environ.get("PRM_FUZZ_EXAMPLES", "20"))
LONGEST = 2
#: An EXECUTIVE of the hub vendor, a REP of its HIGH partner, an ANALYST.
USERS = ("us-000001", "us-000009", "us-000005")
DEMO = generate(0.01, seed=42)
#: The hub vendor and its HIGH partner: the users' companies.
HUB = {"co-000001", "co-000002"}


def _near_hub(rows: Sequence[Mapping[str, Any]], *keys: str) -> list[Mapping[str, Any]]:
    return [r for r in rows if not keys or any(r.get(k) in HUB for k in keys)]


_PARTNERSHIPS = _near_hub(DEMO.partnerships, "vendor", "partner")
_UNDER = {p["id"] for p in _PARTNERSHIPS}
#: Global ids per type, mostly of what the users can see, so lookups find something.
IDS: Mapping[str, Sequence[str]] = {
    kind: [gid(kind, row["id"]) for row in rows[:12]]
    for kind, rows in (
        ("Company", DEMO.companies),
        ("Customer", _near_hub(DEMO.customers, "owner")),
        ("Partnership", _PARTNERSHIPS),
        ("DataLink", _near_hub(DEMO.data_links, "owner", "recipient")),
        ("Opportunity", [o for o in DEMO.opportunities if o["partnership"] in _UNDER]),
        ("Product", DEMO.products),
        ("Course", DEMO.courses),
        ("MdfRequest", [m for m in DEMO.mdf_requests if m["partnership"] in _UNDER]),
        ("User", _near_hub(DEMO.users, "company")),
    )
}


class Dense:
    def __init__(self, gateway: Gateway, limits: Limits) -> None:
        self.gateway = gateway
        self.limits = limits

    @property
    def schema(self) -> GraphQLSchema:
        assert self.limits.schema is not None
        return self.limits.schema


@pytest.fixture(scope="module")
async def dense(load_graph: GraphLoader) -> AsyncIterator[Dense]:
    await load_graph(DEMO)
    app = create_app(make_settings(PRM_DEFAULT_FIRST="1", PRM_MAX_FIRST=str(LONGEST)))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            gateway = Gateway(client, app.state.prm.settings)
            # The generator writes no audit trail: a few changes fill auditEvents' pages.
            for tier in ("LOW", "MEDIUM", "LOW"):
                await gateway.ok(
                    USERS[0],
                    f"mutation {{ setSharingPolicy(tier: {tier}, groups: [IDENTITY]) {{ tier }} }}",
                )
            yield Dense(gateway, app.state.prm.limits)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data(), user=st.sampled_from(USERS))
async def test_no_operation_returns_more_objects_than_its_cost(
    dense: Dense, data: st.DataObject, user: str
) -> None:
    query, variables = data.draw(schema_operations(dense.schema, IDS, LONGEST), label="operation")
    result = await dense.gateway.query(user, query, variables)
    assert result.status < 500, (query, variables, result.body)
    cost = measure_operation(parse(query), None, variables, dense.limits).cost
    returned = count_objects(result.data)
    assert returned <= cost, (returned, cost, query, variables, result.body)
