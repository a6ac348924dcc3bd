"""Reads of co-marketing funds: requests and partnership balances, one Cypher per batch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.queries.mdf import (
    MDF_BALANCES_QUERY,
    MDF_REQUESTS_BY_IDS_QUERY,
    MDF_REQUESTS_OF_PARTNERSHIPS_QUERY,
)
from graph.readers._base import AggregateReader, Page, PageArgs, Props, ReadScope, grouped
from policy import mdf_remaining


@dataclass(frozen=True, slots=True)
class MdfRequestRow:
    id: str
    props: Props
    partnership: str
    vendor: str
    partner: str
    requester: str | None
    currency: str | None


@dataclass(frozen=True, slots=True)
class MdfBalance:
    budget: float
    approved: float
    #: Requested and not decided yet.
    pending: float

    @property
    def remaining(self) -> float:
        return mdf_remaining(self.budget, self.approved)


def _request_row(row: Mapping[str, Any]) -> MdfRequestRow:
    return MdfRequestRow(
        id=row["id"],
        props=row["props"],
        partnership=row["partnership"],
        vendor=row["vendor"],
        partner=row["partner"],
        requester=row.get("requester"),
        currency=row.get("currency"),
    )


class MdfReader(AggregateReader):
    def __init__(self, scope: ReadScope) -> None:
        super().__init__(scope)
        self._requests = self._loader("mdf.requests", self._load_requests)
        self._pages = self._loader("mdf.pages", self._load_pages)
        self._balances = self._loader("mdf.balances", self._load_balances)

    async def request(self, request_id: str) -> MdfRequestRow | None:
        result: MdfRequestRow | None = await self._requests.load(request_id)
        return result

    async def requests_of(self, partnership_id: str, args: PageArgs) -> Page[MdfRequestRow]:
        """Caller checks the viewer reads the partnership's financials."""
        result: Page[MdfRequestRow] = await self._pages.load((partnership_id, args))
        return result

    async def balance(self, partnership_id: str) -> MdfBalance:
        """Caller checks the viewer reads the partnership's financials."""
        result: MdfBalance = await self._balances.load(partnership_id)
        return result

    async def _load_requests(self, ids: Sequence[str]) -> list[MdfRequestRow | None]:
        params = self.viewer_params()
        params["ids"] = list(ids)
        rows = await self._read(MDF_REQUESTS_BY_IDS_QUERY, params)
        found = {r["row"]["id"]: _request_row(r["row"]) for r in rows}
        return [found.get(i) for i in ids]

    async def _load_pages(self, keys: Sequence[tuple[str, PageArgs]]) -> list[Page[MdfRequestRow]]:
        async def run(args: PageArgs, parents: list[str]) -> dict[str, Page[MdfRequestRow]]:
            ordering = "mdfRequests:REQUESTED_AT:DESC"
            params = self.viewer_params()
            params.update(self.paging.params(ordering, args))
            params["parents"] = [{"key": p} for p in parents]
            return {
                r["key"]: self.paging.page(ordering, args, r["total"], r["page"], _request_row)
                for r in await self._read(MDF_REQUESTS_OF_PARTNERSHIPS_QUERY, params)
            }

        return await grouped(keys, group_of=lambda k: k[1], parent_of=lambda k: k[0], run=run)

    async def _load_balances(self, ids: Sequence[str]) -> list[MdfBalance]:
        rows = await self._read(MDF_BALANCES_QUERY, {"ids": list(ids)})
        found = {
            r["id"]: MdfBalance(
                budget=float(r["budget"] or 0.0),
                approved=float(r["approved"] or 0.0),
                pending=float(r["pending"] or 0.0),
            )
            for r in rows
        }
        empty = MdfBalance(0.0, 0.0, 0.0)
        return [found.get(i, empty) for i in ids]
