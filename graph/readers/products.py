"""Reads of products and discount schedules: one Cypher per batch, prices per viewer.

A product row carries the viewer's ``ProductTerms`` (tier, discount, whether
it may read the list price), computed by ``policy.product_terms`` from what
the query returned once per vendor; the schema prices and redacts from them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from graph.queries.products import (
    DISCOUNTS_OF_COMPANIES_QUERY,
    PRODUCTS_BY_IDS_QUERY,
    PRODUCTS_OF_COMPANIES_QUERY,
)
from graph.readers._base import AggregateReader, Page, PageArgs, Props, ReadScope, grouped
from policy import ProductTerms, Tier, default_pricing, product_terms, sees_vendor_offerings

_ORDERING = "products:NAME:ASC"


@dataclass(frozen=True, slots=True)
class ProductRow:
    id: str
    props: Props
    vendor: str
    terms: ProductTerms


@dataclass(frozen=True, slots=True)
class TierDiscountRow:
    tier: Tier
    discount_pct: float
    #: False when the vendor set this tier itself, True when it is the default.
    default: bool


class ProductReader(AggregateReader):
    def __init__(self, scope: ReadScope) -> None:
        super().__init__(scope)
        self._products = self._loader("products.products", self._load_products)
        self._pages = self._loader("products.pages", self._load_pages)
        self._schedules = self._loader("products.schedules", self._load_schedules)

    def _terms(
        self, vendor: str, tiers: Sequence[str | None], discounts: Sequence[Mapping[str, Any]]
    ) -> ProductTerms | None:
        return product_terms(
            viewer_company=self.viewer.company_id,
            vendor=vendor,
            tiers=tiers,
            overrides={d["tier"]: d["discountPct"] for d in discounts},
            pricing=default_pricing(),
        )

    async def product(self, product_id: str) -> ProductRow | None:
        result: ProductRow | None = await self._products.load(product_id)
        return result

    async def products_of(self, company_id: str, args: PageArgs) -> Page[ProductRow]:
        """The products a company sells, if the viewer's company may see them."""
        v = self.viewer
        if not sees_vendor_offerings(v.company_id, company_id, v.active_partners):
            return Page.empty()
        result: Page[ProductRow] = await self._pages.load((company_id, args))
        return result

    async def discount_schedule(self, company_id: str) -> list[TierDiscountRow] | None:
        """The vendor's discount per tier; None unless the viewer's company is that vendor."""
        if company_id != self.viewer.company_id:
            return None
        result: list[TierDiscountRow] = await self._schedules.load(company_id)
        return result

    async def _load_products(self, ids: Sequence[str]) -> list[ProductRow | None]:
        rows = await self._read(PRODUCTS_BY_IDS_QUERY, {"ids": list(ids), **self.viewer_params()})
        found: dict[str, ProductRow] = {}
        for r in rows:
            terms = self._terms(r["vendor"], r["tiers"], r["discounts"])
            if terms is None:
                continue
            for props in r["products"]:
                found[props["id"]] = ProductRow(props["id"], props, r["vendor"], terms)
        return [found.get(i) for i in ids]

    async def _load_pages(self, keys: Sequence[tuple[str, PageArgs]]) -> list[Page[ProductRow]]:
        async def run(args: PageArgs, parents: list[str]) -> dict[str, Page[ProductRow]]:
            params = self.viewer_params()
            params.update(self.paging.params(_ORDERING, args))
            params["parents"] = [{"key": p} for p in parents]
            pages: dict[str, Page[ProductRow]] = {}
            for r in await self._read(PRODUCTS_OF_COMPANIES_QUERY, params):
                terms = self._terms(r["key"], r["tiers"], r["discounts"])
                if terms is not None:
                    build = partial(_product_row, r["key"], terms)
                    pages[r["key"]] = self.paging.page(
                        _ORDERING, args, r["total"], r["page"], build
                    )
            return pages

        return await grouped(keys, group_of=lambda k: k[1], parent_of=lambda k: k[0], run=run)

    async def _load_schedules(self, ids: Sequence[str]) -> list[list[TierDiscountRow]]:
        rows = await self._read(DISCOUNTS_OF_COMPANIES_QUERY, {"ids": list(ids)})
        found = {r["id"]: r["discounts"] for r in rows}
        return [schedule(found.get(i, [])) for i in ids]


def _product_row(vendor: str, terms: ProductTerms, row: Mapping[str, Any]) -> ProductRow:
    return ProductRow(row["id"], row["props"], vendor, terms)


def schedule(discounts: Sequence[Mapping[str, Any]]) -> list[TierDiscountRow]:
    """Every tier, LOW to HIGH: the vendor's override where it set one, else the default."""
    overrides = {d["tier"]: float(d["discountPct"]) for d in discounts}
    pricing = default_pricing()
    return [
        TierDiscountRow(
            tier=tier,
            discount_pct=pricing.discount(tier, overrides),
            default=tier.value not in overrides,
        )
        for tier in Tier
    ]
