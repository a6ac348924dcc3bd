"""Figures reveal no row the lists hide (authorization.md, "Every figure is a path").

One small graph, built by hand so that each figure meets the rows it must not
count: a LOW partner whose links share nothing, a MEDIUM link whose scope the
tier empties, a deal a third company registered under a partnership where the
viewer's company is the partner, a data link the partner filed for a third
company, an MDF request an ANALYST may not read, and a breakdown whose one
small bucket the total would give away.

    V ── LOW ─── L    (L → V and V → L: every customer, every group; LOW shares none)
    │ ── MEDIUM ─ M   (M → V: m1, m2 as CONTACT+FINANCIAL, nothing at MEDIUM; m3 IDENTITY)
    │ ── LOW ─── P    (overlap: a1-a3 Retail, a4 Banking)
    └─ HIGH ─ W (W is the vendor; T registered a deal under W-V)
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.db.conftest import GraphLoader
from tests.support.builder import NOW, Builder
from tests.support.client import Gateway
from tests.support.customers import gid, graph_id

b = Builder()
V, L, M, P, W, T = (b.company(n) for n in ("V", "L", "M", "P", "W", "T"))
v_exec = b.user(V, "EXECUTIVE")
v_analyst = b.user(V, "ANALYST")
w_exec = b.user(W, "EXECUTIVE")
t_rep = b.user(T, "REP")
v_rep = b.user(V, "REP")

vl = b.partnership(V, L, tier="LOW")
vm = b.partnership(V, M, tier="MEDIUM")
vp = b.partnership(V, P, tier="LOW")
wv = b.partnership(W, V, tier="HIGH")

# V's accounts a1-a3 (Retail) and a4 (Banking), all EMEA; P holds all four, L too.
ours = [
    b.customer(V, domain=f"a{i}.example", industry="Banking" if i == 4 else "Retail", region="EMEA")
    for i in (1, 2, 3, 4)
]
for i in (1, 2, 3, 4):
    b.customer(P, domain=f"a{i}.example")
    b.customer(L, domain=f"a{i}.example")
# M: m1, m2 shared without a group MEDIUM allows; m3 (which holds a4 too) with IDENTITY.
m1, m2 = b.customer(M), b.customer(M)
m3 = b.customer(M, domain="a4.example")

# LOW: "no electronic exchange of customer data", whatever the links say.
b.link(L, V, vl, all_customers=True)
b.link(V, L, vl, all_customers=True)
b.link(M, V, vm, scope=("CONTACT", "FINANCIAL"), covers=(m1, m2))
b.link(M, V, vm, scope=("IDENTITY",), covers=(m3,))
# Filed by M under V-M for a third company: V neither gave nor received it.
b.link(M, T, vm, covers=(m1,), expires_at=NOW + timedelta(days=10))
b.data.data_links[-1]["createdAt"] = NOW - timedelta(days=5)

# Under W-V (V is the partner): V's own deal, and one a third company registered.
b.opportunity(
    wv, ours[0], v_rep, status="WON", amount=1000.0, registeredAt=NOW - timedelta(days=10)
)
b.opportunity(
    wv,
    ours[1],
    t_rep,
    status="WON",
    amount=7000.0,
    registeredAt=NOW - timedelta(days=120),
    company=T,
)
# An MDF request under V-L: FINANCIAL, which an ANALYST does not read.
mdf_at = NOW - timedelta(days=10)
b.data.mdf_requests.append(
    {
        "id": "md-000001",
        "campaign": "Spring",
        "amount": 500.0,
        "status": "SUBMITTED",
        "requestedAt": mdf_at,
        "decidedAt": None,
        "partnership": vl,
    }
)


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


SHARED = """query($low: ID!, $medium: ID!) {
  portfolio { sharedCustomerConcentration(top: 10) { total top { value partner { id } } } }
  low: customers(filter: {ownerId: $low}) { totalCount }
  medium: customers(filter: {ownerId: $medium}) { totalCount } }"""


async def test_shared_customers_count_only_customers_that_flow(gateway: Gateway) -> None:
    """Regression: every customer covered by a live link counted, whatever the tier and
    the link's scope: V learnt that its LOW partner L has 4 customers while the
    customer list shows it none."""
    variables = {"low": gid("Company", L), "medium": gid("Company", M)}
    for user in (v_exec, v_analyst):
        data = await gateway.ok(user, SHARED, variables)
        shared = data["portfolio"]["sharedCustomerConcentration"]
        tops = [(graph_id(t["partner"]["id"]), t["value"]) for t in shared["top"]]
        assert (data["low"]["totalCount"], data["medium"]["totalCount"]) == (0, 1)
        assert tops == [(M, 1.0)], tops
        assert shared["total"] == 1.0


WON = """{ portfolio { wonRevenueConcentration(top: 5) { currency total
  top { value partner { id } } } } opportunities { totalCount } }"""


async def test_won_revenue_counts_only_deals_the_viewer_sees(gateway: Gateway) -> None:
    """Regression: a deal a third company registered under W-V counted for V (the
    partner), which its deal list does not show."""
    data = await gateway.ok(v_exec, WON)
    assert data["opportunities"]["totalCount"] == 1
    [won] = data["portfolio"]["wonRevenueConcentration"]
    assert won["total"] == 1000.0
    assert [(graph_id(t["partner"]["id"]), t["value"]) for t in won["top"]] == [(W, 1000.0)]
    # The vendor sees every deal under its partnership, and counts both.
    vendor = await gateway.ok(w_exec, WON)
    assert vendor["opportunities"]["totalCount"] == 2
    assert vendor["portfolio"]["wonRevenueConcentration"][0]["total"] == 8000.0


OVERSIGHT = """{ oversight { deals { count wonRevenue { amount } }
  breakdown(first: 10) { partnership { id } dealCount wonRevenue } } }"""


async def test_oversight_counts_only_deals_the_viewer_sees(gateway: Gateway) -> None:
    data = (await gateway.ok(v_exec, OVERSIGHT))["oversight"]
    assert data["deals"] == {"count": 1, "wonRevenue": [{"amount": 1000.0}]}
    rows = {graph_id(r["partnership"]["id"]): r for r in data["breakdown"]}
    assert (rows[wv]["dealCount"], rows[wv]["wonRevenue"]) == (1, 1000.0)


SCORECARD = """query($id: ID!) { partnership(id: $id) { scorecard {
  wonRevenue winRate registeredPipeline } } }"""


async def test_a_partners_scorecard_counts_only_deals_it_sees(gateway: Gateway) -> None:
    """The partner's EXECUTIVE reads its own scorecard: without the third company's deal."""
    card = (await gateway.ok(v_exec, SCORECARD, {"id": gid("Partnership", wv)}))["partnership"]
    assert card["scorecard"]["wonRevenue"] == 1000.0
    vendor = (await gateway.ok(w_exec, SCORECARD, {"id": gid("Partnership", wv)}))["partnership"]
    assert vendor["scorecard"]["wonRevenue"] == 8000.0


AT_RISK = """{ portfolio { atRisk(days: 90) { reasons pipelineRecent pipelinePrevious
  expiringLinks lastActivityAt partnership { id } } } }"""


async def at_risk(gateway: Gateway, user: str) -> dict[str, dict[str, Any]]:
    rows = (await gateway.ok(user, AT_RISK))["portfolio"]["atRisk"]
    return {graph_id(r["partnership"]["id"]): r for r in rows}


async def test_at_risk_counts_only_deals_and_links_the_viewer_sees(gateway: Gateway) -> None:
    """Regression: the third company's deal made W-V look DECLINING, and a link M filed
    for T under V-M (V neither gave nor received it) counted as expiring and as
    recent activity."""
    rows = await at_risk(gateway, v_exec)
    assert wv not in rows, rows.get(wv)
    assert rows[vm]["reasons"] == ["INACTIVE"]
    assert rows[vm]["expiringLinks"] == 0
    assert datetime.fromisoformat(rows[vm]["lastActivityAt"]) < NOW - timedelta(days=90)


async def test_an_analysts_at_risk_figures_do_not_date_mdf_requests(gateway: Gateway) -> None:
    """Regression: an ANALYST, who reads no MDF request, saw V-L's last activity at the
    time of one."""
    executive = await at_risk(gateway, v_exec)
    assert vl not in executive  # the EXECUTIVE reads the request: active 10 days ago
    analyst = await at_risk(gateway, v_analyst)
    assert analyst[vl]["reasons"] == ["INACTIVE"]
    last = datetime.fromisoformat(analyst[vl]["lastActivityAt"])
    assert last < mdf_at - timedelta(days=90)


OVERLAP = """query($id: ID!) { accountOverlap(partnershipId: $id) {
  total byIndustry { key count } byRegion { key count } }
  portfolio { duplicatedCoverage { accounts byPartnerCount { key count } } } }"""


async def test_a_breakdown_never_gives_a_small_bucket_away_by_subtraction(
    gateway: Gateway,
) -> None:
    """Regression: total 4 with Retail 3 shown told that one overlapping account is
    Banking; duplicated coverage 4 with "2 partners: 3" shown told that one account is
    held by three. The smallest shown bucket is left out too until what is left out is
    none or at least PRM_MIN_BUCKET."""
    data = await gateway.ok(v_exec, OVERLAP, {"id": gid("Partnership", vp)})
    overlap = data["accountOverlap"]
    assert overlap["total"] == 4
    assert overlap["byIndustry"] == []
    assert overlap["byRegion"] == [{"key": "EMEA", "count": 4}]
    coverage = data["portfolio"]["duplicatedCoverage"]
    assert coverage == {"accounts": 4, "byPartnerCount": []}
