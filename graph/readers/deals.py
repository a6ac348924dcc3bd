"""Reads of registered deals (Opportunity): lookups batched per tick, and the connection.

The row rule of authorization.md "Opportunities" runs inside the Cypher
(``graph.queries.deals``), with the viewer's company, role, user and
managed partnerships as parameters; a deal the viewer may not see never
leaves the database. Its customer, partnership, product and registering user
are resolved through their own loaders and their own rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.queries.deals import (
    DEAL_REGISTRATION_SHARING_QUERY,
    DEALS_BY_IDS_QUERY,
    deals_page_query,
)
from graph.readers._base import AggregateReader, Page, PageArgs, Props, ReadScope


@dataclass(frozen=True, slots=True)
class DealRow:
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


def _row(r: Mapping[str, Any]) -> DealRow:
    return DealRow(
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
    # Cursors clients hold carry this name: it stays as it was.
    ORDERING = "opportunities:REGISTERED_AT:DESC"

    def __init__(self, scope: ReadScope) -> None:
        super().__init__(scope)
        self._by_id = self._loader("deals.by_id", self._load)

    async def deal(self, deal_id: str) -> DealRow | None:
        result: DealRow | None = await self._by_id.load(deal_id)
        return result

    async def registration_sharing(self, company_id: str) -> bool | None:
        """Whether the company's REPs share customers when registering deals; a company
        setting its own users read (None for anyone else)."""
        if company_id != self.viewer.company_id:
            return None
        rows = await self._read(DEAL_REGISTRATION_SHARING_QUERY, {"companyId": company_id})
        return bool(rows[0]["repsMayShare"]) if rows else False

    async def _load(self, ids: Sequence[str]) -> list[DealRow | None]:
        params = self.viewer_params()
        params["ids"] = list(ids)
        rows = await self._read(DEALS_BY_IDS_QUERY, params)
        found = {r["row"]["id"]: _row(r["row"]) for r in rows}
        return [found.get(i) for i in ids]

    async def deals(
        self, args: PageArgs, *, status: str | None = None, partnership_id: str | None = None
    ) -> Page[DealRow]:
        """Deals the viewer sees, newest registration first."""
        params = self.viewer_params()
        params.update(self.paging.params(self.ORDERING, args))
        params.update(status=status, partnershipId=partnership_id)
        query = deals_page_query(of_partnership=partnership_id is not None)
        rows = await self._read(query, params)
        if not rows:
            return Page.empty()
        record = rows[0]
        return self.paging.page(self.ORDERING, args, record["total"], record["page"], _row)
