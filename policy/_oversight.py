"""Oversight at three levels: what part of the company's business a role oversees."""

from __future__ import annotations

from enum import StrEnum

from policy._model import Role


class OversightScope(StrEnum):
    #: Every partnership of the company and every deal under them.
    COMPANY = "COMPANY"
    #: The partnerships the MANAGER manages and the deals under them.
    MANAGED = "MANAGED"
    #: The deals the user registered, nothing else.
    OWN = "OWN"


def oversight_scope(role: str) -> OversightScope:
    """authorization.md's deal rule: EXECUTIVE and ANALYST all, MANAGER managed, REP own."""
    if role in (Role.EXECUTIVE, Role.ANALYST):
        return OversightScope.COMPANY
    if role == Role.MANAGER:
        return OversightScope.MANAGED
    return OversightScope.OWN


def oversees_financials(role: str) -> bool:
    """MDF money in totals: the EXECUTIVE (whole company), the MANAGER (what they manage)."""
    return role in (Role.EXECUTIVE, Role.MANAGER)
