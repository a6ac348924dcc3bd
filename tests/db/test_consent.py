"""Consent (#13 item 1, docs/consent.md): a partnership is ACTIVE only when both
companies accepted, a tier raise and a link widening wait for the company whose
data would flow, a narrowing applies at once, every link reads no more than its
owner's ceiling, and every step is a proposal both parties list and audit."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from graph import Database, sweep_expired_proposals
from tests.conftest import make_settings
from tests.db.conftest import GraphLoader, serving
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid, graph_id

b = Builder()
vendor = b.company("Vendor")
partner = b.company("Partner")
newcomer = b.company("Newcomer")
stranger = b.company("Stranger")
v_exec = b.user(vendor, "EXECUTIVE")
v_manager = b.user(vendor, "MANAGER")
p_exec = b.user(partner, "EXECUTIVE")
p_manager = b.user(partner, "MANAGER")
n_exec = b.user(newcomer, "EXECUTIVE")
n_manager = b.user(newcomer, "MANAGER")
s_exec = b.user(stranger, "EXECUTIVE")
medium = b.partnership(vendor, partner, tier="MEDIUM", managers=(v_manager, p_manager))
vc1 = b.customer(vendor)
vc2 = b.customer(vendor)
vc3 = b.customer(vendor)
pc1 = b.customer(partner)
# The vendor's link to the partner: every group granted, MEDIUM lets two through.
wide = b.link(vendor, partner, medium, covers=(vc1,))
# A link whose scope went beyond what its owner accepted (data written before the
# ceiling, or by hand): it reads only what the owner accepted.
beyond = b.link(vendor, partner, medium, covers=(vc2,), ceiling=("IDENTITY",))
# allCustomers on without the owner's acceptance covers nothing.
unaccepted_all = b.link(vendor, partner, medium, all_customers=True, ceiling_all=False)
# The partner's link to the vendor, IDENTITY only.
small = b.link(partner, vendor, medium, scope=("IDENTITY",), covers=(pc1,))

RECRUIT = """mutation($input: RecruitPartnerInput!) { recruitPartner(input: $input) {
  id status consent { vendorAccepted partnerAccepted activationRequested }
  pendingProposals { id kind toTier proposer { id } answerer { id } } } }"""
APPLY = """mutation($input: ApplyToPartnerProgrammeInput!) {
  applyToPartnerProgramme(input: $input) {
  id status vendor { id } partner { id } consent { vendorAccepted partnerAccepted }
  pendingProposals { id kind } } }"""
TRANSITION = """mutation($id: ID!, $status: PartnershipStatus!) {
  transitionPartnership(id: $id, status: $status) {
    id status consent { vendorAccepted partnerAccepted activationRequested } } }"""
TIER = """mutation($id: ID!, $tier: CollaborationTier!) {
  changePartnershipTier(id: $id, tier: $tier) {
  tier pendingProposals { id kind fromTier toTier expiresAt } } }"""
ACCEPT = "mutation($id: ID!) { acceptConsentProposal(id: $id) { id kind status answeredAt } }"
DECLINE = "mutation($id: ID!) { declineConsentProposal(id: $id) { id kind status } }"
CHANGE = """mutation($id: ID!, $scope: [FieldGroup!], $all: Boolean) {
  changeDataLink(id: $id, scope: $scope, allCustomers: $all) {
    scope allCustomers ceiling ceilingAllCustomers
    pendingProposals { id kind fromScope toScope fromAllCustomers toAllCustomers } } }"""
REVOKE = "mutation($id: ID!) { revokeDataLink(id: $id) { id active } }"
GROUPS = "query($id: ID!) { customer(id: $id) { access { groups } } }"
PROPOSALS = """query($status: ConsentProposalStatus) { consentProposals(status: $status) {
  totalCount edges { node { id kind status fromTier toTier proposer { id } answerer { id }
  proposedById expiresAt createdAt partnership { id } } } } }"""
AUDIT = """{ auditEvents(actionPrefix: "consent", first: 50) { edges { node {
  action targetId actorId } } } }"""
PARTNERSHIP = "query($id: ID!) { partnership(id: $id) { status tier } }"


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


async def groups_of(gateway: Gateway, user: str, customer: str) -> set[str] | None:
    data = await gateway.ok(user, GROUPS, {"id": gid("Customer", customer)})
    found = data["customer"]
    return None if found is None else set(found["access"]["groups"])


async def recruit(gateway: Gateway, **extra: Any) -> dict[str, Any]:
    variables = {"input": {"partnerId": gid("Company", newcomer), "tier": "MEDIUM", **extra}}
    created: dict[str, Any] = (await gateway.ok(v_exec, RECRUIT, variables))["recruitPartner"]
    return created


async def raise_tier(gateway: Gateway) -> str:
    data = await gateway.ok(v_exec, TIER, {"id": gid("Partnership", medium), "tier": "HIGH"})
    (proposal,) = data["changePartnershipTier"]["pendingProposals"]
    return str(proposal["id"])


# -- (a) a partnership is ACTIVE only when both companies accepted -------------------


async def test_recruiting_invites_and_the_vendor_alone_cannot_make_it_active(
    gateway: Gateway,
) -> None:
    created = await recruit(gateway)
    assert created["consent"] == {
        "vendorAccepted": True,
        "partnerAccepted": False,
        "activationRequested": False,
    }
    (invitation,) = created["pendingProposals"]
    assert invitation["kind"] == "INVITATION"
    assert invitation["proposer"]["id"] == gid("Company", vendor)
    assert invitation["answerer"]["id"] == gid("Company", newcomer)
    pid = created["id"]
    await gateway.ok(v_exec, TRANSITION, {"id": pid, "status": "ONBOARDING"})
    asked = (await gateway.ok(v_exec, TRANSITION, {"id": pid, "status": "ACTIVE"}))[
        "transitionPartnership"
    ]
    assert asked["status"] == "ONBOARDING"
    assert asked["consent"]["activationRequested"] is True
    accepted = await gateway.ok(n_exec, ACCEPT, {"id": invitation["id"]})
    assert accepted["acceptConsentProposal"]["status"] == "ACCEPTED"
    now = (await gateway.ok(v_exec, PARTNERSHIP, {"id": pid}))["partnership"]
    assert now["status"] == "ACTIVE"


async def test_an_invitation_accepted_early_lets_the_vendor_activate_after_onboarding(
    gateway: Gateway,
) -> None:
    created = await recruit(gateway)
    await gateway.ok(n_exec, ACCEPT, {"id": created["pendingProposals"][0]["id"]})
    pid = created["id"]
    still = (await gateway.ok(v_exec, PARTNERSHIP, {"id": pid}))["partnership"]
    assert still["status"] == "PROSPECT"  # consent is not activation
    await gateway.ok(v_exec, TRANSITION, {"id": pid, "status": "ONBOARDING"})
    done = await gateway.ok(v_exec, TRANSITION, {"id": pid, "status": "ACTIVE"})
    assert done["transitionPartnership"]["status"] == "ACTIVE"


@pytest.mark.parametrize(
    ("user", "code"),
    [
        (n_manager, "FORBIDDEN"),  # the partner's consent is its EXECUTIVE's
        (v_exec, "FORBIDDEN"),  # the vendor cannot answer its own invitation
        (s_exec, "NOT_FOUND"),  # a stranger does not see it
    ],
)
async def test_only_the_partner_executive_answers_an_invitation(
    gateway: Gateway, user: str, code: str
) -> None:
    created = await recruit(gateway)
    result = await gateway.query(user, ACCEPT, {"id": created["pendingProposals"][0]["id"]})
    assert result.codes() == [code]


async def test_a_declined_invitation_ends_the_partnership(gateway: Gateway) -> None:
    created = await recruit(gateway)
    declined = await gateway.ok(n_exec, DECLINE, {"id": created["pendingProposals"][0]["id"]})
    assert declined["declineConsentProposal"]["status"] == "DECLINED"
    ended = (await gateway.ok(v_exec, PARTNERSHIP, {"id": created["id"]}))["partnership"]
    assert ended["status"] == "ENDED"
    again = await gateway.query(n_exec, ACCEPT, {"id": created["pendingProposals"][0]["id"]})
    assert again.codes() == ["INVALID_TRANSITION"]


async def test_a_company_applies_and_the_vendor_manager_accepts_and_manages_it(
    gateway: Gateway,
) -> None:
    variables = {"input": {"vendorId": gid("Company", vendor), "tier": "LOW"}}
    refused = await gateway.query(n_manager, APPLY, variables)
    assert refused.codes() == ["FORBIDDEN"]
    applied = (await gateway.ok(n_exec, APPLY, variables))["applyToPartnerProgramme"]
    assert applied["vendor"]["id"] == gid("Company", vendor)
    assert applied["partner"]["id"] == gid("Company", newcomer)
    assert applied["consent"] == {"vendorAccepted": False, "partnerAccepted": True}
    (application,) = applied["pendingProposals"]
    assert application["kind"] == "APPLICATION"
    pid = applied["id"]
    await gateway.ok(v_exec, TRANSITION, {"id": pid, "status": "ONBOARDING"})
    unaccepted = await gateway.query(v_exec, TRANSITION, {"id": pid, "status": "ACTIVE"})
    assert unaccepted.codes() == ["INVALID_TRANSITION"]
    await gateway.ok(v_manager, ACCEPT, {"id": application["id"]})
    # The accepting MANAGER manages it, so runs its lifecycle.
    done = await gateway.ok(v_manager, TRANSITION, {"id": pid, "status": "ACTIVE"})
    assert done["transitionPartnership"]["status"] == "ACTIVE"


async def test_a_resumed_partnership_returns_to_what_was_accepted(gateway: Gateway) -> None:
    pid = gid("Partnership", medium)
    await gateway.ok(v_exec, TRANSITION, {"id": pid, "status": "SUSPENDED"})
    assert await groups_of(gateway, p_exec, vc1) is None
    resumed = await gateway.ok(v_exec, TRANSITION, {"id": pid, "status": "ACTIVE"})
    assert resumed["transitionPartnership"]["status"] == "ACTIVE"
    assert await groups_of(gateway, p_exec, vc1) == {"IDENTITY", "PROFILE"}


# -- (b) a tier raise waits for both; a cut applies at once --------------------------


async def test_a_tier_raise_waits_for_the_partner_and_the_old_tier_holds(
    gateway: Gateway,
) -> None:
    data = await gateway.ok(v_exec, TIER, {"id": gid("Partnership", medium), "tier": "HIGH"})
    changed = data["changePartnershipTier"]
    assert changed["tier"] == "MEDIUM"
    (proposal,) = changed["pendingProposals"]
    assert (proposal["kind"], proposal["fromTier"], proposal["toTier"]) == (
        "TIER",
        "MEDIUM",
        "HIGH",
    )
    # Neither side's data widened: the partner reads the vendor's at MEDIUM, and back.
    assert await groups_of(gateway, p_exec, vc1) == {"IDENTITY", "PROFILE"}
    refused = await gateway.query(p_manager, ACCEPT, {"id": proposal["id"]})
    assert refused.codes() == ["FORBIDDEN"]
    await gateway.ok(p_exec, ACCEPT, {"id": proposal["id"]})
    now = await gateway.ok(v_exec, PARTNERSHIP, {"id": gid("Partnership", medium)})
    assert now["partnership"]["tier"] == "HIGH"
    assert await groups_of(gateway, p_exec, vc1) == {"IDENTITY", "PROFILE", "CONTACT", "FINANCIAL"}


async def test_a_tier_cut_applies_at_once_and_withdraws_a_pending_raise(
    gateway: Gateway,
) -> None:
    proposal = await raise_tier(gateway)
    data = await gateway.ok(v_exec, TIER, {"id": gid("Partnership", medium), "tier": "LOW"})
    assert data["changePartnershipTier"] == {"tier": "LOW", "pendingProposals": []}
    assert await groups_of(gateway, p_exec, vc1) is None
    late = await gateway.query(p_exec, ACCEPT, {"id": proposal})
    assert late.codes() == ["INVALID_TRANSITION"]
    assert late.errors[0]["extensions"]["current"] == "WITHDRAWN"


# -- (c) a link reads scope ∩ tier ∩ the owner's ceiling -----------------------------


async def test_a_link_reads_no_more_than_its_owner_accepted(gateway: Gateway) -> None:
    assert await groups_of(gateway, p_exec, vc2) == {"IDENTITY"}
    # allCustomers without the owner's acceptance covers nothing.
    assert await groups_of(gateway, p_exec, vc3) is None


async def test_a_recipient_widening_waits_for_the_owner(gateway: Gateway) -> None:
    link = gid("DataLink", small)
    data = await gateway.ok(v_exec, CHANGE, {"id": link, "scope": ["IDENTITY", "PROFILE"]})
    changed = data["changeDataLink"]
    assert changed["scope"] == ["IDENTITY"]
    assert changed["ceiling"] == ["IDENTITY"]
    (proposal,) = changed["pendingProposals"]
    assert proposal["kind"] == "LINK_SCOPE"
    assert (proposal["fromScope"], proposal["toScope"]) == (["IDENTITY"], ["IDENTITY", "PROFILE"])
    assert await groups_of(gateway, v_exec, pc1) == {"IDENTITY"}
    refused = await gateway.query(v_exec, ACCEPT, {"id": proposal["id"]})
    assert refused.codes() == ["FORBIDDEN"]
    # The partnership's managing MANAGER answers for the owner, as it grants links.
    await gateway.ok(p_manager, ACCEPT, {"id": proposal["id"]})
    assert await groups_of(gateway, v_exec, pc1) == {"IDENTITY", "PROFILE"}


async def test_a_narrowing_applies_at_once_and_the_ceiling_allows_widening_back(
    gateway: Gateway,
) -> None:
    link = gid("DataLink", small)
    # The owner's own change is its consent: it applies, and is the new ceiling.
    owner = await gateway.ok(p_exec, CHANGE, {"id": link, "scope": ["IDENTITY", "PROFILE"]})
    assert owner["changeDataLink"]["ceiling"] == ["IDENTITY", "PROFILE"]
    assert owner["changeDataLink"]["pendingProposals"] == []
    narrowed = await gateway.ok(v_exec, CHANGE, {"id": link, "scope": ["IDENTITY"]})
    assert narrowed["changeDataLink"]["scope"] == ["IDENTITY"]
    assert await groups_of(gateway, v_exec, pc1) == {"IDENTITY"}
    back = await gateway.ok(v_exec, CHANGE, {"id": link, "scope": ["IDENTITY", "PROFILE"]})
    assert back["changeDataLink"]["scope"] == ["IDENTITY", "PROFILE"]
    assert back["changeDataLink"]["pendingProposals"] == []


async def test_all_customers_on_waits_for_the_owner(gateway: Gateway) -> None:
    link = gid("DataLink", wide)
    data = await gateway.ok(p_exec, CHANGE, {"id": link, "all": True})
    (proposal,) = data["changeDataLink"]["pendingProposals"]
    assert (proposal["fromAllCustomers"], proposal["toAllCustomers"]) == (False, True)
    assert await groups_of(gateway, p_exec, vc3) is None
    await gateway.ok(v_exec, ACCEPT, {"id": proposal["id"]})
    assert await groups_of(gateway, p_exec, vc3) == {"IDENTITY", "PROFILE"}


# -- (d) listed for both, audited for both, expiring ---------------------------------


async def test_both_parties_list_a_proposal_with_who_proposed_what(gateway: Gateway) -> None:
    proposal = await raise_tier(gateway)
    for user in (v_exec, p_exec, p_manager):
        listed = (await gateway.ok(user, PROPOSALS, {"status": "PENDING"}))["consentProposals"]
        assert listed["totalCount"] == 1
        node = listed["edges"][0]["node"]
        assert node["id"] == proposal
        assert (node["kind"], node["fromTier"], node["toTier"]) == ("TIER", "MEDIUM", "HIGH")
        assert node["proposer"]["id"] == gid("Company", vendor)
        assert node["answerer"]["id"] == gid("Company", partner)
        assert node["proposedById"] == gid("User", v_exec)
        assert node["partnership"]["id"] == gid("Partnership", medium)
    none = (await gateway.ok(s_exec, PROPOSALS))["consentProposals"]
    assert none["totalCount"] == 0


async def test_every_consent_step_is_in_both_parties_audit_trails(gateway: Gateway) -> None:
    proposal = await raise_tier(gateway)
    await gateway.ok(p_exec, ACCEPT, {"id": proposal})
    for user in (v_exec, p_exec):
        events = (await gateway.ok(user, AUDIT))["auditEvents"]["edges"]
        assert [(e["node"]["action"], e["node"]["targetId"]) for e in events] == [
            ("consent.accept", graph_id(proposal))
        ]
    tier_events = """{ auditEvents(actionPrefix: "partnership.tier") {
      edges { node { action detail } } } }"""
    for user in (v_exec, p_exec):
        edges = (await gateway.ok(user, tier_events))["auditEvents"]["edges"]
        assert [e["node"]["action"] for e in edges] == ["partnership.tier.propose"]
        assert graph_id(proposal) in edges[0]["node"]["detail"]


async def test_an_answer_after_expiry_fails_and_records_the_expiry(
    gateway: Gateway, db: Database
) -> None:
    proposal = await raise_tier(gateway)
    await db.write(
        "MATCH (cp:ConsentProposal {id: $id}) SET cp.expiresAt = datetime() - duration('PT1S')",
        {"id": graph_id(proposal)},
    )
    listed = await gateway.ok(p_exec, PROPOSALS, {"status": "EXPIRED"})
    assert listed["consentProposals"]["totalCount"] == 1
    late = await gateway.query(p_exec, ACCEPT, {"id": proposal})
    assert late.codes() == ["INVALID_TRANSITION"]
    assert late.errors[0]["extensions"]["current"] == "EXPIRED"
    tier = await gateway.ok(v_exec, PARTNERSHIP, {"id": gid("Partnership", medium)})
    assert tier["partnership"]["tier"] == "MEDIUM"
    for user in (v_exec, p_exec):
        events = (await gateway.ok(user, AUDIT))["auditEvents"]["edges"]
        assert [e["node"]["action"] for e in events] == ["consent.expire"]


async def test_the_sweep_expires_an_invitation_and_ends_its_partnership(
    gateway: Gateway, db: Database
) -> None:
    created = await recruit(gateway)
    await db.write(
        "MATCH (cp:ConsentProposal) SET cp.expiresAt = datetime() - duration('PT1S')", {}
    )
    assert await sweep_expired_proposals(db) == 1
    assert await sweep_expired_proposals(db) == 0
    ended = (await gateway.ok(v_exec, PARTNERSHIP, {"id": created["id"]}))["partnership"]
    assert ended["status"] == "ENDED"
    for user in (v_exec, n_exec):
        events = (await gateway.ok(user, AUDIT))["auditEvents"]["edges"]
        assert [e["node"]["action"] for e in events] == ["consent.expire"]


async def test_proposals_expire_after_the_configured_days(db: Database) -> None:
    async with serving(make_settings(PRM_CONSENT_PROPOSAL_DAYS="3")) as gateway:
        await raise_tier(gateway)
    rows = await db.read(
        "MATCH (cp:ConsentProposal) RETURN duration.inSeconds(cp.createdAt, cp.expiresAt)"
        ".seconds AS seconds",
        {},
    )
    assert [r["seconds"] for r in rows] == [3 * 86400]


# -- races: one consistent state -------------------------------------------------------


async def test_two_concurrent_acceptances_apply_once(gateway: Gateway, db: Database) -> None:
    proposal = await raise_tier(gateway)
    results = await asyncio.gather(
        *(gateway.query(p_exec, ACCEPT, {"id": proposal}) for _ in range(4))
    )
    codes = sorted(tuple(r.codes()) for r in results)
    assert codes == [(), ("INVALID_TRANSITION",), ("INVALID_TRANSITION",), ("INVALID_TRANSITION",)]
    rows = await db.read(
        "MATCH (a:AuditEvent {action: 'consent.accept', targetId: $id}) "
        "WHERE a.copyOf IS NULL RETURN count(a) AS n",
        {"id": graph_id(proposal)},
    )
    assert rows[0]["n"] == 1


async def test_accept_against_revoke_leaves_one_consistent_state(
    gateway: Gateway, db: Database
) -> None:
    link = gid("DataLink", wide)
    data = await gateway.ok(p_exec, CHANGE, {"id": link, "all": True})
    proposal = data["changeDataLink"]["pendingProposals"][0]["id"]
    accept, revoke = await asyncio.gather(
        gateway.query(v_exec, ACCEPT, {"id": proposal}),
        gateway.query(v_exec, REVOKE, {"id": link}),
    )
    assert revoke.codes() == []
    rows = await db.read(
        "MATCH (cp:ConsentProposal {id: $id})-[:ON_LINK]->(l:DataLink) "
        "RETURN cp.status AS status, l.allCustomers AS all, l.revokedAt IS NOT NULL AS revoked",
        {"id": graph_id(proposal)},
    )
    state = rows[0]
    assert state["revoked"] is True
    if accept.codes():  # the revocation went first: the proposal was withdrawn
        assert accept.codes() == ["INVALID_TRANSITION"]
        assert (state["status"], state["all"]) == ("WITHDRAWN", False)
    else:  # the acceptance went first, then the link was revoked
        assert (state["status"], state["all"]) == ("ACCEPTED", True)
    assert await groups_of(gateway, p_exec, vc3) is None


async def test_accept_against_decline_leaves_one_answer(gateway: Gateway, db: Database) -> None:
    created = await recruit(gateway)
    invitation = created["pendingProposals"][0]["id"]
    accept, decline = await asyncio.gather(
        gateway.query(n_exec, ACCEPT, {"id": invitation}),
        gateway.query(n_exec, DECLINE, {"id": invitation}),
    )
    assert sorted([accept.codes(), decline.codes()]) == [[], ["INVALID_TRANSITION"]]
    rows = await db.read(
        "MATCH (cp:ConsentProposal {id: $id})-[:ABOUT]->(p) RETURN cp.status AS s, p.status AS p",
        {"id": graph_id(invitation)},
    )
    expected = ("ACCEPTED", "PROSPECT") if not accept.codes() else ("DECLINED", "ENDED")
    assert (rows[0]["s"], rows[0]["p"]) == expected


async def test_a_proposal_is_a_node_for_both_parties_and_nothing_for_others(
    gateway: Gateway,
) -> None:
    proposal = await raise_tier(gateway)
    query = "query($id: ID!) { node(id: $id) { __typename ... on ConsentProposal { kind } } }"
    for user in (v_exec, p_exec):
        data = await gateway.ok(user, query, {"id": proposal})
        assert data["node"] == {"__typename": "ConsentProposal", "kind": "TIER"}
    hidden = await gateway.query(s_exec, query, {"id": proposal})
    absent = await gateway.query(s_exec, query, {"id": gid("ConsentProposal", "cp-none")})
    assert hidden.data == absent.data == {"node": None}
    assert hidden.errors == absent.errors == []
