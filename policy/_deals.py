"""Deal registration (Opportunity): who registers, decides and closes, who reads, and
what a registration's state allows. Pure functions over facts read in the transaction.

authorization.md "Opportunities": a deal is visible to the registering partner
company and to the vendor of the partnership, never to any other company.
Inside a company a REP sees the deals they registered, a MANAGER the deals
under partnerships they manage, an EXECUTIVE and an ANALYST all of the
company's.

Protection (issue #11): at most one registration protects an account with a
vendor at a time. A registration made while another open one (SUBMITTED or
APPROVED, not expired) with the same vendor holds the account is stored
SUBMITTED with ``conflict`` set: held for the vendor's review, protecting
nothing until the vendor approves it, which is refused while another
registration protects the account. The flag is the vendor's to read; to its
registrant a held registration reads exactly as any other submission, so a
registration never tells one partner about another partner's.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from policy._actions import Actor
from policy._model import Role

#: How long an open registration protects its registrant, unless configured.
DEFAULT_PROTECTION_DAYS = 90

#: Registrations that hold the account for their registrant (until they expire).
OPEN_DEAL_STATUSES: frozenset[str] = frozenset({"SUBMITTED", "APPROVED"})

#: SUBMITTED → APPROVED | REJECTED (the vendor decides) | LOST (the partner withdraws);
#: APPROVED → WON | LOST (the partner closes). An open deal past its expiry is EXPIRED;
#: REJECTED, WON, LOST and EXPIRED are final.
DEAL_TRANSITIONS: dict[str, frozenset[str]] = {
    "SUBMITTED": frozenset({"APPROVED", "REJECTED", "LOST"}),
    "APPROVED": frozenset({"WON", "LOST"}),
    "REJECTED": frozenset(),
    "WON": frozenset(),
    "LOST": frozenset(),
    "EXPIRED": frozenset(),
}

#: The reason stored on a registration refused because another one held the account,
#: before registrations were held for the vendor's review instead (older data only).
CONFLICT_REASON = "CONFLICT"


def effective_deal_status(status: str, expires_at: datetime | None, now: datetime) -> str:
    """An open deal past its expiry is EXPIRED, whether or not the sweep has written it."""
    if status in OPEN_DEAL_STATUSES and expires_at is not None and expires_at <= now:
        return "EXPIRED"
    return status


#: The white space around a domain that normalizing drops: exactly what ``str.strip()``
#: drops (Unicode White_Space and U+001C..U+001F), spelled out so that Cypher can drop
#: the same (``btrim(domain, $space)``; Cypher's ``trim()`` keeps U+00A0 and U+0085).
ACCOUNT_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def account_key(customer_id: str, domain: str | None) -> str:
    """What makes two customer records one account: the normalized domain, else the record."""
    normalized = (domain or "").strip(ACCOUNT_SPACE).lower()
    return f"domain:{normalized}" if normalized else f"customer:{customer_id}"


def protects_account(status: str, conflict: bool) -> bool:
    """Whether a registration (``status`` as read, lazy expiry applied) protects its
    account: open, and either registered unconflicted or approved by the vendor."""
    return status in OPEN_DEAL_STATUSES and (not conflict or status == "APPROVED")


def sees_deal_conflict(viewer_company: str, vendor: str) -> bool:
    """The conflict flag is the vendor's: its registrant reads a held registration
    exactly as an unconflicted one (so the flag is never the registrant's to read)."""
    return viewer_company == vendor


def shares_on_registration(
    actor: Actor, partnership_id: str, partner: str, reps_may_share: bool
) -> bool:
    """Whether registering a deal shares its customer with the vendor (a DataLink).

    Only an EXECUTIVE or the managing MANAGER grants a DataLink (``may_share``);
    a REP's registration shares only when its company's EXECUTIVE lets REPs share
    when registering (``setDealRegistrationSharing``; off unless set).
    """
    if actor.runs(partnership_id, partner):
        return True
    return actor.company == partner and actor.role == Role.REP and reps_may_share


def may_set_registration_sharing(actor: Actor) -> bool:
    """Whether the company's REPs share customers when registering: its EXECUTIVE."""
    return actor.role == Role.EXECUTIVE


def may_register_deal(actor: Actor, partnership_id: str, partner: str) -> bool:
    """The partner's REP, the MANAGER who manages the partnership, or its EXECUTIVE."""
    if actor.company != partner:
        return False
    return actor.role == Role.REP or actor.runs(partnership_id, partner)


def may_decide_deal(actor: Actor, partnership_id: str, vendor: str) -> bool:
    """Approve or reject: the vendor's EXECUTIVE or the MANAGER who manages the partnership."""
    return actor.runs(partnership_id, vendor)


def may_close_deal(actor: Actor, partnership_id: str, partner: str, registered_by: str) -> bool:
    """Mark WON or LOST: the registering REP, the managing MANAGER or the EXECUTIVE."""
    if actor.company != partner:
        return False
    return actor.user_id == registered_by or actor.runs(partnership_id, partner)


def sees_deal(
    *,
    viewer_company: str,
    role: str,
    user_id: str,
    managed: Collection[str],
    registrant: str,
    vendor: str,
    partnership_id: str,
    registered_by: str | None,
) -> bool:
    """The row rule of authorization.md "Opportunities" (the Cypher applies the same)."""
    if viewer_company not in (registrant, vendor):
        return False
    if role in (Role.EXECUTIVE, Role.ANALYST):
        return True
    if role == Role.MANAGER:
        return partnership_id in managed
    return role == Role.REP and registered_by == user_id
