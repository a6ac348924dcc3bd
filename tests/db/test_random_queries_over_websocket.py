"""The random-operation reference fuzz over the WebSocket: the operations of
``test_random_queries_against_reference`` sent as ``subscribe`` messages on one open
socket, with access changed in the graph between them (a link revoked or expired, a
partnership's tier or status, a sharing policy, the viewer's role). After each change
the reference is read again: every answer on the socket must agree with it, and with
what a new HTTP request answers at that moment.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette

from graph import Database
from tests.db.conftest import GraphLoader
from tests.db.test_random_queries_against_reference import check
from tests.support.builder import PAST, Builder
from tests.support.client import Gateway, Result
from tests.support.customers import unexpected_errors
from tests.support.random_graphs import GROUPS, ROLES, TIERS, deal_graphs
from tests.support.random_queries import operations
from tests.support.ws import connect, served

#: CI keeps this short (half the HTTP fuzz: each operation runs twice, on the socket and
#: over HTTP); PRM_FUZZ_EXAMPLES=2000 make test (or make fuzz) runs it long.
EXAMPLES = int(os.environ.get("PRM_FUZZ_EXAMPLES", "10"))
#: Operations on one socket; an access change between each two.
OPERATIONS = 3

Change = Callable[[Database], Awaitable[None]]


@pytest.fixture(scope="module")
async def url(app: Starlette) -> AsyncIterator[str]:
    async with served(app) as ws_url:
        yield ws_url


def answer(payload: dict[str, Any]) -> tuple[Any, list[tuple[tuple[Any, ...], Any]]]:
    """What a client reads: the data and each error's path and code."""
    errors = sorted(
        (tuple(e.get("path") or ()), (e.get("extensions") or {}).get("code"))
        for e in payload.get("errors") or ()
    )
    return payload.get("data"), errors


@st.composite
def access_changes(draw: st.DrawFn, b: Builder, viewer: str) -> Change:
    """One change of access, made to the graph's rows (what the reference reads) at once
    and returned as the Cypher that makes it in Neo4j."""
    data = b.data
    kinds = ["role"]
    if data.data_links:
        kinds += ["revoke", "expire"]
    if data.partnerships:
        kinds += ["tier", "status"]
    kinds.append("policy")
    kind = draw(st.sampled_from(kinds))
    if kind in ("revoke", "expire"):
        link = draw(st.sampled_from(data.data_links))
        prop = "revokedAt" if kind == "revoke" else "expiresAt"
        link[prop] = PAST

        async def on_link(db: Database) -> None:
            query = (
                "MATCH (l:DataLink {id: $id}) SET l.revokedAt = $at"
                if kind == "revoke"
                else "MATCH (l:DataLink {id: $id}) SET l.expiresAt = $at"
            )
            await db.write(query, {"id": link["id"], "at": PAST})

        return on_link
    if kind in ("tier", "status"):
        partnership = draw(st.sampled_from(data.partnerships))
        value = draw(st.sampled_from(TIERS if kind == "tier" else ("ACTIVE", "SUSPENDED", "ENDED")))
        partnership[kind] = value

        async def on_partnership(db: Database) -> None:
            query = (
                "MATCH (p:Partnership {id: $id}) SET p.tier = $value"
                if kind == "tier"
                else "MATCH (p:Partnership {id: $id}) SET p.status = $value"
            )
            await db.write(query, {"id": partnership["id"], "value": value})

        return on_partnership
    if kind == "policy":
        company = draw(st.sampled_from([c["id"] for c in data.companies]))
        tier = draw(st.sampled_from(TIERS))
        groups = draw(st.lists(st.sampled_from(GROUPS), unique=True))
        policy = next(
            (p for p in data.sharing_policies if (p["company"], p["tier"]) == (company, tier)),
            None,
        )
        if policy is None:
            b.sharing_policy(company, tier, tuple(groups))
            policy = data.sharing_policies[-1]
        policy["groups"] = list(groups)

        async def on_policy(db: Database) -> None:
            await db.write(
                """MATCH (c:Company {id: $company})
                MERGE (c)-[:HAS_POLICY]->(sp:SharingPolicy {tier: $tier})
                ON CREATE SET sp.id = $id
                SET sp.groups = $groups""",
                {"company": company, "tier": tier, "id": policy["id"], "groups": groups},
            )

        return on_policy
    # Most often the viewer's own role, else someone else's.
    users = [u for u in data.users if u["id"] == viewer] * 3 + list(data.users)
    user = draw(st.sampled_from(users))
    role = draw(st.sampled_from(ROLES))
    user["role"] = role

    async def on_role(db: Database) -> None:
        await db.write(
            "MATCH (u:User {id: $id}) SET u.role = $role", {"id": user["id"], "role": role}
        )

    return on_role


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), graph=deal_graphs())
async def test_random_operations_on_one_socket_agree_with_the_reference_as_access_changes(
    url: str,
    gateway: Gateway,
    db: Database,
    load_graph: GraphLoader,
    data: st.DataObject,
    graph: Builder,
) -> None:
    await load_graph(graph.data)
    ids = {
        "customers": [c["id"] for c in graph.data.customers],
        "companies": [c["id"] for c in graph.data.companies],
        "partnerships": [p["id"] for p in graph.data.partnerships],
        "links": [link["id"] for link in graph.data.data_links],
    }
    viewer = data.draw(st.sampled_from([u["id"] for u in graph.data.users]))
    async with connect(url, gateway.token(viewer)) as socket:
        for step in range(OPERATIONS):
            if step:
                change = data.draw(access_changes(graph, viewer))
                await change(db)
            query = data.draw(operations(ids))
            payload = await socket.execute(query)
            result = Result(200, payload)
            assert not unexpected_errors(result), (query, result.errors)
            check(result, graph, viewer)
            over_http = await gateway.query(viewer, query)
            assert answer(payload) == answer(over_http.body), query
