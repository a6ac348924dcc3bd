"""Registered deals: one by id, and the viewer's deals as a connection."""

from __future__ import annotations

import strawberry

from schema.context import Info
from schema.ids import expect_global_id
from schema.types.deal import (
    Opportunity,
    OpportunityConnection,
    OpportunityStatus,
    opportunity_connection,
)


@strawberry.type
class DealQueries:
    @strawberry.field(description="A registered deal; null when the viewer may not see it.")
    async def opportunity(self, info: Info, id: strawberry.ID) -> Opportunity | None:
        row = await info.context.reader.deals.deal(expect_global_id(id, "Opportunity"))
        return Opportunity.from_row(row) if row else None

    @strawberry.field(
        description=(
            "Deals the viewer sees (registered by its company or with it as vendor, "
            "narrowed by role), newest registration first."
        )
    )
    async def opportunities(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: OpportunityStatus | None = None,
        partnership_id: strawberry.ID | None = None,
    ) -> OpportunityConnection:
        reader = info.context.reader
        partnership = (
            expect_global_id(partnership_id, "Partnership", "partnershipId")
            if partnership_id is not None
            else None
        )
        page = await reader.deals.deals(
            reader.page_args(first, after),
            status=status.value if status else None,
            partnership_id=partnership,
        )
        return opportunity_connection(page)
