"""Co-marketing funds: a partner requests, the vendor approves or rejects within budget."""

from __future__ import annotations

import strawberry

from graph import MdfRequestInput
from schema.context import Info
from schema.ids import expect_global_id
from schema.types.mdf import MdfRequest, require_mdf_request


@strawberry.input
class RequestMdfInput:
    partnership_id: strawberry.ID
    campaign: str
    amount: float
    idempotency_key: str | None = strawberry.field(
        default=None, description="A retried request with the same key creates nothing new."
    )


@strawberry.type
class MdfMutations:
    @strawberry.mutation(
        description=(
            "Request co-marketing funds under an ACTIVE partnership (its partner's users, "
            "not ANALYSTs); more than the budget has left is BUDGET_EXCEEDED."
        )
    )
    async def request_mdf(self, info: Info, input: RequestMdfInput) -> MdfRequest:
        data = MdfRequestInput(
            partnership_id=expect_global_id(
                input.partnership_id, "Partnership", "input.partnershipId"
            ),
            campaign=input.campaign,
            amount=input.amount,
            idempotency_key=input.idempotency_key,
        )
        outcome = await info.context.commands.mdf.request(data)
        return await require_mdf_request(info, outcome.target_id)

    @strawberry.mutation(
        description=(
            "Approve or reject a SUBMITTED request (the vendor's EXECUTIVE or managing "
            "MANAGER); an approval beyond what the budget has left is BUDGET_EXCEEDED."
        )
    )
    async def decide_mdf(
        self, info: Info, id: strawberry.ID, approve: bool, reason: str | None = None
    ) -> MdfRequest:
        graph_id = expect_global_id(id, "MdfRequest")
        await info.context.commands.mdf.decide(graph_id, approve, reason)
        return await require_mdf_request(info, graph_id)
