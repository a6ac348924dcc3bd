"""Company: the public profile, with its partnerships, customers and contacts.

Company is the top of the type modules' import order: it imports what it lists, and the
types that point back at a company reach it through ``schema.nodes.COMPANY``.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Self

import strawberry

from graph import CompanyRow, Forbidden, Page
from schema.context import Info
from schema.federation import ENTITY_KEYS, resolve_entity
from schema.ids import to_global_id
from schema.nodes import node_type
from schema.selection import selects, selects_only
from schema.types.connections import (
    CompanyConnection,
    CompanyEdge,
    ContactConnection,
    CustomerConnection,
    PartnershipConnection,
    page_info,
)
from schema.types.contact import contact_connection
from schema.types.course import CourseConnection, course_connection
from schema.types.customer import customer_connection
from schema.types.deal import DealRegistrationSharing
from schema.types.enums import FieldGroup, PartnershipStatus, Tier
from schema.types.filters import CustomerFilter, CustomerOrder, customer_query
from schema.types.node import Node
from schema.types.partnership import partnership_connection
from schema.types.product import (
    DiscountSchedule,
    ProductConnection,
    discount_schedule,
    product_connection,
)

#: Fields a reference to a company answers without reading the company.
_REFERENCE_FIELDS = frozenset({"id", "__typename"})


@node_type
@strawberry.federation.type(keys=ENTITY_KEYS)
class Company(Node):
    id: strawberry.ID
    name: str
    domain: str | None
    industry: str | None
    country: str | None
    employees: int | None
    description: str | None
    graph_id: strawberry.Private[str]

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Self | None:
        """Federation ``_entities``: the rules of ``node(id:)`` (schema/federation.py)."""
        return await resolve_entity(info, cls, id)

    @classmethod
    def from_row(cls, row: CompanyRow) -> Self:
        p = row.props
        return cls(
            id=strawberry.ID(to_global_id("Company", row.id)),
            name=p.get("name") or "",
            domain=p.get("domain"),
            industry=p.get("industry"),
            country=p.get("country"),
            employees=p.get("employees"),
            description=p.get("description"),
            graph_id=row.id,
        )

    @classmethod
    async def load(cls, info: Info, graph_id: str) -> Self | None:
        row = await info.context.reader.companies.company(graph_id)
        return cls.from_row(row) if row else None

    @classmethod
    def reference(cls, info: Info, graph_id: str) -> Self | Awaitable[Self]:
        """For non-null company fields: the company a visible row points at exists.

        Every company is a public profile and the row holds its id, so a selection of
        nothing but ``id`` is answered in place: no round trip, and no coroutine
        either (a synchronous resolver may return a value or an awaitable, which
        graphql-core awaits; a list of hundreds of rows then schedules no tasks).
        Resolvers returning this declare ``graphql_type`` Company."""
        if selects_only(info, _REFERENCE_FIELDS):
            return cls.from_row(CompanyRow(graph_id, {}))
        return cls._load_required(info, graph_id)

    @classmethod
    async def require(cls, info: Info, graph_id: str) -> Self:
        """``reference``, awaited: for resolvers that are coroutines anyway."""
        if selects_only(info, _REFERENCE_FIELDS):
            return cls.from_row(CompanyRow(graph_id, {}))
        return await cls._load_required(info, graph_id)

    @classmethod
    async def _load_required(cls, info: Info, graph_id: str) -> Self:
        company = await cls.load(info, graph_id)
        if company is None:
            raise LookupError(f"company {graph_id} referenced but missing")
        return company

    @strawberry.field
    async def partnerships(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        tier: Tier | None = None,
        status: PartnershipStatus | None = None,
    ) -> PartnershipConnection:
        reader = info.context.reader
        page = await reader.partnerships.partnerships_of(
            self.graph_id,
            reader.page_args(first, after),
            tier.value if tier else None,
            status.value if status else None,
        )
        return partnership_connection(page)

    @strawberry.field(description="Customers owned by this company that the viewer can see.")
    async def customers(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: CustomerFilter | None = None,
        order_by: CustomerOrder | None = None,
    ) -> CustomerConnection:
        reader = info.context.reader
        page = await reader.customers.customers(
            customer_query(filter, order_by),
            reader.page_args(first, after, count=selects(info, "totalCount")),
            company=self.graph_id,
        )
        return customer_connection(page, info.context)

    @strawberry.field
    async def contacts(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> ContactConnection:
        reader = info.context.reader
        page = await reader.contacts.contacts_of_company(
            self.graph_id, reader.page_args(first, after)
        )
        return contact_connection(page)

    @strawberry.field(
        description=(
            "Products this company sells, priced for the viewer; only to the company itself "
            "and its ACTIVE partners (empty for anyone else)."
        )
    )
    async def products(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> ProductConnection:
        reader = info.context.reader
        args = reader.page_args(first, after)
        return product_connection(await reader.products.products_of(self.graph_id, args))

    @strawberry.field(
        description=(
            "This company's discount per partner tier: the company's own users only "
            "(null and FORBIDDEN for anyone else)."
        )
    )
    async def discount_schedule(self, info: Info) -> DiscountSchedule | None:
        rows = await info.context.reader.products.discount_schedule(self.graph_id)
        if rows is None:
            raise Forbidden(FieldGroup.INTERNAL.value)
        return discount_schedule(rows)

    @strawberry.field(
        description=(
            "Whether this company's REPs share customers with the vendor when registering "
            "deals: the company's own users only (null and FORBIDDEN for anyone else)."
        )
    )
    async def deal_registration_sharing(self, info: Info) -> DealRegistrationSharing | None:
        reps_may_share = await info.context.reader.deals.registration_sharing(self.graph_id)
        if reps_may_share is None:
            raise Forbidden(FieldGroup.INTERNAL.value)
        return DealRegistrationSharing(reps_may_share=reps_may_share)

    @strawberry.field(
        description=(
            "Courses this company offers; only to the company itself and its ACTIVE partners "
            "(empty for anyone else)."
        )
    )
    async def courses(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> CourseConnection:
        reader = info.context.reader
        args = reader.page_args(first, after)
        return course_connection(await reader.courses.courses_of(self.graph_id, args))


def company_connection(page: Page[CompanyRow]) -> CompanyConnection:
    return CompanyConnection(
        edges=[
            CompanyEdge(node=Company.from_row(r), cursor=c)
            for r, c in zip(page.rows, page.cursors, strict=True)
        ],
        page_info=page_info(page),
        total_count=page.total,
    )
