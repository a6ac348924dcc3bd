"""Pure rules of pricing and certification: the defaults file, terms per viewer, passing."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy import (
    DEFAULT_PASSING_SCORE,
    PolicyError,
    Tier,
    default_pricing,
    is_certified,
    load_pricing,
    product_terms,
)
from policy._pricing import best_tier, parse_pricing


def test_the_shipped_pricing_defaults_cover_every_tier() -> None:
    pricing = default_pricing()
    assert set(pricing.discount_pct) == set(Tier)
    assert pricing.discount_pct[Tier.LOW] <= pricing.discount_pct[Tier.HIGH]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"discount_pct": {"LOW": 1, "MEDIUM": 2}}, "tiers without a discount"),
        ({"discount_pct": {"LOW": 1, "MEDIUM": 2, "HIGH": 101}}, "between 0 and 100"),
        ({"discount_pct": {"LOW": 1, "MEDIUM": 2, "HIGH": "lots"}}, "must be a number"),
        ({"discount_pct": {"LOW": 1, "MEDIUM": 2, "HIGH": 3, "GOLD": 4}}, "unknown tier"),
        ({"discount_pct": {"LOW": 1, "MEDIUM": 2, "HIGH": 3}, "extra": {}}, "unknown sections"),
        ({}, "needs a [discount_pct] table"),
    ],
)
def test_a_bad_pricing_table_is_refused(raw: dict[str, object], message: str) -> None:
    with pytest.raises(PolicyError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_pricing(raw)


def test_an_unreadable_pricing_file_is_a_policy_error(tmp_path: Path) -> None:
    bad = tmp_path / "pricing.toml"
    bad.write_text("[discount_pct\n")
    with pytest.raises(PolicyError, match="cannot read"):
        load_pricing(bad)


def test_the_best_of_several_tiers_prices_a_partner() -> None:
    assert best_tier(["LOW", "HIGH", "MEDIUM"]) is Tier.HIGH
    assert best_tier([None]) is None


def test_terms_per_viewer() -> None:
    pricing = parse_pricing({"discount_pct": {"LOW": 5, "MEDIUM": 15, "HIGH": 25}})
    own = product_terms(viewer_company="v", vendor="v", tiers=[], overrides={}, pricing=pricing)
    assert own is not None
    assert own.price(100.0) == 100.0
    assert own.list_price_visible
    medium = product_terms(
        viewer_company="p",
        vendor="v",
        tiers=["MEDIUM"],
        overrides={"MEDIUM": 40.0},
        pricing=pricing,
    )
    assert medium is not None
    assert medium.price(100.0) == 60.0
    assert not medium.list_price_visible
    none = product_terms(viewer_company="x", vendor="v", tiers=[], overrides={}, pricing=pricing)
    assert none is None


@pytest.mark.parametrize(
    ("score", "passing", "certified"),
    [(70, None, True), (69, None, False), (79, 80, False), (80, 80, True), (None, 0, False)],
)
def test_a_score_at_or_above_the_passing_score_certifies(
    score: int | None, passing: int | None, certified: bool
) -> None:
    assert DEFAULT_PASSING_SCORE == 70
    assert is_certified(score, passing) is certified
