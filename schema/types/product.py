"""Product: a vendor's catalogue item, priced for the viewer's company.

``price`` is what the viewer's company pays: the list price for the vendor,
the list price less the discount of its tier for a partner. ``listPrice`` is
read by the vendor and its HIGH partners; anyone else who sees the product
gets null and a FORBIDDEN error (group FINANCIAL), as for partnership fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry

from graph import Forbidden, NotFound, Page, ProductRow, TierDiscountRow
from schema.context import Info
from schema.federation import ENTITY_KEYS, resolve_entity
from schema.ids import to_global_id
from schema.nodes import COMPANY, node_type
from schema.types.connections import page_info
from schema.types.enums import FieldGroup, Tier
from schema.types.node import Node, PageInfo

if TYPE_CHECKING:
    from schema.types.company import Company


@node_type
@strawberry.federation.type(keys=ENTITY_KEYS)
class Product(Node):
    id: strawberry.ID
    sku: str
    name: str
    description: str | None
    currency: str | None
    price: float | None = strawberry.field(
        description="What the viewer's company pays: list price less its tier's discount."
    )
    # FINANCIAL like listPrice: with price, the discount would give the list price away.
    discount_pct: float | None = strawberry.field(
        description="The discount of the viewer's tier (0 for the vendor itself)."
    )
    tier: Tier | None = strawberry.field(
        description="The viewer's best ACTIVE tier with the vendor; null for the vendor."
    )
    # FINANCIAL: the vendor and its HIGH partners only.
    list_price: float | None
    row: strawberry.Private[ProductRow]

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Self | None:
        """Federation ``_entities``: the rules of ``node(id:)`` (schema/federation.py)."""
        return await resolve_entity(info, cls, id)

    @classmethod
    def from_row(cls, row: ProductRow) -> Self:
        obj = cls.__new__(cls)
        values = obj.__dict__
        p = row.props
        terms = row.terms
        values["id"] = strawberry.ID(to_global_id("Product", row.id))
        values["sku"] = p.get("sku") or ""
        values["name"] = p.get("name") or ""
        values["description"] = p.get("description")
        values["currency"] = p.get("currency")
        values["price"] = terms.price(p.get("listPrice"))
        values["tier"] = terms.tier
        values["row"] = row
        if terms.list_price_visible:
            values["list_price"] = p.get("listPrice")
            values["discount_pct"] = terms.discount_pct
        return obj

    @classmethod
    async def load(cls, info: Info, graph_id: str) -> Self | None:
        row = await info.context.reader.products.product(graph_id)
        return cls.from_row(row) if row else None

    def __getattr__(self, name: str) -> Any:
        if name in ("list_price", "discount_pct"):
            raise Forbidden(FieldGroup.FINANCIAL.value)
        raise AttributeError(name)

    @strawberry.field
    async def vendor(
        self, info: Info
    ) -> Annotated[Company, strawberry.lazy("schema.types.company")]:
        return await COMPANY.cls.require(info, self.row.vendor)


@strawberry.type
class ProductEdge:
    node: Product
    cursor: str


@strawberry.type
class ProductConnection:
    edges: list[ProductEdge]
    page_info: PageInfo
    total_count: int


def product_connection(page: Page[ProductRow]) -> ProductConnection:
    return ProductConnection(
        edges=[
            ProductEdge(node=Product.from_row(r), cursor=c)
            for r, c in zip(page.rows, page.cursors, strict=True)
        ],
        page_info=page_info(page),
        total_count=page.total,
    )


async def require_product(info: Info, graph_id: str) -> Product:
    """A product the viewer just created or changed, read back through its authorization."""
    await info.context.refresh()
    product = await Product.load(info, graph_id)
    if product is None:
        raise NotFound("Product", argument="id")
    return product


@strawberry.type(description="A vendor's discount for one collaboration tier.")
class TierDiscount:
    tier: Tier
    discount_pct: float
    is_default: bool = strawberry.field(
        description="True when the vendor has not set this tier: the default table applies."
    )


@strawberry.type(description="A vendor's discount per tier; its own company only.")
class DiscountSchedule:
    tiers: list[TierDiscount]


def discount_schedule(rows: list[TierDiscountRow]) -> DiscountSchedule:
    return DiscountSchedule(
        tiers=[
            TierDiscount(
                tier=r.tier,
                discount_pct=r.discount_pct,
                is_default=r.default,
            )
            for r in rows
        ]
    )
