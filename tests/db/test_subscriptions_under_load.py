"""Subscriptions under load: per-user limits on sockets and on operations, and an event
that wakes only the subscriptions it can concern (each woken one reloads its viewer)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any, LiteralString

import pytest
import websockets
from starlette.applications import Starlette

from gateway.app import create_app
from graph import Database
from graph.queries.viewer import VIEWER_QUERY
from tests.conftest import make_settings
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid
from tests.support.ws import WAIT, Socket, Subscription, connect, listening, served

b = Builder()
vendor = b.company("Vendor")
partner = b.company("Partner")
other_vendor = b.company("Other vendor")
other_partner = b.company("Other partner")
v_manager = b.user(vendor, "MANAGER")
v_analyst = b.user(vendor, "ANALYST")
p_exec = b.user(partner, "EXECUTIVE")
p_rep = b.user(partner, "REP")
p_rep2 = b.user(partner, "REP")
w_exec = b.user(other_vendor, "EXECUTIVE")
w_analyst = b.user(other_vendor, "ANALYST")
q_rep = b.user(other_partner, "REP")
pa = b.partnership(vendor, partner, tier="MEDIUM", managers=(v_manager,))
b.partnership(other_vendor, other_partner, tier="MEDIUM")
account = b.customer(partner, domain="acme.example")

AUDIT = "subscription { auditEventAdded { action actorId } }"
DEAL_AUDIT = 'subscription { auditEventAdded(actionPrefix: "deal.") { action actorId } }'
REGISTERED = "subscription { dealRegistered { action opportunity { id } } }"
CHANGED = "subscription { dealStatusChanged { action opportunity { id } } }"
REGISTER = """mutation($input: RegisterDealInput!) { registerDeal(input: $input) { id } }"""

SOCKETS_PER_USER = 2
OPERATIONS_PER_USER = 3


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


@pytest.fixture(scope="module")
async def url(app: Starlette) -> AsyncIterator[str]:
    async with served(app) as ws_url:
        yield ws_url


@pytest.fixture(scope="module")
async def limited_url() -> AsyncIterator[str]:
    """A gateway of its own with small per-user limits, served on a real socket."""
    settings = make_settings(
        PRM_WS_MAX_SOCKETS_PER_USER=str(SOCKETS_PER_USER),
        PRM_WS_MAX_OPERATIONS_PER_USER=str(OPERATIONS_PER_USER),
    )
    limited = create_app(settings)
    async with limited.router.lifespan_context(limited), served(limited) as ws_url:
        yield ws_url


def code_of(message: dict[str, Any]) -> str:
    assert message["type"] == "error", message
    code: str = message["payload"][0]["extensions"]["code"]
    return code


async def accepted(socket: Socket, operation: Subscription) -> bool:
    """Whether the server took the operation (a refusal comes back before a pong)."""
    await socket.sync()
    return operation.messages.empty()


# -- per-user limits ---------------------------------------------------------


async def test_one_socket_too_many_for_a_user_is_closed_with_4429(
    limited_url: str, gateway: Gateway
) -> None:
    token = gateway.token(v_analyst)
    async with connect(limited_url, token), connect(limited_url, token):
        with pytest.raises(websockets.ConnectionClosed) as closed:
            async with connect(limited_url, token):
                pass
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
            4429,
            "Too many connections",
        )
        # The limit is per user: someone else still connects.
        async with connect(limited_url, gateway.token(w_analyst)) as other:
            assert (await other.execute("{ viewer { role } }"))["data"]
    # A closed socket frees its place (the server notices the close a moment later).
    async with asyncio.timeout(WAIT):
        while True:
            try:
                async with connect(limited_url, token) as again:
                    assert (await again.execute("{ viewer { role } }"))["data"]
                    break
            except websockets.ConnectionClosed:
                await asyncio.sleep(0.05)


async def test_operations_beyond_the_per_user_limit_are_refused_over_all_sockets(
    limited_url: str, gateway: Gateway
) -> None:
    token = gateway.token(p_exec)
    async with connect(limited_url, token) as first, connect(limited_url, token) as second:
        running = [await first.start(AUDIT), await first.start(AUDIT)]
        assert [await accepted(first, op) for op in running] == [True, True]
        running.append(await second.start(AUDIT))
        assert await accepted(second, running[-1])
        refused = await second.start(AUDIT)
        assert code_of(await refused.next()) == "TOO_MANY_OPERATIONS"
        # A query is an operation too, while it runs.
        assert (await first.execute("{ viewer { role } }"))["errors"][0]["extensions"][
            "code"
        ] == "TOO_MANY_OPERATIONS"
        # One ends: there is room for one more.
        await running[0].complete()
        await first.sync()
        assert await accepted(second, await second.start(AUDIT))


async def test_an_eleventh_operation_on_one_connection_is_refused(
    url: str, gateway: Gateway
) -> None:
    async with connect(url, gateway.token(p_exec)) as socket:
        running = [await socket.start(AUDIT) for _ in range(10)]
        await socket.sync()
        assert all(op.messages.empty() for op in running)
        refused = await socket.start(AUDIT)
        message = await refused.next()
    assert code_of(message) == "TOO_MANY_OPERATIONS"


# -- routing -----------------------------------------------------------------


class ViewerLoads:
    """Counts the viewer loads (one Cypher round trip each) by user, on one database."""

    def __init__(self, db: Database) -> None:
        self.by_user: Counter[str] = Counter()
        self.counting = False
        self._read = db.read

    async def read(
        self, query: LiteralString, params: Any, stats: Any = None
    ) -> list[dict[str, Any]]:
        if self.counting and query == VIEWER_QUERY:
            self.by_user[params["userId"]] += 1
        return await self._read(query, params, stats)


async def test_an_event_wakes_only_the_subscriptions_it_can_concern(
    url: str, gateway: Gateway, app: Starlette, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = ViewerLoads(db)
    monkeypatch.setattr(db, "read", loads.read)
    subscribers = {
        v_manager: REGISTERED,  # the vendor of the deal: concerned
        p_exec: DEAL_AUDIT,  # the company that acted: concerned
        p_rep: CHANGED,  # a registration is no status change
        v_analyst: AUDIT,  # the vendor's audit trail holds only its own actions
        w_exec: REGISTERED,  # other companies, every kind of subscription
        w_analyst: AUDIT,
        q_rep: CHANGED,
    }
    async with contextlib.AsyncExitStack() as stack:
        streams: dict[str, Subscription] = {}
        for user, query in subscribers.items():
            socket = await stack.enter_async_context(connect(url, gateway.token(user)))
            streams[user] = await socket.start(query)
        await listening(app, len(subscribers))
        loads.counting = True
        deal = await gateway.ok(
            p_rep2,
            REGISTER,
            {
                "input": {
                    "partnershipId": gid("Partnership", pa),
                    "customerId": gid("Customer", account),
                    "title": "Acme expansion",
                    "amount": 1000.0,
                }
            },
        )
        heard = await streams[v_manager].next()
        assert heard["payload"]["data"]["dealRegistered"]["opportunity"] == deal["registerDeal"]
        assert (await streams[p_exec].next())["payload"]["data"]["auditEventAdded"] == {
            "action": "deal.register",
            "actorId": p_rep2,
        }
        # Let any subscription the event wrongly woke do its reload before counting.
        await asyncio.sleep(1.0)
        unconcerned = [u for u in subscribers if u not in (v_manager, p_exec)]
        assert all(streams[u].messages.empty() for u in unconcerned)
    # Besides the request that registered: one viewer load per concerned subscriber.
    assert loads.by_user == Counter({p_rep2: loads.by_user[p_rep2], v_manager: 1, p_exec: 1})
