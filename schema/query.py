"""The Query root: thin resolvers that ask the request's reader."""

from __future__ import annotations

import asyncio

import strawberry

from graph import BadUserInput
from schema.caps import MAX_NODES
from schema.context import Info
from schema.ids import expect_global_id, from_global_id
from schema.nodes import resolve_node
from schema.selection import selects
from schema.types.company import Company, company_connection
from schema.types.connections import CompanyConnection, CustomerConnection
from schema.types.customer import Customer, customer_connection
from schema.types.data_link import DataLink
from schema.types.filters import CompanyFilter, CustomerFilter, CustomerOrder, customer_query
from schema.types.node import Node
from schema.types.partnership import Partnership
from schema.types.user import Viewer


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
        return await Company.load(info, expect_global_id(id, "Company"))

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
        return company_connection(
            await reader.companies.companies(query, reader.page_args(first, after))
        )

    @strawberry.field
    async def customer(self, info: Info, id: strawberry.ID) -> Customer | None:
        return await Customer.load(info, expect_global_id(id, "Customer"))

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
        page = await reader.customers.customers(
            customer_query(filter, order_by),
            reader.page_args(first, after, count=selects(info, "totalCount")),
        )
        return customer_connection(page, info.context)

    @strawberry.field
    async def partnership(self, info: Info, id: strawberry.ID) -> Partnership | None:
        return await Partnership.load(info, expect_global_id(id, "Partnership"))

    @strawberry.field
    async def data_link(self, info: Info, id: strawberry.ID) -> DataLink | None:
        return await DataLink.load(info, expect_global_id(id, "DataLink"))
