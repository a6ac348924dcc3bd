"""Co-marketing funds: the partner requests, the vendor decides within the budget, and the
remaining budget is right under many concurrent approvals; each change is audited."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from graph import Database
from tests.db.conftest import GraphLoader
from tests.support import programme as g
from tests.support.audit import audit_trail
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid, graph_id

REQUEST = """mutation($input: RequestMdfInput!) { requestMdf(input: $input) {
  id campaign amount currency status requestedAt decidedAt
  partnership { id } requestedBy { id } } }"""
DECIDE = """mutation($id: ID!, $approve: Boolean!, $reason: String) {
  decideMdf(id: $id, approve: $approve, reason: $reason) {
    id status decidedAt decisionReason partnership { mdfRemaining } } }"""
READ = """query($id: ID!) { mdfRequest(id: $id) { id status amount } }"""
BALANCE = """query($id: ID!) { partnership(id: $id) {
  mdfBudget mdfRemaining mdfRequests(first: 10) { totalCount edges { node { id status } } } } }"""


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(g.b.data)


def request_input(partnership: str = g.main, **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "partnershipId": gid("Partnership", partnership),
            "campaign": "Spring webinar",
            "amount": 1500.0,
            **extra,
        }
    }


async def request(gateway: Gateway, user: str, **extra: Any) -> dict[str, Any]:
    data = await gateway.ok(user, REQUEST, request_input(**extra))
    result: dict[str, Any] = data["requestMdf"]
    return result


async def test_a_partner_rep_requests_funds_and_it_is_audited(
    gateway: Gateway, db: Database
) -> None:
    created = await request(gateway, g.p_rep)
    assert created["status"] == "SUBMITTED"
    assert created["amount"] == 1500.0
    assert created["currency"] == "EUR"
    assert created["campaign"] == "Spring webinar"
    assert created["requestedAt"] is not None
    assert created["decidedAt"] is None
    assert created["requestedBy"] == {"id": gid("User", g.p_rep)}
    # The requester does not read the partnership's money.
    assert await audit_trail(db, graph_id(created["id"])) == [
        {"action": "mdf.request", "actor": g.p_rep}
    ]


async def test_the_same_idempotency_key_twice_creates_one_request(
    gateway: Gateway, db: Database
) -> None:
    first = await request(gateway, g.p_exec, idempotencyKey="mdf-1")
    second = await request(gateway, g.p_exec, idempotencyKey="mdf-1")
    assert first["id"] == second["id"]
    rows = await db.read(
        "MATCH (m:MdfRequest)-[:REQUESTED_BY]->(:User {id: $u}) RETURN count(m) AS n",
        {"u": g.p_exec},
    )
    assert rows[0]["n"] == 1
    assert len(await audit_trail(db, graph_id(first["id"]))) == 1


async def test_concurrent_retries_with_one_key_create_once(gateway: Gateway, db: Database) -> None:
    variables = request_input(idempotencyKey="race")
    results = await asyncio.gather(*(gateway.query(g.p_exec, REQUEST, variables) for _ in range(8)))
    ids = {r.data["requestMdf"]["id"] for r in results if not r.errors}
    assert len(ids) == 1, [r.body for r in results]
    rows = await db.read(
        "MATCH (m:MdfRequest)-[:REQUESTED_BY]->(:User {id: $u}) RETURN count(m) AS n",
        {"u": g.p_exec},
    )
    assert rows[0]["n"] == 1


async def test_a_key_reused_for_a_different_request_is_refused(gateway: Gateway) -> None:
    await request(gateway, g.p_exec, idempotencyKey="mdf-2")
    result = await gateway.query(g.p_exec, REQUEST, request_input(idempotencyKey="mdf-2", amount=9))
    assert result.codes() == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["argument"] == "idempotencyKey"


@pytest.mark.parametrize(
    ("user", "partnership", "code"),
    [
        (g.v_exec, g.main, "FORBIDDEN"),  # the vendor does not request its own funds
        (g.p_analyst, g.main, "FORBIDDEN"),  # read-only
        (g.s_exec, g.main, "NOT_FOUND"),  # not a party: the partnership does not exist
        (g.q_exec, g.main, "NOT_FOUND"),
        (g.s_exec, g.prospect, "INVALID_TRANSITION"),  # not ACTIVE
        (g.p_mgr, g.main, None),
        (g.q_exec, g.other, None),
    ],
)
async def test_who_may_request_funds(
    gateway: Gateway, user: str, partnership: str, code: str | None
) -> None:
    result = await gateway.query(user, REQUEST, request_input(partnership, amount=100.0))
    assert result.codes() == ([code] if code else []), result.body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", 0.0),
        ("amount", -5.0),
        ("amount", 2e12),
        ("campaign", "   "),
        ("campaign", "x" * 201),
        ("partnershipId", "not-an-id"),
    ],
)
async def test_bad_request_input_names_the_field(
    gateway: Gateway, field: str, value: object
) -> None:
    variables = request_input()
    variables["input"][field] = value
    result = await gateway.query(g.p_rep, REQUEST, variables)
    assert result.codes() == ["BAD_USER_INPUT"], result.body
    assert result.errors[0]["extensions"]["argument"] == f"input.{field}"


async def test_an_executive_asking_for_more_than_is_left_is_told_at_once(
    gateway: Gateway,
) -> None:
    result = await gateway.query(g.p_exec, REQUEST, request_input(amount=7000.01))
    assert result.codes() == ["BUDGET_EXCEEDED"]
    assert result.errors[0]["extensions"]["remaining"] == pytest.approx(7000.0)


async def test_a_rep_learns_nothing_of_the_budget_from_a_request(gateway: Gateway) -> None:
    # The REP may not read mdfRemaining: its request is stored, whatever the amount,
    # and the approval (by someone who reads the budget) enforces it.
    result = await gateway.query(g.p_rep, REQUEST, request_input(amount=7000.01))
    assert result.codes() == []
    assert "remaining" not in str(result.body)
    refused = await gateway.query(
        g.v_exec, DECIDE, {"id": result.data["requestMdf"]["id"], "approve": True}
    )
    assert refused.codes() == ["BUDGET_EXCEEDED"]


async def test_the_managing_manager_approves_and_the_remaining_budget_drops(
    gateway: Gateway,
    db: Database,
) -> None:
    created = await request(gateway, g.p_rep)
    data = await gateway.ok(g.v_mgr, DECIDE, {"id": created["id"], "approve": True})
    decided = data["decideMdf"]
    assert decided["status"] == "APPROVED"
    assert decided["decidedAt"] is not None
    assert decided["partnership"]["mdfRemaining"] == pytest.approx(7000.0 - 1500.0)
    actions = [e["action"] for e in await audit_trail(db, graph_id(created["id"]))]
    assert actions == ["mdf.request", "mdf.decide.approved"]


async def test_the_vendor_executive_rejects_with_a_reason(gateway: Gateway, db: Database) -> None:
    created = await request(gateway, g.p_rep)
    data = await gateway.ok(
        g.v_exec, DECIDE, {"id": created["id"], "approve": False, "reason": "Off-brand"}
    )
    assert data["decideMdf"]["status"] == "REJECTED"
    assert data["decideMdf"]["decisionReason"] == "Off-brand"
    assert data["decideMdf"]["partnership"]["mdfRemaining"] == pytest.approx(7000.0)
    actions = [e["action"] for e in await audit_trail(db, graph_id(created["id"]))]
    assert actions == ["mdf.request", "mdf.decide.rejected"]


@pytest.mark.parametrize(
    ("user", "code"),
    [
        (g.p_exec, "FORBIDDEN"),  # sees the request, may not decide it
        (g.p_rep, "FORBIDDEN"),  # the requester
        (g.v_mgr2, "NOT_FOUND"),  # does not manage it: cannot see it
        (g.v_rep, "NOT_FOUND"),
        (g.v_analyst, "FORBIDDEN"),  # read-only, refused before anything is read
        (g.s_exec, "NOT_FOUND"),
    ],
)
async def test_who_may_not_decide(gateway: Gateway, user: str, code: str) -> None:
    created = await request(gateway, g.p_rep)
    result = await gateway.query(user, DECIDE, {"id": created["id"], "approve": True})
    assert result.codes() == [code], result.body


async def test_a_decided_request_cannot_be_decided_again(gateway: Gateway) -> None:
    created = await request(gateway, g.p_rep)
    await gateway.ok(g.v_exec, DECIDE, {"id": created["id"], "approve": False})
    again = await gateway.query(g.v_exec, DECIDE, {"id": created["id"], "approve": True})
    assert again.codes() == ["INVALID_TRANSITION"]
    assert again.errors[0]["extensions"]["current"] == "REJECTED"


async def test_a_reason_too_long_names_the_argument(gateway: Gateway) -> None:
    created = await request(gateway, g.p_rep)
    result = await gateway.query(
        g.v_exec, DECIDE, {"id": created["id"], "approve": False, "reason": "x" * 501}
    )
    assert result.codes() == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["argument"] == "reason"


async def test_an_approval_that_would_overspend_is_refused_with_what_is_left(
    gateway: Gateway, db: Database
) -> None:
    first = await request(gateway, g.p_rep, amount=6000.0)
    second = await request(gateway, g.p_rep2, amount=6000.0)
    await gateway.ok(g.v_exec, DECIDE, {"id": first["id"], "approve": True})
    result = await gateway.query(g.v_exec, DECIDE, {"id": second["id"], "approve": True})
    assert result.codes() == ["BUDGET_EXCEEDED"]
    assert result.errors[0]["extensions"]["remaining"] == pytest.approx(1000.0)
    status = await db.read(
        "MATCH (m:MdfRequest {id: $id}) RETURN m.status AS s", {"id": graph_id(second["id"])}
    )
    assert status == [{"s": "SUBMITTED"}]
    assert [e["action"] for e in await audit_trail(db, graph_id(second["id"]))] == ["mdf.request"]


async def test_many_concurrent_approvals_never_overspend(gateway: Gateway, db: Database) -> None:
    # `other` has 5000; 30 requests of 400 (12 fit), approved all at once.
    ids = [
        (await request(gateway, g.q_exec, partnership=g.other, amount=400.0))["id"]
        for _ in range(30)
    ]
    results = await asyncio.gather(
        *(gateway.query(g.v_exec, DECIDE, {"id": i, "approve": True}) for i in ids)
    )
    approved = [r for r in results if not r.errors]
    refused = [r for r in results if r.errors]
    assert len(approved) == 12, [r.body for r in refused][:3]
    assert {c for r in refused for c in r.codes()} == {"BUDGET_EXCEEDED"}
    assert all(r.errors[0]["extensions"]["remaining"] == pytest.approx(200.0) for r in refused)
    rows = await db.read(
        "MATCH (m:MdfRequest {status: 'APPROVED'})-[:UNDER]->(:Partnership {id: $p}) "
        "RETURN sum(m.amount) AS approved",
        {"p": g.other},
    )
    assert rows[0]["approved"] == pytest.approx(4800.0)
    data = await gateway.ok(g.v_exec, BALANCE, {"id": gid("Partnership", g.other)})
    assert data["partnership"]["mdfRemaining"] == pytest.approx(5000.0 - 4800.0)


async def test_concurrent_approvals_of_mixed_amounts_keep_remaining_equal_to_budget_minus_approved(
    gateway: Gateway, db: Database
) -> None:
    amounts = [700.0, 1300.0, 250.0, 2100.0, 900.0, 1800.0, 50.0, 3000.0, 420.0, 640.0] * 2
    ids = [(await request(gateway, g.q_exec, partnership=g.other, amount=a))["id"] for a in amounts]
    results = await asyncio.gather(
        *(gateway.query(g.v_exec, DECIDE, {"id": i, "approve": True}) for i in ids)
    )
    rows = await db.read(
        "MATCH (m:MdfRequest {status: 'APPROVED'})-[:UNDER]->(:Partnership {id: $p}) "
        "RETURN sum(m.amount) AS approved",
        {"p": g.other},
    )
    approved = rows[0]["approved"]
    assert approved <= 5000.0
    accepted = sum(a for a, r in zip(amounts, results, strict=True) if not r.errors)
    assert accepted == pytest.approx(approved)
    data = await gateway.ok(g.v_exec, BALANCE, {"id": gid("Partnership", g.other)})
    remaining = data["partnership"]["mdfRemaining"]
    assert remaining == pytest.approx(5000.0 - approved)
    # A refusal saw at least as much left as there is now: nothing refused would fit.
    refused = [a for a, r in zip(amounts, results, strict=True) if r.errors]
    assert refused
    assert all(a > remaining for a in refused)


@pytest.mark.parametrize(
    ("user", "visible"),
    [
        (g.p_rep, True),  # the requester
        (g.p_exec, True),
        (g.v_exec, True),
        (g.v_mgr, True),  # manages the partnership
        (g.p_rep2, False),
        (g.p_mgr, False),  # manages nothing
        (g.v_rep, False),
        (g.v_mgr2, False),
        (g.v_analyst, False),
        (g.s_exec, False),
    ],
)
async def test_who_sees_a_request(gateway: Gateway, user: str, visible: bool) -> None:
    created = await request(gateway, g.p_rep)
    for query in (READ, "query($id: ID!) { mdfRequest: node(id: $id) { id } }"):
        data = await gateway.ok(user, query, {"id": created["id"]})
        assert (data["mdfRequest"] is not None) is visible


@pytest.mark.parametrize(
    ("user", "readable"),
    [(g.v_exec, True), (g.v_mgr, True), (g.p_exec, True), (g.p_rep, False), (g.v_mgr2, False)],
)
async def test_remaining_budget_and_requests_are_financial(
    gateway: Gateway, user: str, readable: bool
) -> None:
    result = await gateway.query(user, BALANCE, {"id": gid("Partnership", g.main)})
    part = result.data["partnership"]
    if readable:
        assert not result.errors, result.errors
        assert part["mdfRemaining"] == pytest.approx(7000.0)
        assert part["mdfRequests"]["totalCount"] == 4
        statuses = [e["node"]["status"] for e in part["mdfRequests"]["edges"]]
        assert sorted(statuses) == ["APPROVED", "APPROVED", "REJECTED", "SUBMITTED"]
    else:
        assert part["mdfRemaining"] is None
        assert part["mdfRequests"] is None
        assert {e["extensions"]["group"] for e in result.errors} == {"FINANCIAL"}


async def test_a_third_party_that_sees_the_partnership_cannot_tell_a_request_exists(
    gateway: Gateway, load_graph: GraphLoader
) -> None:
    t = Builder()
    vendor, partner, friend = t.company(), t.company(), t.company()
    t.user(vendor, "EXECUTIVE")
    p_rep = t.user(partner, "REP")
    f_exec = t.user(friend, "EXECUTIVE")
    pid = t.partnership(vendor, partner, tier="MEDIUM")
    t.partnership(friend, vendor, tier="HIGH")  # the friend sees pid as network view
    await load_graph(t.data)
    created = await gateway.ok(
        p_rep,
        REQUEST,
        {
            "input": {
                "partnershipId": gid("Partnership", pid),
                "campaign": "Webinar",
                "amount": 10.0,
            }
        },
    )
    real = await gateway.query(f_exec, DECIDE, {"id": created["requestMdf"]["id"], "approve": True})
    made_up = await gateway.query(
        f_exec, DECIDE, {"id": gid("MdfRequest", "md-made-up"), "approve": True}
    )
    assert real.codes() == made_up.codes() == ["NOT_FOUND"]
    assert real.errors[0]["message"] == made_up.errors[0]["message"]
