"""Partner lifecycle: recruit, allowed transitions only, tier by the EXECUTIVE, managers,
and an onboarding checklist that gates activation; each change leaves an AuditEvent."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from graph import Database
from tests.db.conftest import GraphLoader
from tests.support.audit import audit_trail
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid, graph_id

b = Builder()
vendor = b.company("Vendor")
partner = b.company("Partner")
other = b.company("Other")
stranger = b.company("Stranger")
v_exec = b.user(vendor, "EXECUTIVE")
v_manager = b.user(vendor, "MANAGER")
v_other_manager = b.user(vendor, "MANAGER")
v_rep = b.user(vendor, "REP")
v_analyst = b.user(vendor, "ANALYST")
p_exec = b.user(partner, "EXECUTIVE")
p_manager = b.user(partner, "MANAGER")
o_exec = b.user(other, "EXECUTIVE")
s_exec = b.user(stranger, "EXECUTIVE")
existing = b.partnership(vendor, other, tier="HIGH", managers=(v_manager,))

RECRUIT = """mutation($input: RecruitPartnerInput!) { recruitPartner(input: $input) {
  id status tier structure currency mdfBudget vendor { id } partner { id }
  onboarding { key required doneAt } } }"""
TRANSITION = """mutation($id: ID!, $status: PartnershipStatus!) {
  transitionPartnership(id: $id, status: $status) { id status since } }"""
TIER = """mutation($id: ID!, $tier: CollaborationTier!) {
  changePartnershipTier(id: $id, tier: $tier) { id tier } }"""
ASSIGN = """mutation($id: ID!, $user: ID!) {
  assignPartnershipManager(id: $id, userId: $user) { id mdfBudget } }"""
CHECKLIST = """mutation($items: [OnboardingChecklistItemInput!]!) {
  setOnboardingChecklist(items: $items) { items { key } } }"""
TICK = """mutation($id: ID!, $key: String!) {
  completeOnboardingItem(id: $id, key: $key) { onboarding { key doneAt } } }"""


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


async def recruit(gateway: Gateway, user: str, **extra: Any) -> dict[str, Any]:
    variables = {"input": {"partnerId": gid("Company", partner), "tier": "MEDIUM", **extra}}
    data = await gateway.ok(user, RECRUIT, variables)
    result: dict[str, Any] = data["recruitPartner"]
    return result


ACCEPT = """mutation($id: ID!) { acceptConsentProposal(id: $id) { status } }"""
PENDING = """query($id: ID!) { partnership(id: $id) { pendingProposals { id kind } } }"""


async def accept_invitation(gateway: Gateway, pid: str) -> None:
    """The partner's EXECUTIVE accepts the invitation (docs/consent.md)."""
    data = await gateway.ok(p_exec, PENDING, {"id": pid})
    (invitation,) = data["partnership"]["pendingProposals"]
    assert invitation["kind"] == "INVITATION"
    await gateway.ok(p_exec, ACCEPT, {"id": invitation["id"]})


async def test_an_executive_recruits_a_prospect_and_it_is_audited(
    gateway: Gateway, db: Database
) -> None:
    created = await recruit(gateway, v_exec, mdfBudget=1000.0)
    assert created["status"] == "PROSPECT"
    assert created["tier"] == "MEDIUM"
    assert created["vendor"]["id"] == gid("Company", vendor)
    assert created["partner"]["id"] == gid("Company", partner)
    assert created["mdfBudget"] == 1000.0
    events = await audit_trail(db, graph_id(created["id"]))
    assert events == [{"action": "partnership.recruit", "actor": v_exec}]


async def test_the_same_idempotency_key_twice_creates_one_partnership(
    gateway: Gateway, db: Database
) -> None:
    first = await recruit(gateway, v_exec, idempotencyKey="k-1")
    second = await recruit(gateway, v_exec, idempotencyKey="k-1")
    assert first["id"] == second["id"]
    rows = await db.read(
        "MATCH (:Company {id: $v})-[:VENDOR_IN]->(p)<-[:PARTNER_IN]-(:Company {id: $p}) "
        "RETURN count(p) AS n",
        {"v": vendor, "p": partner},
    )
    assert rows[0]["n"] == 1
    assert len(await audit_trail(db, graph_id(first["id"]))) == 1


