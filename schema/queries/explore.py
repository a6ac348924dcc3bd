"""Query fields for analysts and partners exploring the partner network."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph import Forbidden
from policy import sees_portfolio
from schema.context import Info
from schema.ids import expect_global_id
from schema.types.explore import (
    AccountOverlap,
    Network,
    NetworkMeasureConnection,
    PartnerPath,
    Portfolio,
)


@strawberry.type
class ExploreQueries:
    @strawberry.field(
        description=(
            "The partner network around a company (default: the viewer's), expanding each "
            "hop only through partnerships the viewer may see; depth defaults to the cap."
        )
    )
    async def network(
        self,
        info: Info,
        from_: Annotated[strawberry.ID | None, strawberry.argument(name="from")] = None,
        depth: int | None = None,
    ) -> Network | None:
        explore = info.context.reader.explore
        hops = explore.check_depth(depth)
        start = (
            expect_global_id(from_, "Company", argument="from")
            if from_ is not None
            else info.context.viewer.company_id
        )
        row = await explore.network(start, hops)
        return None if row is None else Network(depth=hops, row=row, start_id=start)

    @strawberry.field(
        description="The shortest chain of visible ACTIVE partnerships between two companies."
    )
    async def partner_path(
        self,
        info: Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
    ) -> PartnerPath | None:
        start = expect_global_id(from_, "Company", argument="from")
        end = expect_global_id(to, "Company", argument="to")
        row = await info.context.reader.explore.partner_path(start, end)
        return None if row is None else PartnerPath(row=row)

    @strawberry.field(
        description=(
            "Account mapping with the other party of an ACTIVE partnership of the viewer's "
            "company: counts at every tier, the accounts themselves at MEDIUM and HIGH."
        )
    )
    async def account_overlap(
        self, info: Info, partnership_id: strawberry.ID
    ) -> AccountOverlap | None:
        graph_id = expect_global_id(partnership_id, "Partnership", argument="partnershipId")
        row = await info.context.reader.explore.overlap(graph_id)
        return None if row is None else AccountOverlap.of(row)

    @strawberry.field(
        description="Degree and centrality of every company of the visible network, paged."
    )
    async def network_measures(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> NetworkMeasureConnection:
        reader = info.context.reader
        page = await reader.explore.measures(reader.page_args(first, after))
        return NetworkMeasureConnection.of(page)

    @strawberry.field(
        description=(
            "Portfolio analytics of the viewer's company: EXECUTIVE and ANALYST "
            "(null and FORBIDDEN, group PORTFOLIO, for anyone else)."
        )
    )
    def portfolio(self, info: Info) -> Portfolio | None:
        if not sees_portfolio(info.context.viewer.role):
            raise Forbidden("PORTFOLIO")
        return Portfolio()
