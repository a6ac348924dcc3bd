"""Products: the vendor creates and changes its products and sets the discount per tier.

Products belong to the viewer's own company (``(:Company)-[:SELLS]->(:Product)``);
a SKU is unique within one vendor's catalogue. The discount schedule is one
``TierDiscount`` node per tier the vendor set (``id`` = ``<company>:<tier>``);
a tier it clears falls back to ``policy/defaults/pricing.toml``.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graph.commands._base import CommandSet, Done, Outcome
from graph.driver import WriteTx
from graph.errors import ActionForbidden, BadUserInput, Conflict, NotFound
from graph.queries.products import (
    CREATED_PRODUCT_QUERY,
    DISCOUNTS_CLEARED_QUERY,
    DISCOUNTS_LOCKED_QUERY,
    DISCOUNTS_SET_QUERY,
    PRODUCT_FOR_UPDATE_QUERY,
    PRODUCT_UPDATED_QUERY,
    SKU_TAKEN_QUERY,
)
from policy import (
    MAX_DISCOUNT_PCT,
    Role,
    Tier,
    may_manage_offerings,
    may_set_discounts,
)

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_NAME = 200
MAX_DESCRIPTION = 2000
MAX_PRICE = 1e12


def _check_name(name: str, argument: str) -> None:
    if not name.strip() or len(name) > MAX_NAME:
        raise BadUserInput(f"'name' is 1 to {MAX_NAME} characters", argument=argument)


def _check_description(description: str | None, argument: str) -> None:
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise BadUserInput(
            f"'description' is at most {MAX_DESCRIPTION} characters", argument=argument
        )


def _check_price(price: float, argument: str) -> None:
    if not math.isfinite(price) or not 0 <= price <= MAX_PRICE:
        raise BadUserInput("'listPrice' must be between 0 and 1e12", argument=argument)


def _check_currency(currency: str, argument: str) -> None:
    if not _CURRENCY.match(currency):
        raise BadUserInput("'currency' must be an ISO 4217 code such as USD", argument=argument)


@dataclass(frozen=True, slots=True)
class ProductInput:
    sku: str
    name: str
    list_price: float
    currency: str = "USD"
    description: str | None = None
    idempotency_key: str | None = None

    def validate(self) -> None:
        if not _SKU.match(self.sku):
            raise BadUserInput(
                "'sku' is 1 to 64 letters, digits, '.', '_' or '-'", argument="input.sku"
            )
        _check_name(self.name, "input.name")
        _check_description(self.description, "input.description")
        _check_price(self.list_price, "input.listPrice")
        _check_currency(self.currency, "input.currency")


@dataclass(frozen=True, slots=True)
class ProductChanges:
    """Fields to change; None leaves a field as it is."""

    name: str | None = None
    description: str | None = None
    list_price: float | None = None
    currency: str | None = None

    def validate(self) -> None:
        if self.name is not None:
            _check_name(self.name, "input.name")
        _check_description(self.description, "input.description")
        if self.list_price is not None:
            _check_price(self.list_price, "input.listPrice")
        if self.currency is not None:
            _check_currency(self.currency, "input.currency")
        if not self.as_props():
            raise BadUserInput("Nothing to change", argument="input")

    def as_props(self) -> dict[str, Any]:
        props = {
            "name": self.name,
            "description": self.description,
            "listPrice": self.list_price,
            "currency": self.currency,
        }
        return {k: v for k, v in props.items() if v is not None}


@dataclass(frozen=True, slots=True)
class TierDiscountInput:
    tier: str
    #: None clears the vendor's own discount: the tier falls back to the default.
    discount_pct: float | None


class ProductCommands(CommandSet):
    async def create_product(self, data: ProductInput) -> Outcome:
        """A product in the viewer's company's catalogue."""
        self.require_role(Role.EXECUTIVE, Role.MANAGER, action="create a product")
        data.validate()
        vendor = self.viewer.company_id

        async def work(tx: WriteTx) -> Done:
            taken = await tx.run(SKU_TAKEN_QUERY, {"vendor": vendor, "sku": data.sku, "except": ""})
            if taken[0]["taken"]:
                raise Conflict("Your catalogue already has a product with this SKU", sku=data.sku)
            new_id = f"pr-{uuid.uuid4().hex[:16]}"
            await tx.run(
                CREATED_PRODUCT_QUERY,
                {
                    "vendor": vendor,
                    "id": new_id,
                    "sku": data.sku,
                    "name": data.name,
                    "description": data.description,
                    "listPrice": float(data.list_price),
                    "currency": data.currency,
                },
            )
            return Done(new_id, {"sku": data.sku, "listPrice": data.list_price})

        return await self.execute(
            "product.create",
            work,
            idempotency_key=data.idempotency_key,
            fingerprint={
                "sku": data.sku,
                "name": data.name,
                "description": data.description,
                "listPrice": data.list_price,
                "currency": data.currency,
            },
        )

    async def update_product(self, product_id: str, changes: ProductChanges) -> Outcome:
        async def work(tx: WriteTx) -> Done:
            rows = await tx.run(PRODUCT_FOR_UPDATE_QUERY, {"id": product_id})
            v = self.viewer
            if not rows or (
                rows[0]["vendor"] != v.company_id and rows[0]["vendor"] not in v.active_partners
            ):
                raise NotFound("Product", argument="id")
            row = rows[0]
            if not may_manage_offerings(self.actor, row["vendor"]):
                raise ActionForbidden("Only the vendor's EXECUTIVE or MANAGER may change a product")
            new = changes.as_props()
            await tx.run(PRODUCT_UPDATED_QUERY, {"id": product_id, "changes": new})
            old = row["props"]
            return Done(product_id, {k: {"from": old.get(k), "to": val} for k, val in new.items()})

        # Malformed input is refused whatever the product: the answer reveals nothing.
        changes.validate()
        return await self.execute("product.update", work)

    async def set_discount_schedule(self, tiers: Sequence[TierDiscountInput]) -> Outcome:
        """The vendor's discount per tier: listed tiers are set (or cleared with null)."""
        vendor = self.viewer.company_id
        if not may_set_discounts(self.actor, vendor):
            raise ActionForbidden("Only an EXECUTIVE may set the discount schedule")
        if not tiers:
            raise BadUserInput("List at least one tier", argument="tiers")
        seen: set[str] = set()
        for i, t in enumerate(tiers):
            if t.tier not in Tier.__members__:
                raise BadUserInput("Unknown tier", argument=f"tiers[{i}].tier")
            if t.tier in seen:
                raise BadUserInput("Each tier at most once", argument=f"tiers[{i}].tier")
            seen.add(t.tier)
            pct = t.discount_pct
            if pct is not None and (not math.isfinite(pct) or not 0 <= pct <= MAX_DISCOUNT_PCT):
                raise BadUserInput(
                    "'discountPct' must be between 0 and 100",
                    argument=f"tiers[{i}].discountPct",
                )
        to_set = [
            {"tier": t.tier, "discountPct": float(t.discount_pct)}
            for t in tiers
            if t.discount_pct is not None
        ]
        to_clear = [t.tier for t in tiers if t.discount_pct is None]

        async def work(tx: WriteTx) -> Done:
            rows = await tx.run(DISCOUNTS_LOCKED_QUERY, {"vendor": vendor})
            before = {d["tier"]: d["discountPct"] for d in rows[0]["current"]} if rows else {}
            if to_set:
                await tx.run(
                    DISCOUNTS_SET_QUERY,
                    {"vendor": vendor, "set": to_set, "userId": self.viewer.user_id},
                )
            if to_clear:
                await tx.run(DISCOUNTS_CLEARED_QUERY, {"vendor": vendor, "clear": to_clear})
            return Done(
                vendor,
                {
                    "before": before,
                    "set": {s["tier"]: s["discountPct"] for s in to_set},
                    "cleared": to_clear,
                },
            )

        return await self.execute("company.discount_schedule", work)
