"""Reads of registered deals (Opportunity): lookups batched per tick, and the connection.

The row rule of authorization.md "Opportunities" runs inside the Cypher
(``graph.queries.opportunities``), with the viewer's company, role, user and
managed partnerships as parameters; a deal the viewer may not see never
leaves the database. Its customer, partnership, product and registering user
are resolved through their own loaders and their own rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.queries.opportunities import (
    DEAL_REGISTRATION_SHARING_QUERY,
    OPPORTUNITIES_BY_IDS_QUERY,
    opportunities_page_query,
)
from graph.reader import AggregateReader, PageArgs
from graph.records import Page, Props

if TYPE_CHECKING:
    from graph.reader import GraphReader


@dataclass(frozen=True, slots=True)
class OpportunityRow:
    id: str
    #: The deal's properties; ``status`` is as read (an expired open deal is EXPIRED).
    props: Props
    registrant: str
    vendor: str
    partnership: str
    customer: str | None
    product: str | None
    registered_by: str | None
    data_link: str | None


def _row(r: Mapping[str, Any]) -> OpportunityRow:
    return OpportunityRow(
        id=r["id"],
        props=r["props"],
        registrant=r["registrant"],
        vendor=r["vendor"],
        partnership=r["partnership"],
        customer=r.get("customer"),
        product=r.get("product"),
        registered_by=r.get("registeredBy"),
        data_link=r.get("dataLink"),
    )


class DealReader(AggregateReader):
    ORDERING = "opportunities:REGISTERED_AT:DESC"

    def __init__(self, parent: GraphReader) -> None:
        super().__init__(parent)
        self._by_id = self._loader("deals.by_id", self._load)

    async def opportunity(self, opportunity_id: str) -> OpportunityRow | None:
        result: OpportunityRow | None = await self._by_id.load(opportunity_id)
        return result

    async def registration_sharing(self, company_id: str) -> bool | None:
        """Whether the company's REPs share customers when registering deals; a company
        setting its own users read (None for anyone else)."""
        if company_id != self.viewer.company_id:
            return None
        rows = await self._read(DEAL_REGISTRATION_SHARING_QUERY, {"companyId": company_id})
        return bool(rows[0]["repsMayShare"]) if rows else False

    async def _load(self, ids: Sequence[str]) -> list[OpportunityRow | None]:
        params = self.viewer_params()
        params["ids"] = list(ids)
        rows = await self._read(OPPORTUNITIES_BY_IDS_QUERY, params)
        found = {r["row"]["id"]: _row(r["row"]) for r in rows}
        return [found.get(i) for i in ids]

    async def opportunities(
        self, args: PageArgs, *, status: str | None = None, partnership_id: str | None = None
    ) -> Page[OpportunityRow]:
        """Deals the viewer sees, newest registration first."""
        params = self.viewer_params()
        params.update(self.parent._paging_params(self.ORDERING, args))
        params.update(status=status, partnershipId=partnership_id)
        query = opportunities_page_query(of_partnership=partnership_id is not None)
        rows = await self._read(query, params)
        if not rows:
            return Page.empty()
        record = rows[0]
        return self.parent._page(self.ORDERING, args, record["total"], record["page"], _row)
