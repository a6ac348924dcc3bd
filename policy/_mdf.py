"""Co-marketing funds (MDF): who may request, decide and see a request; what is left.

MDF money is a financial implication of a partnership (authorization.md): a
request is visible to the parties' EXECUTIVEs, the MANAGERs who manage the
partnership, and the user who requested it; nobody else.
"""

from __future__ import annotations

from policy._actions import Actor
from policy._model import Role

#: Statuses of an MdfRequest: SUBMITTED → APPROVED | REJECTED, both final.
MDF_DECISIONS: frozenset[str] = frozenset({"APPROVED", "REJECTED"})

#: Money is a float (graph-model.md); a cent's rounding noise is not an overspend.
MONEY_EPSILON = 1e-6


def may_request_mdf(actor: Actor, partner: str) -> bool:
    """Any non-ANALYST user of the partnership's PARTNER side asks for funds."""
    return actor.company == partner and actor.role != Role.ANALYST


def may_decide_mdf(actor: Actor, partnership_id: str, vendor: str) -> bool:
    """The vendor's EXECUTIVE or the MANAGER who manages the partnership decides."""
    return actor.runs(partnership_id, vendor)


def sees_mdf_request(
    actor: Actor, partnership_id: str, vendor: str, partner: str, requester: str | None
) -> bool:
    """The parties' EXECUTIVEs, managing MANAGERs, and the requester."""
    if actor.company not in (vendor, partner):
        return False
    if actor.user_id == requester:
        return True
    return actor.role == Role.EXECUTIVE or (
        actor.role == Role.MANAGER and partnership_id in actor.managed
    )


def mdf_remaining(budget: float | None, approved: float) -> float:
    """Budget minus what is approved; no budget is a budget of zero."""
    return (budget or 0.0) - approved


def overspends(amount: float, budget: float | None, approved: float) -> bool:
    return amount > mdf_remaining(budget, approved) + MONEY_EPSILON
