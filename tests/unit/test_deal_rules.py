"""The pure rules of deal registration: expiry, account matching, who may act, settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gateway.settings import SettingsError
from policy import (
    Actor,
    account_key,
    effective_deal_status,
    may_close_deal,
    may_decide_deal,
    may_register_deal,
    may_set_registration_sharing,
    protects_account,
    sees_deal_conflict,
    shares_on_registration,
)
from tests.conftest import make_settings

NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "expires", "expected"),
    [
        ("SUBMITTED", NOW - timedelta(seconds=1), "EXPIRED"),
        ("APPROVED", NOW, "EXPIRED"),
        ("SUBMITTED", NOW + timedelta(days=1), "SUBMITTED"),
        ("SUBMITTED", None, "SUBMITTED"),
        ("WON", NOW - timedelta(days=1), "WON"),  # closed deals do not expire
        ("REJECTED", NOW - timedelta(days=1), "REJECTED"),
    ],
)
def test_an_open_deal_past_expiry_is_expired(
    status: str, expires: datetime | None, expected: str
) -> None:
    assert effective_deal_status(status, expires, NOW) == expected


def test_accounts_match_on_the_normalized_domain_or_else_the_record() -> None:
    assert account_key("cu-1", " Acme.Example ") == account_key("cu-2", "acme.example")
    assert account_key("cu-1", None) != account_key("cu-2", None)
    assert account_key("cu-1", "  ") == account_key("cu-1", None)


def actor(role: str, company: str = "partner", managed: tuple[str, ...] = ()) -> Actor:
    return Actor("us-1", company, role, frozenset(managed))


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        (actor("REP"), True),
        (actor("EXECUTIVE"), True),
        (actor("MANAGER", managed=("pa-1",)), True),
        (actor("MANAGER"), False),
        (actor("ANALYST"), False),
        (actor("EXECUTIVE", company="vendor"), False),
    ],
)
def test_who_registers(who: Actor, allowed: bool) -> None:
    assert may_register_deal(who, "pa-1", "partner") is allowed


def test_the_vendor_decides_and_the_partner_closes() -> None:
    assert may_decide_deal(actor("EXECUTIVE", "vendor"), "pa-1", "vendor")
    assert may_decide_deal(actor("MANAGER", "vendor", ("pa-1",)), "pa-1", "vendor")
    assert not may_decide_deal(actor("REP", "vendor"), "pa-1", "vendor")
    assert not may_decide_deal(actor("EXECUTIVE"), "pa-1", "vendor")
    assert may_close_deal(actor("REP"), "pa-1", "partner", "us-1")
    assert not may_close_deal(actor("REP"), "pa-1", "partner", "us-2")
    assert may_close_deal(actor("EXECUTIVE"), "pa-1", "partner", "us-2")
    assert not may_close_deal(actor("EXECUTIVE", "vendor"), "pa-1", "partner", "us-2")


@pytest.mark.parametrize(
    ("status", "conflict", "protects"),
    [
        ("SUBMITTED", False, True),
        ("APPROVED", False, True),
        ("SUBMITTED", True, False),  # held for the vendor's review
        ("APPROVED", True, True),  # the vendor approved the held one
        ("EXPIRED", False, False),
        ("LOST", False, False),
        ("REJECTED", True, False),
    ],
)
def test_only_an_open_unheld_or_approved_registration_protects(
    status: str, conflict: bool, protects: bool
) -> None:
    assert protects_account(status, conflict) is protects


def test_the_conflict_flag_is_the_vendors_alone() -> None:
    assert sees_deal_conflict("vendor", "vendor")
    assert not sees_deal_conflict("partner", "vendor")


@pytest.mark.parametrize(
    ("who", "reps_may_share", "shares"),
    [
        (actor("EXECUTIVE"), False, True),
        (actor("MANAGER", managed=("pa-1",)), False, True),
        (actor("MANAGER"), False, False),  # does not manage the partnership
        (actor("MANAGER"), True, False),  # the leave is for REPs
        (actor("REP"), False, False),
        (actor("REP"), True, True),
        (actor("REP", company="vendor"), True, False),
    ],
)
def test_who_shares_the_customer_when_registering(
    who: Actor, reps_may_share: bool, shares: bool
) -> None:
    assert shares_on_registration(who, "pa-1", "partner", reps_may_share) is shares


def test_only_an_executive_lets_reps_share() -> None:
    assert may_set_registration_sharing(actor("EXECUTIVE"))
    for role in ("MANAGER", "REP", "ANALYST"):
        assert not may_set_registration_sharing(actor(role))


def test_deal_protection_defaults_to_90_days_and_is_configurable() -> None:
    assert make_settings().deal_protection_days == 90
    assert make_settings(PRM_DEAL_PROTECTION_DAYS="30").deal_protection_days == 30
    with pytest.raises(SettingsError):
        make_settings(PRM_DEAL_PROTECTION_DAYS="0")
    assert make_settings().deal_sweep_seconds == 0
