"""Who may do what: the mutation rules, as pure functions over facts read in the transaction.

authorization.md: "Every mutation checks the actor's right to perform it
(role and party)". Roles never widen what a company may do; ANALYST is
read-only (``graph.commands`` refuses every mutation for it before these run).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from policy._model import Role

#: Partnership lifecycle: PROSPECT → ONBOARDING → ACTIVE ⇄ SUSPENDED, and ENDED from any
#: live state. ENDED is final: a new relationship is a new partnership.
TRANSITIONS: dict[str, frozenset[str]] = {
    "PROSPECT": frozenset({"ONBOARDING", "ENDED"}),
    "ONBOARDING": frozenset({"ACTIVE", "ENDED"}),
    "ACTIVE": frozenset({"SUSPENDED", "ENDED"}),
    "SUSPENDED": frozenset({"ACTIVE", "ENDED"}),
    "ENDED": frozenset(),
}


@dataclass(frozen=True, slots=True)
class Actor:
    """The viewer as the mutation rules see it."""

    user_id: str
    company: str
    role: str
    managed: Collection[str]

    def runs(self, partnership_id: str, company: str) -> bool:
        """An EXECUTIVE of ``company``, or a MANAGER of it who manages the partnership."""
        if self.company != company:
            return False
        return self.role == Role.EXECUTIVE or (
            self.role == Role.MANAGER and partnership_id in self.managed
        )


def may_transition(actor: Actor, partnership_id: str, vendor: str, partner: str, to: str) -> bool:
    """The vendor runs its partner programme; either party's EXECUTIVE may end it."""
    if actor.runs(partnership_id, vendor):
        return True
    return to == "ENDED" and actor.company == partner and actor.role == Role.EXECUTIVE


def may_change_tier(actor: Actor, vendor: str) -> bool:
    """The tier decides what customer data flows: the vendor's EXECUTIVE only."""
    return actor.company == vendor and actor.role == Role.EXECUTIVE


def may_assign_manager(actor: Actor, parties: Collection[str], manager_company: str) -> bool:
    """A party's EXECUTIVE assigns one of its own MANAGERs."""
    return (
        actor.role == Role.EXECUTIVE
        and actor.company in parties
        and manager_company == actor.company
    )


def may_share(actor: Actor, partnership_id: str, owner: str) -> bool:
    """Granting or revoking a DataLink: the owner's EXECUTIVE or the managing MANAGER."""
    return actor.runs(partnership_id, owner)