async def test_concurrent_retries_with_one_key_create_once(gateway: Gateway, db: Database) -> None:
    variables = {
        "input": {"partnerId": gid("Company", partner), "tier": "LOW", "idempotencyKey": "race"}
    }
    results = await asyncio.gather(*(gateway.query(v_exec, RECRUIT, variables) for _ in range(8)))
    ids = {r.data["recruitPartner"]["id"] for r in results if not r.errors}
    assert len(ids) == 1, [r.body for r in results]
    rows = await db.read(
        "MATCH (:Company {id: $v})-[:VENDOR_IN]->(p)<-[:PARTNER_IN]-(:Company {id: $p}) "
        "RETURN count(p) AS n",
        {"v": vendor, "p": partner},
    )
    assert rows[0]["n"] == 1


async def test_a_key_reused_for_a_different_request_is_refused(gateway: Gateway) -> None:
    await recruit(gateway, v_exec, idempotencyKey="k-2")
    result = await gateway.query(
        v_exec,
        RECRUIT,
        {"input": {"partnerId": gid("Company", partner), "tier": "HIGH", "idempotencyKey": "k-2"}},
    )
    assert result.codes() == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["argument"] == "idempotencyKey"


async def test_a_second_live_partnership_between_the_same_companies_is_a_conflict(
    gateway: Gateway,
) -> None:
    result = await gateway.query(
        v_exec, RECRUIT, {"input": {"partnerId": gid("Company", other), "tier": "LOW"}}
    )
    assert result.codes() == ["CONFLICT"]


@pytest.mark.parametrize(
    ("user", "code"),
    [(v_rep, "FORBIDDEN"), (v_analyst, "FORBIDDEN"), (v_manager, None), (p_exec, None)],
)
async def test_who_may_recruit(gateway: Gateway, user: str, code: str | None) -> None:
    target = stranger if user != p_exec else other
    result = await gateway.query(
        user, RECRUIT, {"input": {"partnerId": gid("Company", target), "tier": "LOW"}}
    )
    assert result.codes() == ([code] if code else []), result.body


@pytest.mark.parametrize(
    ("field", "value"),
    [("currency", "euro"), ("revenueSharePct", 120.0), ("mdfBudget", -1.0), ("partnerId", None)],
)
async def test_bad_recruit_input_names_the_field(
    gateway: Gateway, field: str, value: object
) -> None:
    payload: dict[str, Any] = {"partnerId": gid("Company", partner)}
    payload[field] = value if value is not None else gid("Company", vendor)
    result = await gateway.query(v_exec, RECRUIT, {"input": payload})
    assert result.codes() == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["argument"] == f"input.{field}"


async def test_the_lifecycle_moves_only_along_allowed_transitions(
    gateway: Gateway, db: Database
) -> None:
    pid = (await recruit(gateway, v_exec))["id"]
    bad = await gateway.query(v_exec, TRANSITION, {"id": pid, "status": "ACTIVE"})
    assert bad.codes() == ["INVALID_TRANSITION"]
    assert bad.errors[0]["extensions"]["current"] == "PROSPECT"
    # #13: ACTIVE needs the partner's consent too.
    await accept_invitation(gateway, pid)
    for status in ("ONBOARDING", "ACTIVE", "SUSPENDED", "ACTIVE", "ENDED"):
        data = await gateway.ok(v_exec, TRANSITION, {"id": pid, "status": status})
        assert data["transitionPartnership"]["status"] == status
    assert data["transitionPartnership"]["since"] is not None
    final = await gateway.query(v_exec, TRANSITION, {"id": pid, "status": "ACTIVE"})
    assert final.codes() == ["INVALID_TRANSITION"]
    actions = [e["action"] for e in await audit_trail(db, graph_id(pid))]
    assert actions == ["partnership.recruit"] + ["partnership.status"] * 5


