"""The pure consent rules (policy/_consent.py) and the ceiling in effective_grants."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from policy import (
    Actor,
    FieldGroup,
    LinkFacts,
    ProposalKind,
    effective_grants,
    exceeds_ceiling,
    load_policy,
    may_answer,
    raises_tier,
)

ALL = ("IDENTITY", "PROFILE", "CONTACT", "FINANCIAL")


def facts(**overrides: object) -> LinkFacts:
    values: dict[str, object] = {
        "id": "dl-1",
        "owner": "o",
        "scope": ALL,
        "all_customers": True,
        "expires_at": None,
        "revoked_at": None,
        "partnership_status": "ACTIVE",
        "partnership_tier": "HIGH",
        "partnership_parties": frozenset({"o", "v"}),
        "owner_overrides": {},
        "ceiling": ALL,
        "ceiling_all_customers": True,
        **overrides,
    }
    return LinkFacts(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("current", "proposed", "raises"),
    [
        ("LOW", "MEDIUM", True),
        ("MEDIUM", "HIGH", True),
        ("HIGH", "LOW", False),
        ("LOW", "LOW", False),
    ],
)
def test_only_a_higher_tier_is_a_raise(current: str, proposed: str, raises: bool) -> None:
    assert raises_tier(current, proposed) is raises


@pytest.mark.parametrize(
    ("scope", "every", "exceeds"),
    [
        (("IDENTITY",), False, False),
        (("IDENTITY", "CONTACT"), False, True),
        (("IDENTITY",), True, True),
    ],
)
def test_a_change_beyond_the_ceiling_waits_for_the_owner(
    scope: tuple[str, ...], every: bool, exceeds: bool
) -> None:
    assert exceeds_ceiling(scope, every, ("IDENTITY", "PROFILE"), False) is exceeds


def test_a_link_reads_scope_tier_and_ceiling_together() -> None:
    now = datetime.now(UTC)
    policy = load_policy()
    (grant,) = effective_grants("v", [facts(ceiling=("IDENTITY", "CONTACT"))], policy, now)
    assert grant.groups == {FieldGroup.IDENTITY, FieldGroup.CONTACT}
    assert effective_grants("v", [facts(ceiling=None)], policy, now) == []
    (narrow,) = effective_grants("v", [facts(ceiling_all_customers=False)], policy, now)
    assert narrow.all_customers is False


@pytest.mark.parametrize(
    ("kind", "role", "managed", "allowed"),
    [
        (ProposalKind.INVITATION, "EXECUTIVE", False, True),
        (ProposalKind.INVITATION, "MANAGER", True, False),
        (ProposalKind.TIER, "MANAGER", True, False),
        (ProposalKind.APPLICATION, "MANAGER", False, True),
        (ProposalKind.LINK_SCOPE, "MANAGER", True, True),
        (ProposalKind.DATA_REQUEST, "MANAGER", False, False),
        (ProposalKind.DATA_REQUEST, "REP", True, False),
    ],
)
def test_who_answers_a_proposal(
    kind: ProposalKind, role: str, managed: bool, allowed: bool
) -> None:
    actor = Actor("u", "c", role, {"pa-1"} if managed else set())
    assert may_answer(actor, kind, "pa-1", "c") is allowed
    assert may_answer(actor, kind, "pa-1", "other") is False
