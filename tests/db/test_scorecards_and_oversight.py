"""Scorecards against hand-computed figures, who sees them, the vendor's configuration as
data; oversight totals per role against hand-computed figures; no N+1."""

from __future__ import annotations

from typing import Any

import pytest

from graph import Database
from tests.db.conftest import GraphLoader
from tests.support import programme as g
from tests.support.client import Gateway
from tests.support.customers import gid

SCORECARD = """query($id: ID!) { partnership(id: $id) { scorecard {
  currency registeredPipeline wonRevenue winRate avgDealCycleDays certifiedUsers
  mdfUtilisation dataSharingDepth tenureDays composite recommendedTier
  criteria { criterion value target weight normalized } configuration { source } } } }"""
CONFIG = """mutation($input: ScorecardConfigurationInput!) { setScorecardConfig(input: $input) {
  source mediumThreshold highThreshold criteria { criterion weight target } } }"""
OVERSIGHT = """{ oversight { scope
  partnerships { count byStatus { key count } byTier { key count } }
  deals { count byStatus { status count amounts { currency amount } }
          openPipeline { currency amount } wonRevenue { currency amount } }
  mdf { budget { amount } requested { amount } approved { amount } pending { amount }
        remaining { amount } } } }"""
BREAKDOWN = """{ oversight { breakdown { partnership { id } dealCount openPipeline wonRevenue
  winRate mdfApproved mdfRemaining } } }"""


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(g.b.data)


def by_criterion(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["criterion"]: c for c in card["criteria"]}


async def test_scorecard_figures_match_the_hand_computed_ones(gateway: Gateway) -> None:
    data = await gateway.ok(g.v_exec, SCORECARD, {"id": gid("Partnership", g.main)})
    card = data["partnership"]["scorecard"]
    assert card["currency"] == "EUR"
    assert card["registeredPipeline"] == pytest.approx(3000.0)
    assert card["wonRevenue"] == pytest.approx(8000.0)
    assert card["winRate"] == pytest.approx(2 / 3)
    assert card["avgDealCycleDays"] == pytest.approx(15.0)
    assert card["certifiedUsers"] == 2
    assert card["mdfUtilisation"] == pytest.approx(0.3)
    assert card["dataSharingDepth"] == 3
    assert abs(card["tenureDays"] - g.TENURE_DAYS) <= 1
    normalized = {k: v["normalized"] for k, v in by_criterion(card).items()}
    assert normalized == pytest.approx(
        {
            "REGISTERED_PIPELINE": 3000 / 250000,
            "WON_REVENUE": 8000 / 500000,
            "WIN_RATE": 1.0,
            "AVG_DEAL_CYCLE_DAYS": 1.0,
            "CERTIFIED_USERS": 2 / 3,
            "MDF_UTILISATION": 0.3 / 0.8,
            "DATA_SHARING_DEPTH": 3 / 4,
            "TENURE_DAYS": 365 / 730,
        },
        abs=2e-3,
    )
    expected = 0.15 * 0.012 + 0.25 * 0.016 + 0.15 + 0.05 + 0.1 * 2 / 3 + 0.1 * 0.375 + 0.075 + 0.05
    assert card["composite"] == pytest.approx(expected, abs=1e-3)
    assert card["recommendedTier"] == "MEDIUM"
    assert card["configuration"]["source"] == "DEFAULT"


@pytest.mark.parametrize(
    ("user", "visible"),
    [
        (g.v_exec, True),
        (g.v_mgr, True),  # manages it
        (g.p_exec, True),  # its own scorecard
        (g.v_mgr2, False),
        (g.v_rep, False),
        (g.v_analyst, False),
        (g.p_mgr, False),
        (g.p_rep, False),
    ],
)
async def test_who_sees_a_scorecard(gateway: Gateway, user: str, visible: bool) -> None:
    result = await gateway.query(user, SCORECARD, {"id": gid("Partnership", g.main)})
    card = result.data["partnership"]["scorecard"]
    if visible:
        assert not result.errors, result.errors
        assert card["wonRevenue"] == pytest.approx(8000.0)
    else:
        assert card is None
        assert result.codes() == ["FORBIDDEN"]
        assert result.errors[0]["extensions"]["group"] == "SCORECARD"


