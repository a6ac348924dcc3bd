"""Reads of data sharing: DataLinks (visible to their owner and recipient only) and the
viewer's company's SharingPolicy overrides."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.queries.data_sharing import (
    DATA_LINKS_BY_IDS_QUERY,
    DATA_LINKS_OF_COMPANY_QUERY,
    DATA_LINKS_OF_PARTNERSHIPS_QUERY,
    SHARING_POLICIES_OF_COMPANY_QUERY,
)
from graph.readers._base import AggregateReader, Page, PageArgs, Props, ReadScope, grouped


@dataclass(frozen=True, slots=True)
class DataLinkRow:
    id: str
    props: Props
    owner: str
    recipient: str
    partnership: str | None


class DataSharingReader(AggregateReader):
    def __init__(self, scope: ReadScope) -> None:
        super().__init__(scope)
        self._data_links = self._loader("data_links", self._load_data_links)
        self._data_link_pages = self._loader("data_link_pages", self._load_data_link_pages)

    async def data_link(self, link_id: str) -> DataLinkRow | None:
        result: DataLinkRow | None = await self._data_links.load(link_id)
        return result

    async def data_links_of(self, partnership_id: str, args: PageArgs) -> Page[DataLinkRow]:
        result: Page[DataLinkRow] = await self._data_link_pages.load((partnership_id, args))
        return result

    async def data_links_of_viewer(
        self, *, given: bool, received: bool, active: bool | None, args: PageArgs
    ) -> Page[DataLinkRow]:
        """Links the viewer's company gave and/or received (one root field: no loader)."""
        ordering = f"dataLinks:{int(given)}{int(received)}{active}:ID:ASC"
        params = self.paging.params(ordering, args)
        params.update(
            companyId=self.viewer.company_id, given=given, received=received, active=active
        )
        record = (await self._read(DATA_LINKS_OF_COMPANY_QUERY, params))[0]
        return self.paging.page(ordering, args, record["total"], record["page"], _data_link_row)

    async def sharing_overrides(self) -> dict[str, list[str]]:
        """The viewer's company's SharingPolicy overrides: tier → groups."""
        rows = await self._read(
            SHARING_POLICIES_OF_COMPANY_QUERY, {"companyId": self.viewer.company_id}
        )
        return {str(r["tier"]): list(r["groups"] or ()) for r in rows}

    async def _load_data_links(self, ids: Sequence[str]) -> list[DataLinkRow | None]:
        rows = await self._read(
            DATA_LINKS_BY_IDS_QUERY, {"ids": list(ids), "companyId": self.viewer.company_id}
        )
        found = {r["row"]["id"]: _data_link_row(r["row"]) for r in rows}
        return [found.get(i) for i in ids]

    async def _load_data_link_pages(
        self, keys: Sequence[tuple[str, PageArgs]]
    ) -> list[Page[DataLinkRow]]:
        async def run(args: PageArgs, parents: list[str]) -> dict[str, Page[DataLinkRow]]:
            ordering = "dataLinks:ID:ASC"
            params = self.paging.params(ordering, args)
            params.update(parents=[{"key": p} for p in parents], companyId=self.viewer.company_id)
            return {
                r["key"]: self.paging.page(ordering, args, r["total"], r["page"], _data_link_row)
                for r in await self._read(DATA_LINKS_OF_PARTNERSHIPS_QUERY, params)
            }

        return await grouped(keys, group_of=lambda k: k[1], parent_of=lambda k: k[0], run=run)


def _data_link_row(row: Mapping[str, Any]) -> DataLinkRow:
    return DataLinkRow(row["id"], row["props"], row["owner"], row["recipient"], row["partnership"])
