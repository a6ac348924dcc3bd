"""The scorecard and MDF rules as pure functions: normalization, tiers, config validation."""

from __future__ import annotations

import pytest

from policy import (
    Actor,
    Criterion,
    ScorecardConfig,
    ScorecardConfigError,
    Tier,
    build_config,
    load_scorecard_defaults,
    oversight_scope,
    overspends,
    score,
    sees_mdf_request,
    sees_scorecard,
)
from policy._scorecards import normalize, parse_scorecard_file


def test_the_shipped_defaults_are_valid_and_weigh_to_one() -> None:
    config = load_scorecard_defaults()
    assert sum(config.weights.values()) == pytest.approx(1.0)
    assert config.thresholds[Tier.MEDIUM] < config.thresholds[Tier.HIGH]


@pytest.mark.parametrize(
    ("criterion", "value", "target", "expected"),
    [
        (Criterion.WON_REVENUE, 250.0, 500.0, 0.5),
        (Criterion.WON_REVENUE, 900.0, 500.0, 1.0),  # capped
        (Criterion.WIN_RATE, None, 0.5, 0.0),  # no closed deal yet
        (Criterion.AVG_DEAL_CYCLE_DAYS, 30.0, 60.0, 1.0),  # faster than the target
        (Criterion.AVG_DEAL_CYCLE_DAYS, 120.0, 60.0, 0.5),
    ],
)
def test_normalize(
    criterion: Criterion, value: float | None, target: float, expected: float
) -> None:
    assert normalize(criterion, value, target) == pytest.approx(expected)


def _config(medium: float = 0.4, high: float = 0.7) -> ScorecardConfig:
    weights = {c.value: 0.0 for c in Criterion} | {"WIN_RATE": 2.0, "WON_REVENUE": 2.0}
    return build_config(weights, {c.value: 1.0 for c in Criterion}, medium, high, 70)


@pytest.mark.parametrize(
    ("win_rate", "tier"), [(0.0, Tier.LOW), (0.8, Tier.MEDIUM), (1.0, Tier.HIGH)]
)
def test_the_tier_follows_the_thresholds(win_rate: float, tier: Tier) -> None:
    config = build_config(
        {c.value: (1.0 if c is Criterion.WIN_RATE else 0.0) for c in Criterion},
        {c.value: 1.0 for c in Criterion},
        0.5,
        0.9,
        70,
    )
    result = score({Criterion.WIN_RATE: win_rate}, config)
    assert result.composite == pytest.approx(win_rate)
    assert result.recommended_tier is tier


def test_weights_need_not_sum_to_one() -> None:
    config = _config()
    result = score({Criterion.WIN_RATE: 1.0, Criterion.WON_REVENUE: 0.0}, config)
    assert result.composite == pytest.approx(0.5)


@pytest.mark.parametrize(
    "raw",
    [
        {"criteria": {"NOPE": {"weight": 1, "target": 1}}, "tier_thresholds": {}},
        {"criteria": {}, "tier_thresholds": {"MEDIUM": 0.8, "HIGH": 0.2}},
        {"criteria": {}, "tier_thresholds": {"MEDIUM": 0.4, "HIGH": 0.7}, "extra": 1},
    ],
)
def test_a_bad_defaults_file_is_refused(raw: dict[str, object]) -> None:
    with pytest.raises(ScorecardConfigError):
        parse_scorecard_file(raw)


def test_who_sees_scorecards_and_mdf_requests() -> None:
    v_exec = Actor("u1", "v", "EXECUTIVE", ())
    v_mgr = Actor("u2", "v", "MANAGER", ("pa",))
    v_mgr_other = Actor("u3", "v", "MANAGER", ())
    p_exec = Actor("u4", "p", "EXECUTIVE", ())
    p_rep = Actor("u5", "p", "REP", ())
    assert [sees_scorecard(a, "pa", "v", "p") for a in (v_exec, v_mgr, v_mgr_other, p_exec)] == [
        True,
        True,
        False,
        True,
    ]
    assert not sees_scorecard(p_rep, "pa", "v", "p")
    assert sees_mdf_request(p_rep, "pa", "v", "p", requester="u5")
    assert not sees_mdf_request(p_rep, "pa", "v", "p", requester="u9")
    assert not sees_mdf_request(v_mgr_other, "pa", "v", "p", requester=None)


def test_overspending_and_scopes() -> None:
    assert not overspends(1000.0, 5000.0, 4000.0)
    assert overspends(1000.01, 5000.0, 4000.0)
    assert overspends(1.0, None, 0.0)  # no budget, no funds
    assert [oversight_scope(r) for r in ("EXECUTIVE", "ANALYST", "MANAGER", "REP")] == [
        "COMPANY",
        "COMPANY",
        "MANAGED",
        "OWN",
    ]
