"""Who reads which AuditEvents of their company, and with what detail.

An event's ``detail`` can carry what its target guards (an MDF amount, a
remaining budget), so the audit trail must not become a side door to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from policy._model import Role


@dataclass(frozen=True, slots=True)
class AuditView:
    #: Every event of the company (True) or only the viewer's own actions.
    company_wide: bool
    #: Whether ``detail`` is shown.
    details: bool
    #: Actions (by prefix) left out: their targets are invisible to this role.
    hidden: tuple[str, ...] = ()


def audit_view(role: str) -> AuditView:
    """EXECUTIVEs read everything; ANALYSTs the company's events without details and without
    MDF (MdfRequests are invisible to them) nor erasures (an erasure's record is the
    EXECUTIVE's); the other roles their own actions."""
    if role == Role.EXECUTIVE:
        return AuditView(company_wide=True, details=True)
    if role == Role.ANALYST:
        return AuditView(company_wide=True, details=False, hidden=("mdf.", "erasure."))
    return AuditView(company_wide=False, details=True)
