"""The audit trail of the viewer's company."""

from __future__ import annotations

import strawberry

from schema.context import Info
from schema.types.audit_event import AuditEventConnection, audit_event_connection


@strawberry.type
class AuditQueries:
    @strawberry.field(
        description=(
            "AuditEvents of the viewer's company, newest first: all of them for an EXECUTIVE "
            "or ANALYST, one's own actions for the other roles. targetId is a graph id."
        )
    )
    async def audit_events(
        self,
        info: Info,
        target_id: str | None = None,
        action_prefix: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> AuditEventConnection:
        reader = info.context.reader
        page = await reader.audit.audit_events(
            target_id=target_id, action=action_prefix, args=reader.page_args(first, after)
        )
        return audit_event_connection(page)
