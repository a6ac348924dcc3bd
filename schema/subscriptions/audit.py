"""Live audit trail for those who oversee their company."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from graph import ActionForbidden
from policy import audit_view
from schema.context import Context, Info
from schema.subscriptions._routing import same_company
from schema.types.audit_event import AuditEvent


def _overseer(context: Context) -> None:
    if not audit_view(context.viewer.role).company_wide:
        raise ActionForbidden("Only an EXECUTIVE or ANALYST follows the audit trail")


@strawberry.type
class AuditSubscriptions:
    @strawberry.subscription(
        description=(
            "Each new AuditEvent of the viewer's company (EXECUTIVE and ANALYST), as the "
            "auditEvents query shows it; detail is left out."
        )
    )
    async def audit_event_added(
        self, info: Info, action_prefix: str = ""
    ) -> AsyncGenerator[AuditEvent, None]:
        context = info.context
        _overseer(context)
        assert context.feed is not None
        company = context.viewer.company_id
        async with context.feed.listen(
            action_prefix, company=company, wants=lambda event: event.company_id == company
        ) as events:
            while True:
                event = await events.get()
                # Authorized as a new request: a demoted or moved user stops here.
                await context.reauthorize()
                _overseer(context)
                same_company(context, company)
                view = audit_view(context.viewer.role)
                if event.company_id != company or event.action.startswith(view.hidden or ("\x00",)):
                    continue
                yield AuditEvent(
                    id=strawberry.ID(event.id),
                    at=event.at,
                    action=event.action,
                    actor_id=strawberry.ID(event.actor_id) if event.actor_id else None,
                    target_id=event.target_id,
                    detail=None,
                )
