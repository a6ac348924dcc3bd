"""Subscriptions over graphql-transport-ws: authenticated at connection_init, fed by the
audit trail, and filtered for each subscriber by the same rules as a query."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
import websockets
from starlette.applications import Starlette

from graph import Database
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid
from tests.support.ws import listening, served, subscribe

b = Builder()
vendor = b.company("Vendor")
partner = b.company("Partner")
other = b.company("Other")
v_exec = b.user(vendor, "EXECUTIVE")
v_analyst = b.user(vendor, "ANALYST")
v_rep = b.user(vendor, "REP")
o_exec = b.user(other, "EXECUTIVE")
v_exec2 = b.user(vendor, "EXECUTIVE")
b.user(partner, "EXECUTIVE")
p_rep = b.user(partner, "REP")
p_analyst = b.user(partner, "ANALYST")
mdf_partnership = b.partnership(vendor, partner, tier="MEDIUM")

AUDIT = "subscription { auditEventAdded { action actorId targetId } }"
CHECKLIST = """mutation($key: String!) {
  setOnboardingChecklist(items: [{key: $key, title: "Step"}]) { items { key } } }"""


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


@pytest.fixture(scope="module")
async def url(app: Starlette) -> AsyncIterator[str]:
    async with served(app) as ws_url:
        yield ws_url


async def test_an_executive_follows_its_company_audit_trail_and_nothing_else(
    url: str, gateway: Gateway, app: Starlette
) -> None:
    async with subscribe(url, gateway.token(v_analyst), AUDIT) as events:
        await listening(app, 1)
        await gateway.ok(o_exec, CHECKLIST, {"key": "theirs"})
        await gateway.ok(v_exec, CHECKLIST, {"key": "ours"})
        message = await events.next()
        assert message["type"] == "next", message
        event = message["payload"]["data"]["auditEventAdded"]
        assert event == {
            "action": "company.onboarding_checklist",
            "actorId": v_exec,
            "targetId": vendor,
        }


async def test_a_rep_may_not_follow_the_audit_trail(url: str, gateway: Gateway) -> None:
    async with subscribe(url, gateway.token(v_rep), AUDIT) as events:
        message = await events.next()
        assert message["type"] in ("error", "next"), message
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("token", [None, "not-a-token"])
async def test_a_connection_without_a_valid_token_is_closed(url: str, token: str | None) -> None:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        async with subscribe(url, token, AUDIT):
            pass
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def test_nothing_runs_before_connection_init(url: str) -> None:
    async with websockets.connect(
        url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
    ) as socket:
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": AUDIT}}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 5)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4401


async def test_a_subscription_over_http_is_refused_with_a_pointer_to_the_websocket(
    gateway: Gateway,
) -> None:
    result = await gateway.query(v_analyst, AUDIT)
    assert result.status == 400
    assert result.codes() == ["BAD_REQUEST"]
    assert "WebSocket" in result.errors[0]["message"]


async def test_the_audit_trail_is_also_a_query(gateway: Gateway) -> None:
    await gateway.ok(v_exec, CHECKLIST, {"key": "again"})
    query = "{ auditEvents(first: 5) { totalCount edges { node { action actorId } } } }"
    seen = await gateway.ok(v_analyst, query)
    assert seen["auditEvents"]["edges"][0]["node"] == {
        "action": "company.onboarding_checklist",
        "actorId": v_exec,
    }
    # The ANALYST reads what was done, not the detail; the EXECUTIVE reads both.
    details = "{ auditEvents(first: 1) { edges { node { detail } } } }"
    assert (await gateway.ok(v_analyst, details))["auditEvents"]["edges"][0]["node"] == {
        "detail": None
    }
    assert (await gateway.ok(v_exec, details))["auditEvents"]["edges"][0]["node"]["detail"]
    # A REP reads only its own actions: none here; another company, none of ours.
    assert (await gateway.ok(v_rep, query))["auditEvents"]["totalCount"] == 0
    assert (await gateway.ok(o_exec, query))["auditEvents"]["totalCount"] == 0


# -- deals -------------------------------------------------------------------

d = Builder()
dv = d.company("Deal vendor")
dp = d.company("Deal partner")
dq = d.company("Other deal partner")
dv_manager = d.user(dv, "MANAGER")
dv_manager2 = d.user(dv, "MANAGER")
dv_exec = d.user(dv, "EXECUTIVE")
dp_rep = d.user(dp, "REP")
dp_rep2 = d.user(dp, "REP")
dq_rep = d.user(dq, "REP")
pa_p = d.partnership(dv, dp, tier="MEDIUM", managers=(dv_manager,))
pa_q = d.partnership(dv, dq, tier="MEDIUM", managers=(dv_manager2,))
dp_customer = d.customer(dp, domain="acme.example")
dq_customer = d.customer(dq, domain="globex.example")

REGISTERED = "subscription { dealRegistered { action opportunity { id title } } }"
CHANGED = "subscription { dealStatusChanged { action opportunity { id status } } }"
REGISTER = """mutation($input: RegisterDealInput!) { registerDeal(input: $input) { id } }"""
APPROVE = "mutation($id: ID!) { approveDeal(id: $id) { id status } }"


async def register(gateway: Gateway, user: str, partnership: str, customer: str, title: str) -> str:
    data = await gateway.ok(
        user,
        REGISTER,
        {
            "input": {
                "partnershipId": gid("Partnership", partnership),
                "customerId": gid("Customer", customer),
                "title": title,
                "amount": 1000.0,
            }
        },
    )
    deal_id: str = data["registerDeal"]["id"]
    return deal_id


@pytest.fixture
async def deal_graph(load_graph: GraphLoader) -> None:
    await load_graph(d.data)


@pytest.mark.usefixtures("deal_graph")
async def test_a_vendor_manager_hears_of_deals_under_the_partnerships_it_manages_only(
    url: str, gateway: Gateway, app: Starlette
) -> None:
    async with (
        subscribe(url, gateway.token(dv_manager), REGISTERED) as mine,
        subscribe(url, gateway.token(dv_manager2), REGISTERED) as theirs,
    ):
        await listening(app, 2)
        first = await register(gateway, dp_rep, pa_p, dp_customer, "Acme expansion")
        heard = (await mine.next())["payload"]["data"]["dealRegistered"]
        assert heard == {
            "action": "deal.register",
            "opportunity": {"id": first, "title": "Acme expansion"},
        }
        second = await register(gateway, dq_rep, pa_q, dq_customer, "Globex renewal")
        # The other manager's first event is the deal it manages, not the first one.
        other = (await theirs.next())["payload"]["data"]["dealRegistered"]
        assert other["opportunity"]["id"] == second


@pytest.mark.usefixtures("deal_graph")
async def test_a_partner_rep_hears_of_status_changes_of_its_own_deals_only(
    url: str, gateway: Gateway, app: Starlette
) -> None:
    async with (
        subscribe(url, gateway.token(dp_rep2), CHANGED) as colleague,
        subscribe(url, gateway.token(dq_rep), CHANGED) as competitor,
        subscribe(url, gateway.token(dp_rep), CHANGED) as registrant,
    ):
        await listening(app, 3)
        deal = await register(gateway, dp_rep, pa_p, dp_customer, "Acme expansion")
        await gateway.ok(dv_manager, APPROVE, {"id": deal})
        heard = (await registrant.next())["payload"]["data"]["dealStatusChanged"]
        assert heard == {
            "action": "deal.approve",
            "opportunity": {"id": deal, "status": "APPROVED"},
        }
        # A REP sees only the deals it registered; a competitor never the other's deals.
        own = await register(gateway, dq_rep, pa_q, dq_customer, "Globex renewal")
        await gateway.ok(dv_exec, APPROVE, {"id": own})
        assert (await competitor.next())["payload"]["data"]["dealStatusChanged"]["opportunity"][
            "id"
        ] == own
        # The registrant and the competitor have heard; a REP colleague heard nothing.
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(1.5):
                await colleague.next()


MDF = """mutation($input: RequestMdfInput!) { requestMdf(input: $input) { id } }"""


async def test_an_analyst_does_not_see_mdf_in_the_audit_trail(gateway: Gateway) -> None:
    await gateway.ok(
        p_rep,
        MDF,
        {
            "input": {
                "partnershipId": gid("Partnership", mdf_partnership),
                "campaign": "Secret",
                "amount": 10.0,
            }
        },
    )
    query = "{ auditEvents(first: 5) { totalCount edges { node { action detail } } } }"
    assert (await gateway.ok(p_analyst, query))["auditEvents"]["totalCount"] == 0
    own = (await gateway.ok(p_rep, query))["auditEvents"]["edges"]
    assert [e["node"]["action"] for e in own] == ["mdf.request"]
    assert "Secret" in own[0]["node"]["detail"]


async def test_a_subscriber_demoted_meanwhile_gets_nothing_more(
    url: str, gateway: Gateway, db: Database, app: Starlette
) -> None:
    async with subscribe(url, gateway.token(v_exec2), AUDIT) as events:
        await listening(app, 1)
        await db.write("MATCH (u:User {id: $id}) SET u.role = 'REP'", {"id": v_exec2})
        await gateway.ok(v_exec, CHECKLIST, {"key": "after"})
        message = await events.next()
    assert message["type"] == "next", message
    assert message["payload"]["data"] is None
    assert [e["extensions"]["code"] for e in message["payload"]["errors"]] == ["FORBIDDEN"]


@pytest.mark.usefixtures("deal_graph")
async def test_an_operation_over_the_socket_meets_the_same_query_limits(
    url: str, gateway: Gateway
) -> None:
    # Deeper than the suite's relaxed depth limit (50) as well as production's (15).
    deep = (
        "subscription { dealRegistered { opportunity { partnership { vendor { partnerships"
        + (" { edges { node { vendor { partnerships" * 12)
        + " { totalCount }"
        + " } } } }" * 12
        + " } } } } }"
    )
    async with subscribe(url, gateway.token(dv_manager), deep) as events:
        message = await events.next()
    assert message["type"] == "error", message
    assert message["payload"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"
