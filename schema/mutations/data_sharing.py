"""Data sharing mutations: grant and revoke DataLinks, edit the SharingPolicy."""

from __future__ import annotations

from datetime import datetime

import strawberry

from graph import GrantInput, NotFound
from schema.context import Info
from schema.ids import expect_global_id
from schema.types.data_link import DataLink
from schema.types.enums import FieldGroup, Tier
from schema.types.sharing_policy import SharingPolicy, sharing_policies


@strawberry.input
class GrantDataLinkInput:
    partnership_id: strawberry.ID
    scope: list[FieldGroup]
    customer_ids: list[strawberry.ID] | None = None
    all_customers: bool = False
    purpose: str | None = None
    expires_at: datetime | None = None
    idempotency_key: str | None = None


async def _read_link(info: Info, link_id: str) -> DataLink:
    await info.context.refresh()
    row = await info.context.reader.data_sharing.data_link(link_id)
    if row is None:
        raise NotFound("DataLink", argument="id")
    return DataLink.from_row(row)


@strawberry.type
class DataSharingMutations:
    @strawberry.mutation(
        description=(
            "Change a link's scope or allCustomers, from either end (an EXECUTIVE or the "
            "partnership's MANAGER). The owner's change applies and becomes the ceiling; the "
            "recipient's narrowing applies at once, and a widening beyond the ceiling is a "
            "LINK_SCOPE proposal the owner answers (the link's pendingProposals)."
        )
    )
    async def change_data_link(
        self,
        info: Info,
        id: strawberry.ID,
        scope: list[FieldGroup] | None = None,
        all_customers: bool | None = None,
    ) -> DataLink:
        link_id = expect_global_id(id, "DataLink")
        await info.context.commands.data_sharing.change_link(
            link_id, None if scope is None else [str(g) for g in scope], all_customers
        )
        return await _read_link(info, link_id)

    @strawberry.mutation(
        description=(
            "Share customer data with the other party of a partnership: the owner's EXECUTIVE "
            "or the partnership's MANAGER. INTERNAL can never be shared."
        )
    )
    async def grant_data_link(self, info: Info, input: GrantDataLinkInput) -> DataLink:
        data = GrantInput(
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
            expires_at=input.expires_at,
            idempotency_key=input.idempotency_key,
        )
        outcome = await info.context.commands.data_sharing.grant(data)
        return await _read_link(info, outcome.target_id)

    @strawberry.mutation(description="Revoke a DataLink; the recipient loses access at once.")
    async def revoke_data_link(self, info: Info, id: strawberry.ID) -> DataLink:
        link_id = expect_global_id(id, "DataLink")
        await info.context.commands.data_sharing.revoke(link_id)
        return await _read_link(info, link_id)

    @strawberry.mutation(
        description=(
            "The groups the viewer's company shares at one tier (EXECUTIVE); null restores the "
            "default policy. Effective on the next request."
        )
    )
    async def set_sharing_policy(
        self,
        info: Info,
        tier: Tier,
        groups: list[FieldGroup] | None,
    ) -> list[SharingPolicy]:
        chosen = None if groups is None else [str(g) for g in groups]
        await info.context.commands.data_sharing.set_sharing_policy(tier.value, chosen)
        await info.context.refresh()
        overrides = await info.context.reader.data_sharing.sharing_overrides()
        defaults = {t: info.context.policy.groups_for_tier(t.value) for t in Tier}
        return sharing_policies(overrides, defaults)
