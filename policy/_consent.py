"""Consent: which changes widen what flows, and who answers a proposal.

authorization.md, "Consent": data flows only as far as its owner accepted. A
partnership is ACTIVE only when both companies accepted; a tier raise widens
both sides, so the other party accepts it; a change that widens one owner's
outgoing data waits for that owner; a narrowing applies at once.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from policy._actions import Actor
from policy._model import Role, Tier

#: How long a proposal waits for its answer unless configured (PRM_CONSENT_PROPOSAL_DAYS).
DEFAULT_PROPOSAL_DAYS = 14

_TIER_ORDER = {Tier.LOW: 0, Tier.MEDIUM: 1, Tier.HIGH: 2}


class ProposalKind(StrEnum):
    #: The vendor recruits: the partner's EXECUTIVE answers.
    INVITATION = "INVITATION"
    #: A company applies to a vendor's programme: the vendor answers.
    APPLICATION = "APPLICATION"
    #: A tier raise: the other party's EXECUTIVE answers.
    TIER = "TIER"
    #: A link's scope up or allCustomers on, asked by its recipient: the owner answers.
    LINK_SCOPE = "LINK_SCOPE"
    #: A recipient asks an owner for a new link: the owner answers.
    DATA_REQUEST = "DATA_REQUEST"


class ProposalStatus(StrEnum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"
    #: A later change made it moot: a newer tier change, the link revoked, the partnership ended.
    WITHDRAWN = "WITHDRAWN"


def raises_tier(current: str, proposed: str) -> bool:
    """True when ``proposed`` shares more than ``current``: both parties must accept."""
    return _TIER_ORDER[Tier(proposed)] > _TIER_ORDER[Tier(current)]


def exceeds_ceiling(
    scope: Collection[str], all_customers: bool, ceiling: Collection[str], ceiling_all: bool
) -> bool:
    """A link change beyond what its owner accepted (the ceiling) waits for the owner."""
    return bool(set(scope) - set(ceiling)) or (all_customers and not ceiling_all)


def may_answer(
    actor: Actor,
    kind: ProposalKind,
    partnership_id: str,
    answerer: str,
) -> bool:
    """Who accepts or declines a proposal on behalf of the answering company.

    The partner's consent to a partnership and either party's consent to a tier
    are its EXECUTIVE's; the vendor answers an application as it recruits (an
    EXECUTIVE or a MANAGER); an owner answers for its data as it grants links
    (its EXECUTIVE or the partnership's managing MANAGER).
    """
    if actor.company != answerer:
        return False
    if kind in (ProposalKind.INVITATION, ProposalKind.TIER):
        return actor.role == Role.EXECUTIVE
    if kind == ProposalKind.APPLICATION:
        return actor.role in (Role.EXECUTIVE, Role.MANAGER)
    return actor.runs(partnership_id, answerer)


def may_apply(actor: Actor) -> bool:
    """Applying to a programme commits the applicant: its EXECUTIVE."""
    return actor.role == Role.EXECUTIVE