async def test_an_outsider_does_not_even_see_the_partnership(gateway: Gateway) -> None:
    data = await gateway.ok(g.q_exec, SCORECARD, {"id": gid("Partnership", g.main)})
    assert data["partnership"] is None


async def test_the_vendor_configuration_changes_the_score_without_code(
    gateway: Gateway, db: Database
) -> None:
    config = {
        "criteria": [{"criterion": "WIN_RATE", "weight": 1.0, "target": 0.5}],
        "mediumThreshold": 0.5,
        "highThreshold": 0.9,
    }
    saved = await gateway.ok(g.v_exec, CONFIG, {"input": config})
    assert saved["setScorecardConfig"]["highThreshold"] == 0.9
    data = await gateway.ok(g.v_exec, SCORECARD, {"id": gid("Partnership", g.main)})
    card = data["partnership"]["scorecard"]
    assert card["composite"] == pytest.approx(1.0)
    assert card["recommendedTier"] == "HIGH"
    assert card["configuration"]["source"] == "VENDOR"
    assert by_criterion(card)["WON_REVENUE"]["weight"] == 0.0
    events = await db.read(
        "MATCH (a:AuditEvent {action: 'scorecard.config'}) RETURN a.actorId AS actor", {}
    )
    assert events == [{"actor": g.v_exec}]


@pytest.mark.parametrize("user", [g.v_mgr, g.v_rep, g.v_analyst])
async def test_only_an_executive_configures_the_scorecard(gateway: Gateway, user: str) -> None:
    config = {"criteria": [], "mediumThreshold": 0.4, "highThreshold": 0.7}
    result = await gateway.query(user, CONFIG, {"input": config})
    assert result.codes() == ["FORBIDDEN"]


@pytest.mark.parametrize(
    ("config", "argument"),
    [
        (
            {"criteria": [{"criterion": "WIN_RATE", "weight": -1, "target": 1}]},
            "input.criteria[0].weight",
        ),
        (
            {"criteria": [{"criterion": "WIN_RATE", "weight": 1, "target": 0}]},
            "input.criteria[0].target",
        ),
        ({"criteria": []}, "input.criteria"),  # no positive weight
        (
            {
                "criteria": [{"criterion": "WIN_RATE", "weight": 1, "target": 1}],
                "highThreshold": 0.1,
            },
            "input.highThreshold",
        ),
        (
            {
                "criteria": [{"criterion": "WIN_RATE", "weight": 1, "target": 1}] * 2,
            },
            "input.criteria[1]",
        ),
    ],
)
async def test_bad_configuration_names_the_field(
    gateway: Gateway, config: dict[str, Any], argument: str
) -> None:
    payload = {"mediumThreshold": 0.4, "highThreshold": 0.7, **config}
    result = await gateway.query(g.v_exec, CONFIG, {"input": payload})
    assert result.codes() == ["BAD_USER_INPUT"], result.body
    assert result.errors[0]["extensions"]["argument"] == argument


async def test_scorecards_of_many_partnerships_cost_one_round_trip(gateway: Gateway) -> None:
    base = """{ viewer { company { partnerships { edges { node { id %s } } } } } }"""
    without = await gateway.query(g.v_exec, base % "")
    with_cards = await gateway.query(g.v_exec, base % "scorecard { composite }")
    assert not with_cards.errors, with_cards.errors
    edges = with_cards.data["viewer"]["company"]["partnerships"]["edges"]
    assert len(edges) == 3
    assert with_cards.round_trips == without.round_trips + 1


def amounts(items: list[dict[str, Any]]) -> list[float]:
    return [round(i["amount"], 2) for i in items]


async def test_an_executive_oversees_the_whole_company(gateway: Gateway) -> None:
    o = (await gateway.ok(g.v_exec, OVERSIGHT))["oversight"]
    assert o["scope"] == "COMPANY"
    assert o["partnerships"]["count"] == 3
    assert o["partnerships"]["byStatus"] == [
        {"key": "ACTIVE", "count": 2},
        {"key": "PROSPECT", "count": 1},
    ]
    assert {t["key"]: t["count"] for t in o["partnerships"]["byTier"]} == {
        "HIGH": 1,
        "MEDIUM": 1,
        "LOW": 1,
    }
    deals = o["deals"]
    assert deals["count"] == 7
    assert {s["status"]: (s["count"], amounts(s["amounts"])) for s in deals["byStatus"]} == {
        "SUBMITTED": (1, [1000.0]),
        "APPROVED": (1, [2000.0]),
        "EXPIRED": (1, [4000.0]),
        "WON": (3, [8100.0]),
        "LOST": (1, [700.0]),
    }
    assert deals["openPipeline"] == [{"currency": "EUR", "amount": 3000.0}]
    assert deals["wonRevenue"] == [{"currency": "EUR", "amount": 8100.0}]
    mdf = o["mdf"]
    assert amounts(mdf["budget"]) == [16000.0]
    assert amounts(mdf["requested"]) == [7500.0]
    assert amounts(mdf["approved"]) == [3000.0]
    assert amounts(mdf["pending"]) == [500.0]
    assert amounts(mdf["remaining"]) == [13000.0]


