"""The vendor's catalogue: products and the discount per collaboration tier."""

from __future__ import annotations

import strawberry

from graph import NotFound, ProductChanges, ProductInput, TierDiscountInput
from schema.context import Info
from schema.ids import expect_global_id
from schema.types.enums import Tier
from schema.types.product import (
    DiscountSchedule,
    Product,
    discount_schedule,
    require_product,
)


@strawberry.input
class CreateProductInput:
    sku: str
    name: str
    list_price: float
    currency: str = "USD"
    description: str | None = None
    idempotency_key: str | None = strawberry.field(
        default=None, description="A retried request with the same key creates nothing new."
    )


@strawberry.input(description="Fields to change; omitted or null fields stay as they are.")
class UpdateProductInput:
    name: str | None = None
    description: str | None = None
    list_price: float | None = None
    currency: str | None = None


@strawberry.input
class TierDiscountSetting:
    tier: Tier
    discount_pct: float | None = strawberry.field(
        description="Percent off list price; null clears it and the default applies again."
    )


@strawberry.type
class ProductMutations:
    @strawberry.mutation(
        description="A product in the viewer's company's catalogue (EXECUTIVE or MANAGER)."
    )
    async def create_product(self, info: Info, input: CreateProductInput) -> Product:
        outcome = await info.context.commands.products.create_product(
            ProductInput(
                sku=input.sku,
                name=input.name,
                list_price=input.list_price,
                currency=input.currency,
                description=input.description,
                idempotency_key=input.idempotency_key,
            )
        )
        return await require_product(info, outcome.target_id)

    @strawberry.mutation(description="Change a product of the viewer's company's catalogue.")
    async def update_product(
        self, info: Info, id: strawberry.ID, input: UpdateProductInput
    ) -> Product:
        graph_id = expect_global_id(id, "Product")
        await info.context.commands.products.update_product(
            graph_id,
            ProductChanges(
                name=input.name,
                description=input.description,
                list_price=input.list_price,
                currency=input.currency,
            ),
        )
        return await require_product(info, graph_id)

    @strawberry.mutation(
        description=(
            "Set (or clear with null) the discount partners of each listed tier get "
            "(the vendor's EXECUTIVE); tiers not listed stay as they are."
        )
    )
    async def set_discount_schedule(
        self, info: Info, tiers: list[TierDiscountSetting]
    ) -> DiscountSchedule:
        await info.context.commands.products.set_discount_schedule(
            [TierDiscountInput(t.tier.value, t.discount_pct) for t in tiers]
        )
        await info.context.refresh()
        company = info.context.viewer.company_id
        rows = await info.context.reader.products.discount_schedule(company)
        if rows is None:
            raise NotFound("Company", argument="id")
        return discount_schedule(rows)
