"""The Query root: thin resolvers that ask the request's reader."""

from __future__ import annotations

import asyncio

import strawberry

from graph import BadUserInput
from schema.caps import MAX_NODES
from schema.context import Info
from schema.ids import expect_global_id, from_global_id
from schema.selection import selects
from schema.types.company import Company, company_connection, load_company
from schema.types.connections import CompanyConnection, CustomerConnection
from schema.types.contact import Contact
from schema.types.customer import Customer, customer_connection
from schema.types.data_link import DataLink
from schema.types.filters import CompanyFilter, CustomerFilter, CustomerOrder, customer_query
from schema.types.node import Node
from schema.types.partnership import Partnership
from schema.types.user import User, Viewer


async def resolve_node(info: Info, type_name: str, graph_id: str) -> Node | None:
    """Every path to an object by id ends here, so every path applies the same rules."""
    reader = info.context.reader
    if type_name == "Company":
        return await load_company(info, graph_id)
    if type_name == "Customer":
        customer = await reader.customer(graph_id)
        return Customer.from_row(customer, info.context.policy) if customer else None
    if type_name == "Partnership":
        partnership = await reader.partnership(graph_id)
        return Partnership.from_row(partnership) if partnership else None
    if type_name == "DataLink":
        link = await reader.data_link(graph_id)
        return DataLink.from_row(link) if link else None
    if type_name == "Contact":
        contact = await reader.contact(graph_id)
        return Contact.from_row(contact) if contact else None
    if type_name == "User":
        user = await reader.user(graph_id)
        return User.from_row(user) if user else None
    if type_name == "Opportunity":
        from schema.types.opportunity import Opportunity

        deal = await reader.deals.opportunity(graph_id)
        return Opportunity.from_row(deal) if deal else None
    if type_name == "Product":
        from schema.types.product import load_product

        return await load_product(info, graph_id)
    if type_name == "Course":
        from schema.types.course import load_course

        return await load_course(info, graph_id)
    if type_name == "MdfRequest":
        from schema.types.mdf import load_mdf_request

        return await load_mdf_request(info, graph_id)
    return None


@strawberry.type
class Query:
    @strawberry.field
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        type_name, graph_id = from_global_id(id)
        return await resolve_node(info, type_name, graph_id)

    @strawberry.field
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise BadUserInput(f"'ids' takes at most {MAX_NODES} ids", argument="ids")
        parsed = [from_global_id(i, "ids") for i in ids]
        return list(await asyncio.gather(*(resolve_node(info, t, g) for t, g in parsed)))

    @strawberry.field
    def viewer(self) -> Viewer:
        return Viewer()

    @strawberry.field
    async def company(self, info: Info, id: strawberry.ID) -> Company | None:
        return await load_company(info, expect_global_id(id, "Company"))

    @strawberry.field
    async def companies(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: CompanyFilter | None = None,
    ) -> CompanyConnection:
        reader = info.context.reader
        query = filter.to_query() if filter else CompanyFilter().to_query()
        return company_connection(await reader.companies(query, reader.page_args(first, after)))

    @strawberry.field
    async def customer(self, info: Info, id: strawberry.ID) -> Customer | None:
        graph_id = expect_global_id(id, "Customer")
        row = await info.context.reader.customer(graph_id)
        return Customer.from_row(row, info.context.policy) if row else None

    @strawberry.field(
        description="Customers the viewer's company can see: its own and those shared to it."
    )
    async def customers(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: CustomerFilter | None = None,
        order_by: CustomerOrder | None = None,
    ) -> CustomerConnection:
        reader = info.context.reader
        page = await reader.customers(
            customer_query(filter, order_by),
            reader.page_args(first, after, count=selects(info, "totalCount")),
        )
        return customer_connection(page, info.context.policy)

    @strawberry.field
    async def partnership(self, info: Info, id: strawberry.ID) -> Partnership | None:
        row = await info.context.reader.partnership(expect_global_id(id, "Partnership"))
        return Partnership.from_row(row) if row else None

    @strawberry.field
    async def data_link(self, info: Info, id: strawberry.ID) -> DataLink | None:
        row = await info.context.reader.data_link(expect_global_id(id, "DataLink"))
        return DataLink.from_row(row) if row else None
