"""AuditEvent: what a mutation did, who did it, to which object."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import strawberry

from graph import Page, as_datetime
from schema.types.connections import page_info
from schema.types.node import PageInfo


@strawberry.type(description="One mutation: every change leaves one, in its own transaction.")
class AuditEvent:
    id: strawberry.ID
    at: datetime
    action: str = strawberry.field(description="e.g. partnership.status, dataLink.grant")
    actor_id: strawberry.ID | None = strawberry.field(description="The acting User's graph id.")
    target_id: str = strawberry.field(description="The graph id of the object acted on.")
    detail: str | None = strawberry.field(description="JSON: what changed.")

    @classmethod
    def from_props(cls, props: dict[str, Any]) -> AuditEvent:
        actor = props.get("actorId")
        return cls(
            id=strawberry.ID(str(props["id"])),
            at=as_datetime(props.get("at")) or datetime.fromtimestamp(0, UTC),
            action=str(props.get("action")),
            actor_id=strawberry.ID(actor) if actor else None,
            target_id=str(props.get("targetId")),
            detail=props.get("detail"),
        )


@strawberry.type
class AuditEventEdge:
    node: AuditEvent
    cursor: str


@strawberry.type
class AuditEventConnection:
    edges: list[AuditEventEdge]
    page_info: PageInfo
    total_count: int


def audit_event_connection(page: Page[dict[str, Any]]) -> AuditEventConnection:
    return AuditEventConnection(
        edges=[
            AuditEventEdge(node=AuditEvent.from_props(r), cursor=c)
            for r, c in zip(page.rows, page.cursors, strict=True)
        ],
        page_info=page_info(page),
        total_count=page.total,
    )
