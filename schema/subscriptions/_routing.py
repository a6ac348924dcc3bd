"""What every subscription field shares about the company its events are routed by."""

from __future__ import annotations

from graph import ActionForbidden
from schema.context import Context


def same_company(context: Context, company: str) -> None:
    """A subscription listens for the company its viewer had when it started
    (``AuditFeed.listen``); a viewer moved to another company subscribes again."""
    if context.viewer.company_id != company:
        raise ActionForbidden("The viewer's company changed; subscribe again")
