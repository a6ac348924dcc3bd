"""Reading the audit trail of an object straight from the graph."""

from __future__ import annotations

from typing import Any

from graph import Database


async def audit_trail(db: Database, target: str) -> list[dict[str, Any]]:
    """The AuditEvents of one object, oldest first: action and actor. A consent step's
    copy in the other party's trail (``copyOf``, docs/consent.md) is the same event."""
    return await db.read(
        "MATCH (a:AuditEvent {targetId: $t}) WHERE a.copyOf IS NULL "
        "RETURN a.action AS action, a.actorId AS actor "
        "ORDER BY a.at, a.action",
        {"t": target},
    )
