"""Deal registration: register, approve, reject, mark won or lost; share its customer."""

from __future__ import annotations

from datetime import datetime

import strawberry

from graph import DealInput
from schema.context import Info
from schema.ids import expect_global_id
from schema.types.deal import (
    DealRegistrationSharing,
    Opportunity,
    require_opportunity,
)


@strawberry.input
class RegisterDealInput:
    partnership_id: strawberry.ID
    customer_id: strawberry.ID
    title: str
    amount: float
    currency: str | None = strawberry.field(
        default=None, description="ISO 4217; the partnership's currency when omitted."
    )
    product_id: strawberry.ID | None = None
    expected_close_at: datetime | None = None
    idempotency_key: str | None = strawberry.field(
        default=None, description="A retried request with the same key creates nothing new."
    )


@strawberry.type
class DealMutations:
    @strawberry.mutation(
        description=(
            "Register a deal with the vendor of an ACTIVE partnership (the partner's REP, "
            "managing MANAGER or EXECUTIVE): SUBMITTED. While another open registration with "
            "that vendor holds the same account (customer domain), it is held for the "
            "vendor's review (Opportunity.conflict, the vendor's to read) and protects the "
            "account only once approved. A customer of the partner is shared with the "
            "vendor when the registrant may grant a DataLink (EXECUTIVE, managing MANAGER, "
            "or a REP if setDealRegistrationSharing allows)."
        )
    )
    async def register_deal(self, info: Info, input: RegisterDealInput) -> Opportunity:
        data = DealInput(
            partnership_id=expect_global_id(
                input.partnership_id, "Partnership", "input.partnershipId"
            ),
            customer_id=expect_global_id(input.customer_id, "Customer", "input.customerId"),
            title=input.title,
            amount=input.amount,
            currency=input.currency,
            product_id=(
                expect_global_id(input.product_id, "Product", "input.productId")
                if input.product_id is not None
                else None
            ),
            expected_close_at=input.expected_close_at,
            idempotency_key=input.idempotency_key,
        )
        outcome = await info.context.commands.deals.register(data)
        return await require_opportunity(info, outcome.target_id)

    @strawberry.mutation(
        description=(
            "The vendor's EXECUTIVE or managing MANAGER approves; a held registration "
            "(conflict) while another registration protects the account is CONFLICT."
        )
    )
    async def approve_deal(self, info: Info, id: strawberry.ID) -> Opportunity:
        graph_id = expect_global_id(id, "Opportunity")
        await info.context.commands.deals.approve(graph_id)
        return await require_opportunity(info, graph_id)

    @strawberry.mutation(description="The vendor's EXECUTIVE or managing MANAGER rejects.")
    async def reject_deal(self, info: Info, id: strawberry.ID, reason: str) -> Opportunity:
        graph_id = expect_global_id(id, "Opportunity")
        await info.context.commands.deals.reject(graph_id, reason)
        return await require_opportunity(info, graph_id)

    @strawberry.mutation(description="The partner marks an APPROVED deal WON.")
    async def mark_deal_won(self, info: Info, id: strawberry.ID) -> Opportunity:
        graph_id = expect_global_id(id, "Opportunity")
        await info.context.commands.deals.mark_won(graph_id)
        return await require_opportunity(info, graph_id)

    @strawberry.mutation(description="The partner marks an open deal LOST.")
    async def mark_deal_lost(self, info: Info, id: strawberry.ID) -> Opportunity:
        graph_id = expect_global_id(id, "Opportunity")
        await info.context.commands.deals.mark_lost(graph_id)
        return await require_opportunity(info, graph_id)

    @strawberry.mutation(
        description=(
            "Share an open deal's customer with the vendor (IDENTITY and PROFILE, until the "
            "deal's protection ends), for a deal registered without a link: the registering "
            "company's EXECUTIVE or the partnership's MANAGER."
        )
    )
    async def grant_deal_data_link(self, info: Info, id: strawberry.ID) -> Opportunity:
        graph_id = expect_global_id(id, "Opportunity")
        await info.context.commands.deals.grant_link(graph_id)
        return await require_opportunity(info, graph_id)

    @strawberry.mutation(
        description=(
            "Whether the viewer's company's REPs share a customer with the vendor when they "
            "register a deal for it (EXECUTIVE); off unless set."
        )
    )
    async def set_deal_registration_sharing(
        self, info: Info, reps_may_share: bool
    ) -> DealRegistrationSharing:
        await info.context.commands.deals.set_registration_sharing(reps_may_share)
        await info.context.refresh()
        company = info.context.viewer.company_id
        current = await info.context.reader.deals.registration_sharing(company)
        return DealRegistrationSharing(reps_may_share=bool(current))
