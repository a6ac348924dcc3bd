"""The policy file and the pure rules, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gateway.app import build_state
from policy import FieldGroup, LinkFacts, PolicyError, effective_grants, load_policy
from policy._policy import DEFAULT_POLICY_FILE, parse_policy
from tests.conftest import make_settings

NOW = datetime(2026, 6, 1, tzinfo=UTC)
POLICY = load_policy()


def link(**overrides: object) -> LinkFacts:
    values: dict[str, object] = {
        "id": "dl-1",
        "owner": "o",
        "scope": ("IDENTITY", "PROFILE", "CONTACT", "FINANCIAL"),
        "all_customers": True,
        "expires_at": None,
        "revoked_at": None,
        "partnership_status": "ACTIVE",
        "partnership_tier": "HIGH",
        "partnership_parties": frozenset({"o", "v"}),
        "owner_overrides": {},
        "ceiling": ("IDENTITY", "PROFILE", "CONTACT", "FINANCIAL"),
        "ceiling_all_customers": True,
        **overrides,
    }
    return LinkFacts(**values)  # type: ignore[arg-type]


def test_the_default_policy_file_matches_the_tier_table() -> None:
    assert POLICY.tier_groups["LOW"] == frozenset()  # type: ignore[index]
    assert POLICY.groups_for_tier("MEDIUM") == {FieldGroup.IDENTITY, FieldGroup.PROFILE}
    assert POLICY.groups_for_tier("HIGH") == {
        FieldGroup.IDENTITY,
        FieldGroup.PROFILE,
        FieldGroup.CONTACT,
        FieldGroup.FINANCIAL,
    }
    assert POLICY.customer_fields["notes"] is FieldGroup.INTERNAL


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({}, {"IDENTITY", "PROFILE", "CONTACT", "FINANCIAL"}),
        ({"partnership_tier": "MEDIUM"}, {"IDENTITY", "PROFILE"}),
        ({"partnership_tier": "LOW"}, None),
        ({"partnership_status": "SUSPENDED"}, None),
        ({"revoked_at": NOW - timedelta(seconds=1)}, None),
        ({"expires_at": NOW}, None),
        (
            {"expires_at": NOW + timedelta(seconds=1)},
            {"IDENTITY", "PROFILE", "CONTACT", "FINANCIAL"},
        ),
        ({"partnership_parties": frozenset({"o", "someone-else"})}, None),
        ({"scope": ("CONTACT", "INTERNAL")}, {"CONTACT"}),
        ({"owner_overrides": {"HIGH": ("IDENTITY", "INTERNAL")}}, {"IDENTITY"}),
        ({"owner_overrides": {"LOW": ("IDENTITY",)}, "partnership_tier": "LOW"}, {"IDENTITY"}),
    ],
)
def test_a_link_grants_its_scope_within_the_owners_tier_policy(
    facts: dict[str, object], expected: set[str] | None
) -> None:
    grants = effective_grants("v", [link(**facts)], POLICY, NOW)
    if expected is None:
        assert grants == []
    else:
        assert [{g.value for g in grant.groups} for grant in grants] == [expected]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[tiers]\nLOW=[]\nMEDIUM=[]\nHIGH=["SECRET"]\n[customer_fields]\n', "unknown field group"),
        ('[tiers]\nLOW=[]\nMEDIUM=[]\n[customer_fields]\nname="IDENTITY"\n', "tiers without"),
        ('[tiers]\nLOW=["INTERNAL"]\nMEDIUM=[]\nHIGH=[]\n[customer_fields]\n', "INTERNAL"),
        ("[tiers]\nLOW=[]\nMEDIUM=[]\nHIGH=[]\nULTRA=[]\n[customer_fields]\n", "unknown tier"),
        ("[tiers]\nLOW=[]\n", "needs [tiers] and [customer_fields]"),
        ("not toml at all [", "cannot read policy file"),
    ],
)
def test_an_invalid_policy_file_is_refused_with_a_clear_message(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(text)
    with pytest.raises(PolicyError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_policy(path)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("annualRevenue = ", "revenue = "), "Customer fields the schema lacks: \\['revenue'\\]"),
        (
            ('notes = "INTERNAL"\n', ""),
            "Customer fields with no group in the policy: \\['notes'\\]",
        ),
    ],
)
def test_the_gateway_refuses_to_start_with_a_policy_that_does_not_fit_the_schema(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(DEFAULT_POLICY_FILE.read_text().replace(*edit))
    with pytest.raises(PolicyError, match=message):
        build_state(make_settings(PRM_POLICY_FILE=str(path)))


def test_a_policy_can_move_a_field_to_another_group() -> None:
    raw = {
        "tiers": {"LOW": [], "MEDIUM": ["IDENTITY"], "HIGH": ["IDENTITY"]},
        "customer_fields": {"email": "IDENTITY"},
    }
    assert parse_policy(raw).customer_fields["email"] is FieldGroup.IDENTITY
