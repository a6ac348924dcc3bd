"""Consent mutations: answer a proposal, ask for data, approve a data request."""

from __future__ import annotations

import strawberry

from graph import DataRequestInput, Narrowing, NotFound
from schema.context import Info
from schema.ids import expect_global_id
from schema.types.consent_proposal import ConsentProposal
from schema.types.enums import FieldGroup


def _proposal_id(value: str) -> str:
    return expect_global_id(value, "ConsentProposal")


async def read_proposal(info: Info, proposal_id: str) -> ConsentProposal:
    """A proposal the viewer just acted on, read back through its rules."""
    await info.context.refresh()
    row = await info.context.reader.consent.proposal(proposal_id)
    if row is None:
        raise NotFound("ConsentProposal", argument="id")
    return ConsentProposal.from_row(row)


@strawberry.input
class RequestDataLinkInput:
    partnership_id: strawberry.ID
    scope: list[FieldGroup]
    customer_ids: list[strawberry.ID] | None = None
    all_customers: bool = False
    purpose: str | None = None
    duration_days: int | None = strawberry.field(
        default=None, description="The link expires this many days after its approval."
    )


@strawberry.type
class ConsentMutations:
    @strawberry.mutation(
        description=(
            "Accept a proposal for the viewer's company: INVITATION and TIER by its EXECUTIVE, "
            "APPLICATION by its EXECUTIVE or a MANAGER, LINK_SCOPE and DATA_REQUEST by the "
            "owner's EXECUTIVE or the partnership's MANAGER. The change applies now."
        )
    )
    async def accept_consent_proposal(self, info: Info, id: strawberry.ID) -> ConsentProposal:
        proposal_id = _proposal_id(id)
        await info.context.commands.consent.accept(proposal_id)
        return await read_proposal(info, proposal_id)

    @strawberry.mutation(
        description=(
            "Decline a proposal (the same people as accept); a declined INVITATION or "
            "APPLICATION ends its partnership."
        )
    )
    async def decline_consent_proposal(self, info: Info, id: strawberry.ID) -> ConsentProposal:
        proposal_id = _proposal_id(id)
        await info.context.commands.consent.decline(proposal_id)
        return await read_proposal(info, proposal_id)

    @strawberry.mutation(
        description=(
            "Ask the other party of a partnership for a DataLink: a DATA_REQUEST its "
            "EXECUTIVE or the partnership's MANAGER approves (possibly narrowed) or declines."
        )
    )
    async def request_data_link(self, info: Info, input: RequestDataLinkInput) -> ConsentProposal:
        data = DataRequestInput(
            partnership_id=expect_global_id(
                input.partnership_id, "Partnership", "input.partnershipId"
            ),
            scope=[str(g) for g in input.scope],
            customer_ids=[
                expect_global_id(c, "Customer", f"input.customerIds[{i}]")
                for i, c in enumerate(input.customer_ids or ())
            ],
            all_customers=input.all_customers,
            purpose=input.purpose,
            duration_days=input.duration_days,
        )
        outcome = await info.context.commands.consent.request_data(data)
        return await read_proposal(info, outcome.target_id)

    @strawberry.mutation(
        description=(
            "Approve a DATA_REQUEST, optionally narrowed to fewer groups or customers: the "
            "DataLink is created in the same transaction (the proposal's dataLink)."
        )
    )
    async def approve_data_request(
        self,
        info: Info,
        id: strawberry.ID,
        scope: list[FieldGroup] | None = None,
        customer_ids: list[strawberry.ID] | None = None,
    ) -> ConsentProposal:
        proposal_id = _proposal_id(id)
        narrowing = Narrowing(
            scope=None if scope is None else [str(g) for g in scope],
            customer_ids=(
                None
                if customer_ids is None
                else [
                    expect_global_id(c, "Customer", f"customerIds[{i}]")
                    for i, c in enumerate(customer_ids)
                ]
            ),
        )
        await info.context.commands.consent.accept(proposal_id, narrowing)
        return await read_proposal(info, proposal_id)
