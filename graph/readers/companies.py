"""Reads of companies: public profiles by id, and the filtered directory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graph.queries.companies import (
    COMPANIES_BY_IDS_QUERY,
    CompanyFilterField,
    companies_page_query,
    company_filter_param,
)
from graph.readers._base import AggregateReader, Page, PageArgs, Props, ReadScope


@dataclass(frozen=True, slots=True)
class CompanyRow:
    id: str
    props: Props


@dataclass(frozen=True, slots=True)
class CompanyQuery:
    filters: tuple[tuple[CompanyFilterField, str, Any], ...] = ()


class CompanyReader(AggregateReader):
    ORDERING = "companies:NAME:ASC"

    def __init__(self, scope: ReadScope) -> None:
        super().__init__(scope)
        self._companies = self._loader("companies", self._load_companies)
        self.know_companies([dict(scope.viewer.company)])

    async def company(self, company_id: str) -> CompanyRow | None:
        result: CompanyRow | None = await self._companies.load(company_id)
        return result

    def know_companies(self, rows: Sequence[dict[str, Any]]) -> list[CompanyRow]:
        """Company profiles a statement already returned: later lookups of the same
        ids in this request need no round trip of their own."""
        known = [CompanyRow(r["id"], r) for r in rows]
        for row in known:
            self._companies.prime(row.id, row)
        return known

    async def companies(self, query: CompanyQuery, args: PageArgs) -> Page[CompanyRow]:
        params = self.paging.params(self.ORDERING, args)
        for field, op, value in query.filters:
            params[company_filter_param(field, op)] = value
        cypher = companies_page_query(tuple((f, op) for f, op, _ in query.filters))
        record = (await self._read(cypher, params))[0]
        return self.paging.page(
            self.ORDERING,
            args,
            record["total"],
            record["page"],
            lambda r: CompanyRow(r["id"], r["props"]),
        )

    async def _load_companies(self, ids: Sequence[str]) -> list[CompanyRow | None]:
        rows = await self._read(COMPANIES_BY_IDS_QUERY, {"ids": list(ids)})
        found = {r["row"]["id"]: CompanyRow(r["row"]["id"], r["row"]) for r in rows}
        return [found.get(i) for i in ids]
