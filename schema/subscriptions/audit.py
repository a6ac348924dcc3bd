"""Live audit trail for those who oversee their company."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from graph import ActionForbidden
from policy import Role
from schema.context import Info
from schema.types.audit_event import AuditEvent


@strawberry.type
class AuditSubscriptions:
    @strawberry.subscription(
        description="Each new AuditEvent of the viewer's company (EXECUTIVE and ANALYST)."
    )
    async def audit_event_added(
        self, info: Info, action_prefix: str = ""
    ) -> AsyncGenerator[AuditEvent, None]:
        context = info.context
        if context.viewer.role not in (Role.EXECUTIVE, Role.ANALYST):
            raise ActionForbidden("Only an EXECUTIVE or ANALYST follows the audit trail")
        assert context.feed is not None
        async with context.feed.listen(action_prefix) as events:
            while True:
                event = await events.get()
                if event.company_id != context.viewer.company_id:
                    continue
                yield AuditEvent(
                    id=strawberry.ID(event.id),
                    at=event.at,
                    action=event.action,
                    actor_id=strawberry.ID(event.actor_id) if event.actor_id else None,
                    target_id=event.target_id,
                    detail=None,
                )