@pytest.mark.parametrize(
    ("user", "status", "code"),
    [
        (v_manager, "SUSPENDED", None),  # manages it
        (v_other_manager, "SUSPENDED", "FORBIDDEN"),
        (v_rep, "SUSPENDED", "FORBIDDEN"),
        (o_exec, "SUSPENDED", "FORBIDDEN"),  # the partner may not suspend
        (o_exec, "ENDED", None),  # but may end it
        (s_exec, "ENDED", "NOT_FOUND"),  # a stranger does not see it
    ],
)
async def test_who_may_change_a_status(
    gateway: Gateway, user: str, status: str, code: str | None
) -> None:
    result = await gateway.query(
        user, TRANSITION, {"id": gid("Partnership", existing), "status": status}
    )
    assert result.codes() == ([code] if code else []), result.body


async def test_only_the_vendor_executive_changes_the_tier(gateway: Gateway) -> None:
    pid = gid("Partnership", existing)
    for user in (v_manager, o_exec):
        result = await gateway.query(user, TIER, {"id": pid, "tier": "LOW"})
        assert result.codes() == ["FORBIDDEN"]
    data = await gateway.ok(v_exec, TIER, {"id": pid, "tier": "LOW"})
    assert data["changePartnershipTier"]["tier"] == "LOW"


async def test_an_assigned_manager_then_sees_the_financials(gateway: Gateway) -> None:
    pid = gid("Partnership", existing)
    query = "query($id: ID!) { partnership(id: $id) { mdfBudget } }"
    before = await gateway.query(v_other_manager, query, {"id": pid})
    assert before.codes() == ["FORBIDDEN"]
    refused = await gateway.query(
        v_manager, ASSIGN, {"id": pid, "user": gid("User", v_other_manager)}
    )
    assert refused.codes() == ["FORBIDDEN"]
    foreign = await gateway.query(v_exec, ASSIGN, {"id": pid, "user": gid("User", p_manager)})
    assert foreign.codes() == ["NOT_FOUND"]
    not_manager = await gateway.query(v_exec, ASSIGN, {"id": pid, "user": gid("User", v_rep)})
    assert not_manager.codes() == ["BAD_USER_INPUT"]
    await gateway.ok(v_exec, ASSIGN, {"id": pid, "user": gid("User", v_other_manager)})
    seen = await gateway.ok(v_other_manager, query, {"id": pid})
    assert seen["partnership"]["mdfBudget"] == 50000.0


async def test_required_onboarding_items_gate_activation(gateway: Gateway) -> None:
    items = [
        {"key": "agreement_signed", "title": "Partner agreement signed"},
        {"key": "first_certification", "title": "First certified user"},
        {"key": "kickoff", "title": "Kick-off call", "required": False},
    ]
    await gateway.ok(v_exec, CHECKLIST, {"items": items})
    created = await recruit(gateway, v_exec)
    pid = created["id"]
    assert [i["key"] for i in created["onboarding"]] == [
        "agreement_signed",
        "first_certification",
        "kickoff",
    ]
    await gateway.ok(v_exec, TRANSITION, {"id": pid, "status": "ONBOARDING"})
    gated = await gateway.query(v_exec, TRANSITION, {"id": pid, "status": "ACTIVE"})
    assert gated.codes() == ["INVALID_TRANSITION"]
    assert "agreement_signed" in gated.errors[0]["message"]
    await gateway.ok(p_exec, TICK, {"id": pid, "key": "agreement_signed"})
    await gateway.ok(
        v_manager if False else v_exec, TICK, {"id": pid, "key": "first_certification"}
    )
    unknown = await gateway.query(v_exec, TICK, {"id": pid, "key": "nope"})
    assert unknown.codes() == ["BAD_USER_INPUT"]
    # #13: ACTIVE needs the partner's consent too.
    await accept_invitation(gateway, pid)
    data = await gateway.ok(v_exec, TRANSITION, {"id": pid, "status": "ACTIVE"})
    assert data["transitionPartnership"]["status"] == "ACTIVE"


async def test_a_stranger_cannot_see_the_checklist_of_a_partnership(gateway: Gateway) -> None:
    await gateway.ok(v_exec, CHECKLIST, {"items": [{"key": "nda", "title": "NDA"}]})
    pid = (await recruit(gateway, v_exec))["id"]
    result = await gateway.ok(
        s_exec, "query($id: ID!) { partnership(id: $id) { onboarding { key } } }", {"id": pid}
    )
    assert result["partnership"] is None
