"""Partner lifecycle mutations: recruit, status, tier, managers, onboarding checklist."""

from __future__ import annotations

import strawberry

from graph import ChecklistItem, RecruitInput
from schema.context import Info
from schema.ids import expect_global_id
from schema.types.enums import PartnershipStatus, PartnershipStructure, Tier
from schema.types.partnership import Partnership, require_partnership


@strawberry.input
class RecruitPartnerInput:
    partner_id: strawberry.ID
    tier: Tier = Tier.LOW
    structure: PartnershipStructure = PartnershipStructure.RESELLER
    currency: str = "USD"
    revenue_share_pct: float | None = None
    mdf_budget: float | None = None
    idempotency_key: str | None = strawberry.field(
        default=None, description="A retried request with the same key creates nothing new."
    )


@strawberry.input
class ApplyToPartnerProgrammeInput:
    vendor_id: strawberry.ID
    tier: Tier = Tier.LOW
    structure: PartnershipStructure = PartnershipStructure.RESELLER
    currency: str = "USD"
    idempotency_key: str | None = strawberry.field(
        default=None, description="A retried request with the same key creates nothing new."
    )


@strawberry.input
class OnboardingChecklistItemInput:
    key: str
    title: str
    required: bool = True


@strawberry.type
class OnboardingChecklist:
    items: list[OnboardingChecklistItem]


@strawberry.type
class OnboardingChecklistItem:
    key: str
    title: str
    required: bool


@strawberry.type
class PartnershipMutations:
    @strawberry.mutation(
        description=(
            "Recruit a partner: a PROSPECT partnership with the viewer's company as vendor, "
            "and an INVITATION the partner's EXECUTIVE accepts or declines (pendingProposals)."
        )
    )
    async def recruit_partner(self, info: Info, input: RecruitPartnerInput) -> Partnership:
        data = RecruitInput(
            partner_id=expect_global_id(input.partner_id, "Company", "input.partnerId"),
            tier=input.tier.value,
            structure=input.structure.value,
            currency=input.currency,
            revenue_share_pct=input.revenue_share_pct,
            mdf_budget=input.mdf_budget,
            idempotency_key=input.idempotency_key,
        )
        outcome = await info.context.commands.partnerships.recruit(data)
        return await require_partnership(info, outcome.target_id)

    @strawberry.mutation(
        description=(
            "Apply to a vendor's partner programme (the viewer's EXECUTIVE): a PROSPECT "
            "partnership with the viewer's company as partner, and an APPLICATION the "
            "vendor's EXECUTIVE or a MANAGER accepts or declines."
        )
    )
    async def apply_to_partner_programme(
        self, info: Info, input: ApplyToPartnerProgrammeInput
    ) -> Partnership:
        data = RecruitInput(
            partner_id=expect_global_id(input.vendor_id, "Company", "input.vendorId"),
            tier=input.tier.value,
            structure=input.structure.value,
            currency=input.currency,
            idempotency_key=input.idempotency_key,
        )
        outcome = await info.context.commands.partnerships.apply(data)
        return await require_partnership(info, outcome.target_id)

    @strawberry.mutation(
        description=(
            "Move a partnership along PROSPECT → ONBOARDING → ACTIVE ⇄ SUSPENDED → ENDED; "
            "anything else is INVALID_TRANSITION. ACTIVE needs both companies' consent: "
            "before the partner accepted, the request is recorded (consent."
            "activationRequested), the partnership stays ONBOARDING, and the partner's "
            "acceptance activates it. Resuming from SUSPENDED needs no new consent."
        )
    )
    async def transition_partnership(
        self, info: Info, id: strawberry.ID, status: PartnershipStatus
    ) -> Partnership:
        graph_id = expect_global_id(id, "Partnership")
        await info.context.commands.partnerships.transition(graph_id, status.value)
        return await require_partnership(info, graph_id)

    @strawberry.mutation(
        description=(
            "Change the collaboration tier (the vendor's EXECUTIVE). A lower tier applies at "
            "once; a higher one is a TIER proposal the partner's EXECUTIVE accepts, and the "
            "current tier holds until then (the returned partnership's pendingProposals)."
        )
    )
    async def change_partnership_tier(
        self, info: Info, id: strawberry.ID, tier: Tier
    ) -> Partnership:
        graph_id = expect_global_id(id, "Partnership")
        await info.context.commands.partnerships.change_tier(graph_id, tier.value)
        return await require_partnership(info, graph_id)

    @strawberry.mutation(description="A party's EXECUTIVE assigns one of its MANAGERs.")
    async def assign_partnership_manager(
        self, info: Info, id: strawberry.ID, user_id: strawberry.ID
    ) -> Partnership:
        graph_id = expect_global_id(id, "Partnership")
        user = expect_global_id(user_id, "User", "userId")
        await info.context.commands.partnerships.assign_manager(graph_id, user)
        return await require_partnership(info, graph_id)

    @strawberry.mutation(description="Tick an onboarding item of a partnership (either party).")
    async def complete_onboarding_item(
        self, info: Info, id: strawberry.ID, key: str
    ) -> Partnership:
        graph_id = expect_global_id(id, "Partnership")
        await info.context.commands.partnerships.complete_item(graph_id, key)
        return await require_partnership(info, graph_id)

    @strawberry.mutation(
        description=(
            "The vendor's onboarding checklist for partnerships it recruits from now on; "
            "required items gate activation."
        )
    )
    async def set_onboarding_checklist(
        self, info: Info, items: list[OnboardingChecklistItemInput]
    ) -> OnboardingChecklist:
        checklist = [ChecklistItem(i.key, i.title, i.required) for i in items]
        await info.context.commands.partnerships.set_checklist(checklist)
        return OnboardingChecklist(
            items=[
                OnboardingChecklistItem(key=i.key, title=i.title, required=i.required)
                for i in checklist
            ]
        )
