"""Reads of the audit trail: the viewer's company's AuditEvents, as its role may read them."""

from __future__ import annotations

from typing import Any

from graph.queries.audit import AUDIT_EVENTS_QUERY
from graph.readers._base import AggregateReader, Page, PageArgs
from policy import audit_view


class AuditReader(AggregateReader):
    async def audit_events(
        self, *, target_id: str | None, action: str | None, args: PageArgs
    ) -> Page[dict[str, Any]]:
        """The viewer's company's audit trail, as ``policy.audit_view`` allows its role."""
        ordering = f"audit:{target_id}:{action}:AT:DESC"
        params = self.paging.params(ordering, args)
        view = audit_view(self.viewer.role)
        params.update(
            companyId=self.viewer.company_id,
            actorId=None if view.company_wide else self.viewer.user_id,
            targetId=target_id,
            action=action,
            hidden=list(view.hidden),
            details=view.details,
        )
        record = (await self._read(AUDIT_EVENTS_QUERY, params))[0]
        return self.paging.page(
            ordering, args, record["total"], record["page"], lambda r: {"id": r["id"], **r["props"]}
        )
