"""Reads of erasures: the records of what was erased from the viewer's company's data."""

from __future__ import annotations

from typing import Any

from graph.errors import ActionForbidden
from graph.queries.erasures import ERASURE_BY_ID_QUERY, ERASURES_QUERY
from graph.readers._base import AggregateReader, Page, PageArgs
from policy import Role


class ErasureReader(AggregateReader):
    def _require_executive(self) -> None:
        # An erasure's record says what the company lost on a data subject's request:
        # its EXECUTIVE's to read (the same who may erase).
        if self.viewer.role != Role.EXECUTIVE:
            raise ActionForbidden("Only an EXECUTIVE reads the company's erasures")

    async def erasures(self, args: PageArgs) -> Page[dict[str, Any]]:
        """The viewer's company's erasures, newest first."""
        self._require_executive()
        ordering = "erasures:AT:DESC"
        params = self.paging.params(ordering, args)
        params["companyId"] = self.viewer.company_id
        record = (await self._read(ERASURES_QUERY, params))[0]
        return self.paging.page(
            ordering, args, record["total"], record["page"], lambda r: {"id": r["id"], **r["props"]}
        )

    async def erasure(self, erasure_id: str) -> dict[str, Any] | None:
        """One of the company's erasures (the payload of an erase mutation)."""
        self._require_executive()
        rows = await self._read(
            ERASURE_BY_ID_QUERY, {"companyId": self.viewer.company_id, "id": erasure_id}
        )
        return {"id": rows[0]["id"], **rows[0]["props"]} if rows else None
