"""Reads of partnerships: the viewer's company's own, and its HIGH partners' (network view).

Which fields the viewer reads of each row is ``policy.partnership_access``,
computed here from the row's parties; the statements already apply the same
rule, so a row the policy refuses never leaves this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.queries.partnerships import (
    ONBOARDING_ITEMS_QUERY,
    PARTNERSHIPS_BY_IDS_QUERY,
    PARTNERSHIPS_OF_COMPANIES_QUERY,
)
from graph.readers._base import AggregateReader, Page, PageArgs, Props, ReadScope, grouped
from policy import PartnershipAccess, partnership_access


@dataclass(frozen=True, slots=True)
class PartnershipRow:
    id: str
    props: Props
    vendor: str
    partner: str
    access: PartnershipAccess


class PartnershipReader(AggregateReader):
    ORDERING = "partnerships:ID:ASC"

    def __init__(self, scope: ReadScope) -> None:
        super().__init__(scope)
        self._partnerships = self._loader("partnerships", self._load_partnerships)
        self._partnership_pages = self._loader("partnership_pages", self._load_partnership_pages)
        self._onboarding_items = self._loader("onboarding_items", self._load_onboarding_items)

    async def partnership(self, partnership_id: str) -> PartnershipRow | None:
        result: PartnershipRow | None = await self._partnerships.load(partnership_id)
        return result

    async def partnerships_of(
        self, company_id: str, args: PageArgs, tier: str | None, status: str | None
    ) -> Page[PartnershipRow]:
        result: Page[PartnershipRow] = await self._partnership_pages.load(
            (company_id, args, tier, status)
        )
        return result

    async def onboarding_items(self, partnership_id: str) -> list[dict[str, Any]]:
        """Caller checks that the viewer's company is a party of the partnership."""
        result: list[dict[str, Any]] = await self._onboarding_items.load(partnership_id)
        return result

    def partnership_row(self, row: Mapping[str, Any]) -> PartnershipRow | None:
        """A partnership as a statement returned it (``vendor``, ``partner``, ``props``),
        with the viewer's access; None when the viewer may not see it."""
        access = partnership_access(
            viewer_company=self.viewer.company_id,
            role=self.viewer.role,
            managed=self.viewer.managed,
            high_partners=self.viewer.high_partners,
            partnership_id=row["id"],
            vendor=row["vendor"],
            partner=row["partner"],
        )
        if access is None:
            return None
        return PartnershipRow(row["id"], row["props"], row["vendor"], row["partner"], access)

    def _partnership_params(self, ids: list[str] | None = None) -> dict[str, Any]:
        return {
            "ids": ids,
            "companyId": self.viewer.company_id,
            "highPartners": sorted(self.viewer.high_partners),
        }

    async def _load_partnerships(self, ids: Sequence[str]) -> list[PartnershipRow | None]:
        rows = await self._read(PARTNERSHIPS_BY_IDS_QUERY, self._partnership_params(list(ids)))
        found = {p.id: p for p in (self.partnership_row(r["row"]) for r in rows) if p is not None}
        return [found.get(i) for i in ids]

    async def _load_partnership_pages(
        self, keys: Sequence[tuple[str, PageArgs, str | None, str | None]]
    ) -> list[Page[PartnershipRow]]:
        async def run(
            group: tuple[PageArgs, str | None, str | None], parents: list[str]
        ) -> dict[str, Page[PartnershipRow]]:
            args, tier, status = group
            params = self._partnership_params()
            params.update(self.paging.params(self.ORDERING, args))
            params.update(parents=[{"key": p} for p in parents], tier=tier, status=status)
            pages: dict[str, Page[PartnershipRow]] = {}
            for r in await self._read(PARTNERSHIPS_OF_COMPANIES_QUERY, params):
                page = self.paging.page(
                    self.ORDERING, args, r["total"], r["page"], self.partnership_row
                )
                pages[r["key"]] = _drop_none(page)
            return pages

        return await grouped(
            keys, group_of=lambda k: (k[1], k[2], k[3]), parent_of=lambda k: k[0], run=run
        )

    async def _load_onboarding_items(self, ids: Sequence[str]) -> list[list[dict[str, Any]]]:
        rows = await self._read(ONBOARDING_ITEMS_QUERY, {"ids": list(ids)})
        found = {r["id"]: r["items"] for r in rows}
        return [found.get(i, []) for i in ids]


def _drop_none(page: Page[PartnershipRow | None]) -> Page[PartnershipRow]:
    # The Cypher already applies the partnership rule; policy agrees by construction,
    # so nothing is dropped in practice, but a row the policy refuses never leaves.
    kept = [(r, c) for r, c in zip(page.rows, page.cursors, strict=True) if r is not None]
    return Page(
        rows=[r for r, _ in kept],
        cursors=[c for _, c in kept],
        total=page.total,
        has_next=page.has_next,
        has_previous=page.has_previous,
    )
