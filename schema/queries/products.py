"""Lookup of one product; lists hang off Company.products."""

from __future__ import annotations

import strawberry

from schema.context import Info
from schema.ids import expect_global_id
from schema.types.product import Product


@strawberry.type
class ProductQueries:
    @strawberry.field(
        description="A product of the viewer's company or of a vendor it is an ACTIVE partner of."
    )
    async def product(self, info: Info, id: strawberry.ID) -> Product | None:
        return await Product.load(info, expect_global_id(id, "Product"))