async def test_a_manager_oversees_the_partnerships_they_manage(gateway: Gateway) -> None:
    o = (await gateway.ok(g.v_mgr, OVERSIGHT))["oversight"]
    assert o["scope"] == "MANAGED"
    assert o["partnerships"]["count"] == 1
    assert o["deals"]["count"] == 6
    assert amounts(o["deals"]["wonRevenue"]) == [8000.0]
    assert amounts(o["deals"]["openPipeline"]) == [3000.0]
    assert amounts(o["mdf"]["budget"]) == [10000.0]
    assert amounts(o["mdf"]["remaining"]) == [7000.0]


async def test_a_manager_of_nothing_oversees_nothing(gateway: Gateway) -> None:
    o = (await gateway.ok(g.v_mgr2, OVERSIGHT))["oversight"]
    assert o["partnerships"]["count"] == 0
    assert o["deals"]["count"] == 0
    assert o["mdf"]["budget"] == []


async def test_a_rep_oversees_only_the_deals_they_registered(gateway: Gateway) -> None:
    result = await gateway.query(g.p_rep, OVERSIGHT)
    o = result.data["oversight"]
    assert o["scope"] == "OWN"
    assert o["partnerships"] is None
    assert o["deals"]["count"] == 5  # o1 is p_rep2's
    assert amounts(o["deals"]["openPipeline"]) == [2000.0]
    assert amounts(o["deals"]["wonRevenue"]) == [8000.0]
    assert o["mdf"] is None
    assert result.codes() == ["FORBIDDEN"]


async def test_an_analyst_oversees_the_company_without_its_money(gateway: Gateway) -> None:
    result = await gateway.query(g.v_analyst, OVERSIGHT)
    o = result.data["oversight"]
    assert o["scope"] == "COMPANY"
    assert o["deals"]["count"] == 7
    assert o["mdf"] is None
    assert result.errors[0]["extensions"] == {"code": "FORBIDDEN", "group": "FINANCIAL"}


async def test_the_partner_executive_oversees_its_side(gateway: Gateway) -> None:
    o = (await gateway.ok(g.p_exec, OVERSIGHT))["oversight"]
    assert o["partnerships"]["count"] == 1
    assert o["deals"]["count"] == 6
    assert amounts(o["mdf"]["approved"]) == [3000.0]


async def test_the_breakdown_per_partnership(gateway: Gateway) -> None:
    rows = (await gateway.ok(g.v_exec, BREAKDOWN))["oversight"]["breakdown"]
    by_id = {r["partnership"]["id"]: r for r in rows}
    main = by_id[gid("Partnership", g.main)]
    assert main["dealCount"] == 6
    assert main["openPipeline"] == pytest.approx(3000.0)
    assert main["wonRevenue"] == pytest.approx(8000.0)
    assert main["winRate"] == pytest.approx(2 / 3)
    assert main["mdfApproved"] == pytest.approx(3000.0)
    assert main["mdfRemaining"] == pytest.approx(7000.0)
    other = by_id[gid("Partnership", g.other)]
    assert (other["dealCount"], other["wonRevenue"], other["winRate"]) == (1, 100.0, 1.0)
    assert len(rows) == 3


async def test_oversight_costs_a_bounded_number_of_round_trips(gateway: Gateway) -> None:
    query = """{ oversight { scope deals { count } mdf { approved { amount } }
      breakdown { partnership { id tier mdfBudget } dealCount mdfApproved } } }"""
    result = await gateway.query(g.v_exec, query)
    assert not result.errors, result.errors
    # viewer, totals, breakdown, the partnerships of the breakdown: not one per row.
    assert result.round_trips <= 4
