"""Exploring the partner network: per-hop authorization of network and partnerPath,
account overlap at each tier with small buckets suppressed, graph measures and
portfolio figures, all against a small graph computed by hand.

    A ── HIGH ── B ── LOW ── E ── ACTIVE ── H     (E-H: no hub, invisible to A)
    │ \\         │
    │  LOW ──── C ── HIGH ── F ── G               (C-F, F-G: invisible to A)
    │           (B-C MEDIUM)
    ├─ MEDIUM ─ D
    ├─ PROSPECT X ── Y                            (X-Y: invisible to A)
    └─ LOW ──── Z (ACTIVE since 200 days, nothing since: inactive)
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.db.conftest import GraphLoader
from tests.support.builder import NOW, Builder
from tests.support.client import Gateway
from tests.support.customers import gid, graph_id

b = Builder()
A, B, C, D, E, F, G, H, X, Y, Z = (b.company(n) for n in "ABCDEFGHXYZ")
a_exec = b.user(A, "EXECUTIVE")
a_analyst = b.user(A, "ANALYST")
a_manager = b.user(A, "MANAGER")
b_exec = b.user(B, "EXECUTIVE")
c_exec = b.user(C, "EXECUTIVE")
d_exec = b.user(D, "EXECUTIVE")
e_exec = b.user(E, "EXECUTIVE")

ab = b.partnership(A, B, tier="HIGH")
ac = b.partnership(A, C, tier="LOW")
ad = b.partnership(A, D, tier="MEDIUM")
ax = b.partnership(A, X, tier="LOW", status="PROSPECT")
az = b.partnership(A, Z, tier="LOW", since=NOW - timedelta(days=200))
bc = b.partnership(B, C, tier="MEDIUM")
be = b.partnership(B, E, tier="LOW")
cf = b.partnership(C, F, tier="HIGH")
fg = b.partnership(F, G, tier="HIGH")
eh = b.partnership(E, H, tier="HIGH")
xy = b.partnership(X, Y, tier="HIGH")


def account(owner: str, domain: str, industry: str = "Retail", region: str = "EMEA") -> str:
    return b.customer(owner, domain=domain, industry=industry, region=region)


# A's accounts: d1-d3 Retail, d4 Banking, d5 held by nobody else.
a_customers = [account(A, f"d{i}.example") for i in (1, 2, 3)]
a_customers.append(account(A, "d4.example", industry="Banking"))
a_customers.append(account(A, "d5.example", region="NA"))
# C (LOW) holds d1-d4, its records spelled differently: the same accounts.
c_customers = [account(C, f" D{i}.Example ", industry="Other") for i in (1, 2, 3, 4)]
# D (MEDIUM) holds d1-d3 and shares d1, d2 (identity) and d3 (profile only) with A.
d1, d2, d3 = (account(D, f"d{i}.example", industry="Other") for i in (1, 2, 3))
# X is only a prospect: its copy of d1 covers nothing.
account(X, "d1.example")
b.link(D, A, ad, scope=("IDENTITY", "PROFILE", "CONTACT"), covers=(d1, d2),
       expires_at=NOW + timedelta(days=10))  # fmt: skip
b.link(D, A, ad, scope=("PROFILE",), covers=(d3,))
b.link(A, B, ab, all_customers=True)

b_user = b.user(B, "REP")
d_user = b.user(D, "REP")
c_user = b.user(C, "REP")
recent = NOW - timedelta(days=30)
b.opportunity(ab, a_customers[0], b_user, status="WON", amount=3000.0, registeredAt=recent)
b.opportunity(ab, a_customers[1], b_user, status="WON", amount=1000.0, registeredAt=recent)
b.opportunity(
    ab, a_customers[2], b_user, status="LOST", amount=10000.0,
    registeredAt=NOW - timedelta(days=120),
)  # fmt: skip
b.opportunity(ad, a_customers[0], d_user, status="WON", amount=1000.0, registeredAt=recent)
b.opportunity(ac, a_customers[0], c_user, status="LOST", amount=5000.0, registeredAt=recent)

NETWORK = """query($from: ID, $depth: Int) { network(from: $from, depth: $depth) {
  depth start { id } nodes { distance company { id name } }
  edges { id tier status vendor { id } partner { id } } } }"""
PATH = """query($from: ID!, $to: ID!) { partnerPath(from: $from, to: $to) {
  length companies { id } partnerships { id status } } }"""
OVERLAP = """query($id: ID!) { accountOverlap(partnershipId: $id) {
  tier total minBucket partner { id }
  byIndustry { key count } byRegion { key count } } }"""
ACCOUNTS = """query($id: ID!) { accountOverlap(partnershipId: $id) { total
  accounts { domain ours { id name } theirs { id name domain industry access { groups } } } } }"""


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


def ids(nodes: list[dict[str, Any]]) -> dict[str, int]:
    return {graph_id(n["company"]["id"]): n["distance"] for n in nodes}


def edge_ids(edges: list[dict[str, Any]]) -> set[str]:
    return {graph_id(e["id"]) for e in edges}


async def test_network_expands_only_through_partnerships_the_viewer_sees(
    gateway: Gateway,
) -> None:
    data = await gateway.ok(a_analyst, NETWORK)
    network = data["network"]
    assert network["depth"] == 3
    assert graph_id(network["start"]["id"]) == A
    assert ids(network["nodes"]) == {A: 0, B: 1, C: 1, D: 1, X: 1, Z: 1, E: 2}
    assert edge_ids(network["edges"]) == {ab, ac, ad, ax, az, bc, be}
    # F (behind C's HIGH partnership), G, H and Y are reachable only through
    # partnerships A cannot see: they never appear.


async def test_network_depth_one_expands_the_start_only(gateway: Gateway) -> None:
    data = await gateway.ok(a_exec, NETWORK, {"depth": 1})
    assert ids(data["network"]["nodes"]) == {A: 0, B: 1, C: 1, D: 1, X: 1, Z: 1}
    assert edge_ids(data["network"]["edges"]) == {ab, ac, ad, ax, az}


async def test_a_medium_partner_sees_only_its_own_partnership_of_the_same_hub(
    gateway: Gateway,
) -> None:
    data = await gateway.ok(d_exec, NETWORK, {"from": gid("Company", A)})
    assert ids(data["network"]["nodes"]) == {A: 0, D: 1}
    assert edge_ids(data["network"]["edges"]) == {ad}
    edge = data["network"]["edges"][0]
    assert (edge["tier"], edge["status"]) == ("MEDIUM", "ACTIVE")


async def test_network_from_a_company_behind_an_invisible_partnership_stays_alone(
    gateway: Gateway,
) -> None:
    data = await gateway.ok(a_exec, NETWORK, {"from": gid("Company", F)})
    assert ids(data["network"]["nodes"]) == {F: 0}
    assert data["network"]["edges"] == []


async def test_network_deeper_than_the_cap_names_depth(gateway: Gateway) -> None:
    result = await gateway.query(a_exec, NETWORK, {"depth": 4})
    assert result.codes() == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["argument"] == "depth"


async def test_partner_path_is_the_shortest_chain_of_visible_active_partnerships(
    gateway: Gateway,
) -> None:
    data = await gateway.ok(a_exec, PATH, {"from": gid("Company", C), "to": gid("Company", E)})
    path = data["partnerPath"]
    assert path["length"] == 2
    assert [graph_id(c["id"]) for c in path["companies"]] == [C, B, E]
    assert [graph_id(p["id"]) for p in path["partnerships"]] == [bc, be]


@pytest.mark.parametrize(
    ("viewer", "start", "end"),
    [
        (a_exec, A, F),  # only through C-F, which A cannot see
        (a_exec, A, H),  # only through E-H
        (a_exec, A, Y),  # through a PROSPECT and an invisible partnership
        (d_exec, D, B),  # D does not see A-B
    ],
)
async def test_partner_path_never_crosses_an_invisible_or_inactive_partnership(
    gateway: Gateway, viewer: str, start: str, end: str
) -> None:
    variables = {"from": gid("Company", start), "to": gid("Company", end)}
    data = await gateway.ok(viewer, PATH, variables)
    assert data["partnerPath"] is None


async def test_low_tier_overlap_is_counts_only_with_small_buckets_suppressed(
    gateway: Gateway,
) -> None:
    data = await gateway.ok(a_exec, OVERLAP, {"id": gid("Partnership", ac)})
    overlap = data["accountOverlap"]
    assert (overlap["tier"], overlap["total"], overlap["minBucket"]) == ("LOW", 4, 3)
    assert graph_id(overlap["partner"]["id"]) == C
    # Banking holds one account (d4): below the bucket size, left out; and Retail's 3
    # with it, or the total minus Retail would tell Banking's 1.
    assert overlap["byIndustry"] == []
    assert overlap["byRegion"] == [{"key": "EMEA", "count": 4}]
    result = await gateway.query(a_exec, ACCOUNTS, {"id": gid("Partnership", ac)})
    assert result.data["accountOverlap"] == {"total": 4, "accounts": None}
    assert result.codes() == ["FORBIDDEN"]
    assert result.errors[0]["extensions"]["group"] == "IDENTITY"
    assert result.errors[0]["path"] == ["accountOverlap", "accounts"]


async def test_medium_tier_overlap_lists_only_accounts_the_links_identify(
    gateway: Gateway,
) -> None:
    result = await gateway.query(a_exec, ACCOUNTS, {"id": gid("Partnership", ad)})
    overlap = result.data["accountOverlap"]
    assert overlap["total"] == 3
    # d3 is shared with PROFILE only: the viewer cannot read the domain that
    # matched it, so it is counted but not listed.
    assert [a["domain"] for a in overlap["accounts"]] == ["d1.example", "d2.example"]
    theirs = [t for a in overlap["accounts"] for t in a["theirs"]]
    assert [graph_id(t["id"]) for t in theirs] == [d1, d2]
    # MEDIUM lets D share IDENTITY and PROFILE; the link's CONTACT is not granted.
    assert all(t["access"]["groups"] == ["IDENTITY", "PROFILE"] for t in theirs)
    ours = [graph_id(o["id"]) for a in overlap["accounts"] for o in a["ours"]]
    assert ours == a_customers[:2]
    assert not result.errors


async def test_the_partner_sees_the_same_overlap_from_its_side(gateway: Gateway) -> None:
    result = await gateway.query(d_exec, ACCOUNTS, {"id": gid("Partnership", ad)})
    overlap = result.data["accountOverlap"]
    assert overlap["total"] == 3
    assert overlap["accounts"] == []  # A shares nothing with D


async def test_overlap_without_a_shared_account_is_zero(gateway: Gateway) -> None:
    data = await gateway.ok(a_exec, ACCOUNTS, {"id": gid("Partnership", ab)})
    assert data["accountOverlap"] == {"total": 0, "accounts": []}


@pytest.mark.parametrize(
    ("viewer", "partnership"),
    [
        (b_exec, ad),  # not a party (and A-D is invisible to B's... network view only)
        (e_exec, ad),  # invisible
        (a_exec, ax),  # a party, but only a PROSPECT
        (a_exec, cf),  # invisible
    ],
)
async def test_overlap_is_null_unless_the_viewer_is_a_party_of_an_active_partnership(
    gateway: Gateway, viewer: str, partnership: str
) -> None:
    result = await gateway.query(viewer, OVERLAP, {"id": gid("Partnership", partnership)})
    assert result.data == {"accountOverlap": None}
    assert not result.errors


MEASURES = """query($first: Int, $after: String) { networkMeasures(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { degree centrality company { id } } } } }"""


async def test_network_measures_are_degree_and_harmonic_closeness_paged(
    gateway: Gateway,
) -> None:
    first = (await gateway.ok(a_exec, MEASURES, {"first": 3}))["networkMeasures"]
    assert first["totalCount"] == 7
    rows = [(graph_id(e["node"]["company"]["id"]), e["node"]["degree"]) for e in first["edges"]]
    assert rows == [(A, 5), (B, 3), (C, 2)]
    centrality = [e["node"]["centrality"] for e in first["edges"]]
    assert centrality == pytest.approx([5.5 / 6, 4.5 / 6, 4.0 / 6])
    assert first["pageInfo"]["hasNextPage"]
    after = first["pageInfo"]["endCursor"]
    rest = (await gateway.ok(a_exec, MEASURES, {"first": 10, "after": after}))["networkMeasures"]
    rows = [(graph_id(e["node"]["company"]["id"]), e["node"]["degree"]) for e in rest["edges"]]
    assert rows == [(D, 1), (E, 1), (X, 1), (Z, 1)]
    assert not rest["pageInfo"]["hasNextPage"]


PORTFOLIO = """{ portfolio {
  partnerships { total byTier { key count } byStructure { key count } byStatus { key count } }
  wonRevenueConcentration(top: 1) { currency total topShare herfindahl
    top { value share partner { id } } }
  sharedCustomerConcentration(top: 5) { total topShare herfindahl
    top { value share partner { id } } }
  duplicatedCoverage { accounts byPartnerCount { key count } }
  atRisk(days: 90) { reasons pipelineRecent pipelinePrevious expiringLinks
    partnership { id } partner { id } } } }"""


async def test_portfolio_figures_match_the_hand_computed_graph(gateway: Gateway) -> None:
    portfolio = (await gateway.ok(a_analyst, PORTFOLIO))["portfolio"]
    assert portfolio["partnerships"] == {
        "total": 5,
        "byTier": [
            {"key": "HIGH", "count": 1},
            {"key": "LOW", "count": 3},
            {"key": "MEDIUM", "count": 1},
        ],
        "byStructure": [{"key": "RESELLER", "count": 5}],
        "byStatus": [{"key": "ACTIVE", "count": 4}, {"key": "PROSPECT", "count": 1}],
    }
    [won] = portfolio["wonRevenueConcentration"]
    assert (won["currency"], won["total"]) == ("EUR", 5000.0)
    assert won["topShare"] == pytest.approx(0.8)
    assert won["herfindahl"] == pytest.approx(0.8**2 + 0.2**2)
    assert [(graph_id(t["partner"]["id"]), t["value"]) for t in won["top"]] == [(B, 4000.0)]
    shared = portfolio["sharedCustomerConcentration"]
    assert shared["total"] == 8  # B: A's 5 customers; D: d1, d2, d3
    assert [(graph_id(t["partner"]["id"]), t["value"]) for t in shared["top"]] == [
        (B, 5.0),
        (D, 3.0),
    ]
    assert shared["topShare"] == pytest.approx(1.0)
    assert shared["herfindahl"] == pytest.approx((25 + 9) / 64)
    # d1, d2, d3 are held by C and D (X is a prospect); d4 by C alone.
    assert portfolio["duplicatedCoverage"] == {
        "accounts": 3,
        "byPartnerCount": [{"key": "2", "count": 3}],
    }
    at_risk = {graph_id(r["partnership"]["id"]): r for r in portfolio["atRisk"]}
    assert set(at_risk) == {ab, ad, az}
    assert at_risk[ab]["reasons"] == ["DECLINING_PIPELINE"]
    assert (at_risk[ab]["pipelineRecent"], at_risk[ab]["pipelinePrevious"]) == (4000.0, 10000.0)
    assert at_risk[ad]["reasons"] == ["EXPIRING_LINKS"]
    assert at_risk[ad]["expiringLinks"] == 1
    assert at_risk[az]["reasons"] == ["INACTIVE"]
    assert graph_id(at_risk[az]["partner"]["id"]) == Z


async def test_portfolio_is_forbidden_below_the_company_wide_roles(gateway: Gateway) -> None:
    result = await gateway.query(a_manager, "{ portfolio { duplicatedCoverage { accounts } } }")
    assert result.data == {"portfolio": None}
    assert result.codes() == ["FORBIDDEN"]
    assert result.errors[0]["extensions"]["group"] == "PORTFOLIO"


async def test_network_costs_two_round_trips_whatever_its_depth_and_size(
    gateway: Gateway,
) -> None:
    for depth in (0, 1, 3):
        result = await gateway.query(a_exec, NETWORK, {"depth": depth})
        # the viewer, then the whole network with the companies it draws
        assert result.round_trips == 2, (depth, result.round_trips)
    result = await gateway.query(a_exec, PATH, {"from": gid("Company", C), "to": gid("Company", F)})
    # a path that does not exist stops when the visible component is exhausted
    assert result.data == {"partnerPath": None}
    assert result.round_trips <= 2 + 4, result.round_trips
