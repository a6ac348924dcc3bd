"""An open WebSocket is authorized like a stream of HTTP requests: every operation on it
(query, mutation, each subscription event) reads the graph as of that operation, and a
token past its ``exp`` closes the socket with 4403 even when nothing runs on it.

Each change below is made while the socket stays open (over HTTP, or with Cypher where
the API has no such mutation yet); the very next operation on the socket must answer
exactly what a new HTTP request answers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from starlette.applications import Starlette

from gateway.auth import mint_token
from graph import Database
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid
from tests.support.ws import SocketClosed, connect, listening, served

b = Builder()
owner = b.company("Owner")
recipient = b.company("Recipient")
o_exec = b.user(owner, "EXECUTIVE")
o_exec2 = b.user(owner, "EXECUTIVE")
o_analyst = b.user(owner, "ANALYST")
r_exec = b.user(recipient, "EXECUTIVE")
high = b.partnership(owner, recipient, tier="HIGH")
shared = [b.customer(owner) for _ in range(3)]
link = b.link(owner, recipient, high, covers=tuple(shared))

SEEN = """query($owner: ID!) { customers(first: 10, filter: {ownerId: $owner}) {
  totalCount edges { node { name email } } } }"""
REVOKE = "mutation($id: ID!) { revokeDataLink(id: $id) { id active } }"
TRANSITION = """mutation($id: ID!, $status: PartnershipStatus!) {
  transitionPartnership(id: $id, status: $status) { id status } }"""
POLICY = """mutation($tier: CollaborationTier!, $groups: [FieldGroup!]) {
  setSharingPolicy(tier: $tier, groups: $groups) { tier groups } }"""
AUDIT = "subscription { auditEventAdded { action actorId } }"
CHECKLIST = """mutation($key: String!) {
  setOnboardingChecklist(items: [{key: $key, title: "Step"}]) { items { key } } }"""


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


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


def names(payload: dict[str, Any]) -> list[str | None]:
    return [e["node"]["name"] for e in payload["data"]["customers"]["edges"]]


Change = Callable[[Gateway, Database], Awaitable[Any]]


async def revoke_the_link(gateway: Gateway, db: Database) -> None:
    await gateway.ok(o_exec, REVOKE, {"id": gid("DataLink", link)})


async def expire_the_link(gateway: Gateway, db: Database) -> None:
    # No mutation shortens a link: its expiry passes while the socket is open.
    await db.write(
        "MATCH (l:DataLink {id: $id}) SET l.expiresAt = datetime() - duration('PT1S')",
        {"id": link},
    )


async def suspend_the_partnership(gateway: Gateway, db: Database) -> None:
    await gateway.ok(o_exec, TRANSITION, {"id": gid("Partnership", high), "status": "SUSPENDED"})


async def end_the_partnership(gateway: Gateway, db: Database) -> None:
    await gateway.ok(o_exec, TRANSITION, {"id": gid("Partnership", high), "status": "ENDED"})


async def narrow_the_sharing_policy(gateway: Gateway, db: Database) -> None:
    await gateway.ok(o_exec, POLICY, {"tier": "HIGH", "groups": ["IDENTITY"]})


@pytest.mark.parametrize(
    "change",
    [
        revoke_the_link,
        expire_the_link,
        suspend_the_partnership,
        end_the_partnership,
        narrow_the_sharing_policy,
    ],
)
async def test_a_loss_of_access_applies_to_the_next_query_on_an_open_socket(
    url: str, gateway: Gateway, db: Database, change: Change
) -> None:
    variables = {"owner": gid("Company", owner)}
    async with connect(url, gateway.token(r_exec)) as socket:
        before = await socket.execute(SEEN, variables)
        assert names(before) == [f"Customer {n:03d}" for n in (1, 2, 3)]
        assert not before.get("errors"), before
        await change(gateway, db)
        after = await socket.execute(SEEN, variables)
        over_http = await gateway.query(r_exec, SEEN, variables)
    assert over_http.status == 200, over_http.body
    assert answer(after) == answer(over_http.body)
    assert answer(after) != answer(before)
    # Nothing of what the link shared is left: no email, and no name unless another
    # rule still grants it (the narrowed policy keeps IDENTITY).
    assert all(e["node"]["email"] is None for e in after["data"]["customers"]["edges"])


async def test_the_revoked_link_leaks_nothing_to_a_socket_opened_before(
    url: str, gateway: Gateway, db: Database
) -> None:
    # The report of issue #11: the socket kept every row after the revocation.
    variables = {"owner": gid("Company", owner)}
    async with connect(url, gateway.token(r_exec)) as socket:
        assert (await socket.execute(SEEN, variables))["data"]["customers"]["totalCount"] == 3
        await revoke_the_link(gateway, db)
        after = await socket.execute(SEEN, variables)
    assert after["data"]["customers"] == {"totalCount": 0, "edges": []}


async def test_a_demoted_user_may_no_longer_mutate_over_its_open_socket(
    url: str, gateway: Gateway, db: Database
) -> None:
    async with connect(url, gateway.token(o_exec2)) as socket:
        allowed = await socket.execute(POLICY, {"tier": "LOW", "groups": []})
        assert not allowed.get("errors"), allowed
        await db.write("MATCH (u:User {id: $id}) SET u.role = 'REP'", {"id": o_exec2})
        refused = await socket.execute(POLICY, {"tier": "LOW", "groups": ["IDENTITY"]})
        role = await socket.execute("{ viewer { role } }")
    assert refused["data"] is None
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    assert role["data"] == {"viewer": {"role": "REP"}}


async def test_a_deactivated_user_has_its_socket_closed_at_the_next_operation(
    url: str, gateway: Gateway, db: Database
) -> None:
    async with connect(url, gateway.token(r_exec)) as socket:
        assert (await socket.execute("{ viewer { role } }"))["data"]["viewer"]["role"]
        # Until user administration exists: the user leaves its company.
        await db.write("MATCH (:User {id: $id})-[m:MEMBER_OF]->() DELETE m", {"id": r_exec})
        with pytest.raises(SocketClosed) as closed:
            await socket.execute("{ viewer { role } }")
    assert closed.value.code == 4403
    assert (await gateway.query(r_exec, "{ viewer { role } }")).status == 401


async def test_a_deactivated_subscriber_has_its_socket_closed_at_the_next_event(
    url: str, gateway: Gateway, db: Database, app: Starlette
) -> None:
    async with connect(url, gateway.token(o_analyst)) as socket:
        events = await socket.start(AUDIT)
        await listening(app, 1)
        await db.write("MATCH (:User {id: $id})-[m:MEMBER_OF]->() DELETE m", {"id": o_analyst})
        await gateway.ok(o_exec, CHECKLIST, {"key": "after"})
        with pytest.raises(SocketClosed) as closed:
            await events.next()
    assert closed.value.code == 4403


async def test_a_socket_whose_token_expires_is_closed_even_when_idle(
    url: str, gateway: Gateway
) -> None:
    token = mint_token(gateway.settings, o_analyst, ttl_seconds=2)
    async with connect(url, token) as socket:
        assert (await socket.execute("{ viewer { role } }"))["data"] == {
            "viewer": {"role": "ANALYST"}
        }
        events = await socket.start(AUDIT)
        # Nothing is sent either way: the server closes the socket when the token expires.
        assert await socket.wait_closed() == 4403
        with pytest.raises(SocketClosed):
            await events.next()
    assert "expired" in socket.close_reason.lower()


async def test_a_query_on_a_socket_reads_the_graph_of_that_moment_not_of_the_first(
    url: str, gateway: Gateway, db: Database
) -> None:
    # Fresh loaders per operation: a change made by someone else between two
    # identical queries is seen by the second.
    query = "query($id: ID!) { customer(id: $id) { name } }"
    variables = {"id": gid("Customer", shared[0])}
    async with connect(url, gateway.token(o_exec)) as socket:
        first = await socket.execute(query, variables)
        await db.write("MATCH (c:Customer {id: $id}) SET c.name = 'Renamed'", {"id": shared[0]})
        second = await socket.execute(query, variables)
    assert first["data"] == {"customer": {"name": "Customer 001"}}
    assert second["data"] == {"customer": {"name": "Renamed"}}


async def test_a_subscriber_moved_to_another_company_has_its_subscription_ended(
    url: str, gateway: Gateway, db: Database, app: Starlette
) -> None:
    async with connect(url, gateway.token(o_analyst)) as socket:
        events = await socket.start(AUDIT)
        await listening(app, 1)
        await db.write(
            """MATCH (u:User {id: $id})-[m:MEMBER_OF]->() DELETE m
            WITH u MATCH (c:Company {id: $company}) CREATE (u)-[:MEMBER_OF]->(c)""",
            {"id": o_analyst, "company": recipient},
        )
        await gateway.ok(o_exec, CHECKLIST, {"key": "after_the_move"})
        ended = await events.next()
        done = await events.next()
    assert ended["type"] == "next", ended
    assert ended["payload"]["data"] is None
    assert [e["extensions"]["code"] for e in ended["payload"]["errors"]] == ["FORBIDDEN"]
    assert done["type"] == "complete"
