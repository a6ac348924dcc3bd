"""Partnership: two companies, a tier, and (for some viewers) the money.

Parties read everything but the financials, which only their executives and
the managing manager read; a third company that sees the partnership through
an ACTIVE HIGH partner reads the network view only. Redaction works as for
Customer: guarded fields outside the row's groups are not copied, and
reading them raises ``Forbidden``.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry

from graph import Forbidden, NotFound, Page, PartnershipRow, as_datetime
from schema.context import Info
from schema.federation import ENTITY_KEYS, resolve_entity
from schema.ids import to_global_id
from schema.nodes import COMPANY, node_type
from schema.types import partnership_performance as performance
from schema.types.connections import (
    DataLinkConnection,
    PartnershipConnection,
    PartnershipEdge,
    page_info,
)
from schema.types.consent_proposal import ConsentProposal, pending_proposals
from schema.types.data_link import data_link_connection
from schema.types.enums import (
    AccessLevel,
    FieldGroup,
    PartnershipStatus,
    PartnershipStructure,
    Tier,
)
from schema.types.mdf import MdfRequestConnection
from schema.types.node import Node
from schema.types.scorecard import PartnerScorecard

if TYPE_CHECKING:
    from schema.types.company import Company

# python attribute → (graph property, guarding group)
_GUARDED: dict[str, tuple[str, FieldGroup]] = {
    "since": ("since", FieldGroup.PARTY),
    "currency": ("currency", FieldGroup.PARTY),
    "revenue_share_pct": ("revenueSharePct", FieldGroup.FINANCIAL),
    "mdf_budget": ("mdfBudget", FieldGroup.FINANCIAL),
}


@strawberry.type
class PartnershipAccess:
    level: AccessLevel
    groups: list[FieldGroup]


@strawberry.type(description="Which company accepted the partnership (docs/consent.md).")
class PartnershipConsent:
    vendor_accepted: bool
    partner_accepted: bool
    activation_requested: bool = strawberry.field(
        description=(
            "The vendor asked for ACTIVE before the partner accepted: the partner's "
            "acceptance activates it."
        )
    )


@strawberry.type
class OnboardingItem:
    key: str
    title: str
    required: bool
    done_at: datetime | None
    done_by_id: strawberry.ID | None


@node_type
@strawberry.federation.type(keys=ENTITY_KEYS)
class Partnership(Node):
    id: strawberry.ID
    tier: Tier
    structure: PartnershipStructure
    status: PartnershipStatus
    since: datetime | None
    # Financial implications: the parties' executives and the managing manager only.
    revenue_share_pct: float | None
    mdf_budget: float | None
    currency: str | None
    row: strawberry.Private[PartnershipRow]

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Self | None:
        """Federation ``_entities``: the rules of ``node(id:)`` (schema/federation.py)."""
        return await resolve_entity(info, cls, id)

    @classmethod
    def from_row(cls, row: PartnershipRow) -> Self:
        obj = cls.__new__(cls)
        values = obj.__dict__
        p = row.props
        values["id"] = strawberry.ID(to_global_id("Partnership", row.id))
        values["tier"] = Tier(p["tier"])
        values["structure"] = PartnershipStructure(p.get("structure"))
        values["status"] = PartnershipStatus(p.get("status"))
        values["row"] = row
        groups = row.access.groups
        for python_name, (prop, group) in _GUARDED.items():
            if group in groups:
                value = p.get(prop)
                values[python_name] = as_datetime(value) if prop == "since" else value
        return obj

    @classmethod
    async def load(cls, info: Info, graph_id: str) -> Self | None:
        row = await info.context.reader.partnerships.partnership(graph_id)
        return cls.from_row(row) if row else None

    def __getattr__(self, name: str) -> Any:
        guarded = _GUARDED.get(name)
        if guarded is not None:
            raise Forbidden(guarded[1].value)
        raise AttributeError(name)

    @strawberry.field(graphql_type=Annotated["Company", strawberry.lazy("schema.types.company")])
    def vendor(self, info: Info) -> Company | Awaitable[Company]:
        return COMPANY.cls.reference(info, self.row.vendor)

    @strawberry.field(graphql_type=Annotated["Company", strawberry.lazy("schema.types.company")])
    def partner(self, info: Info) -> Company | Awaitable[Company]:
        return COMPANY.cls.reference(info, self.row.partner)

    @strawberry.field(description="How the viewer sees this partnership, before asking.")
    def access(self) -> PartnershipAccess:
        groups = self.row.access.groups
        return PartnershipAccess(
            level=AccessLevel.OWNER if self.row.access.party else AccessLevel.SHARED,
            groups=[g for g in FieldGroup if g in groups],
        )

    @strawberry.field(
        description="The onboarding checklist; the two parties only, empty for anyone else."
    )
    async def onboarding(self, info: Info) -> list[OnboardingItem]:
        if not self.row.access.party:
            return []
        items = await info.context.reader.partnerships.onboarding_items(self.row.id)
        return [
            OnboardingItem(
                key=i["key"],
                title=i["title"],
                required=bool(i["required"]),
                done_at=as_datetime(i.get("doneAt")),
                done_by_id=(
                    strawberry.ID(to_global_id("User", i["doneById"]))
                    if i.get("doneById")
                    else None
                ),
            )
            for i in items
        ]

    @strawberry.field(
        description=(
            "Which party accepted the partnership: ACTIVE needs both; the two parties only "
            "(null and FORBIDDEN for anyone else)."
        )
    )
    def consent(self) -> PartnershipConsent | None:
        if not self.row.access.party:
            raise Forbidden(FieldGroup.PARTY.value)
        p = self.row.props
        return PartnershipConsent(
            vendor_accepted=p.get("vendorAcceptedAt") is not None,
            partner_accepted=p.get("partnerAcceptedAt") is not None,
            activation_requested=p.get("activationRequestedAt") is not None,
        )

    @strawberry.field(
        description=(
            "Proposals about this partnership waiting for an answer (its links' included); "
            "the two parties only, empty for anyone else."
        )
    )
    async def pending_proposals(self, info: Info) -> list[ConsentProposal]:
        if not self.row.access.party:
            return []
        return await pending_proposals(info, partnership_id=self.row.id)

    @strawberry.field(
        description=(
            "Distinct users of the partner certified on the vendor's courses; "
            "the two parties only (null and FORBIDDEN for anyone else)."
        )
    )
    async def certified_users(self, info: Info) -> int | None:
        if not self.row.access.party:
            raise Forbidden(FieldGroup.PARTY.value)
        return await info.context.reader.courses.certified_users(self.row.id)

    @strawberry.field(description="Visible to the two parties only; empty for anyone else.")
    async def data_links(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> DataLinkConnection:
        reader = info.context.reader
        args = reader.page_args(first, after)
        if not self.row.access.party:
            return data_link_connection(Page.empty())
        return data_link_connection(await reader.data_sharing.data_links_of(self.row.id, args))

    @strawberry.field(description="FINANCIAL: mdfBudget minus the approved MDF requests.")
    async def mdf_remaining(self, info: Info) -> float | None:
        return await performance.mdf_remaining(info, self.row)

    @strawberry.field(description="FINANCIAL: MDF requests under this partnership, newest first.")
    async def mdf_requests(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> MdfRequestConnection | None:
        return await performance.mdf_requests(info, self.row, first, after)

    @strawberry.field(
        description=(
            "The partner scorecard: the vendor's EXECUTIVE and managing MANAGER, and the "
            "partner's EXECUTIVE (null and FORBIDDEN, group SCORECARD, for anyone else)."
        )
    )
    async def scorecard(self, info: Info) -> PartnerScorecard | None:
        return await performance.scorecard(info, self.row)


def _user_gid(user_id: str | None) -> strawberry.ID | None:
    return strawberry.ID(to_global_id("User", user_id)) if user_id else None


async def require_partnership(info: Info, partnership_id: str) -> Partnership:
    """A partnership the viewer just changed, read back fresh through its authorization."""
    await info.context.refresh()
    row = await info.context.reader.partnerships.partnership(partnership_id)
    if row is None:
        raise NotFound("Partnership", argument="id")
    return Partnership.from_row(row)


def partnership_connection(page: Page[PartnershipRow]) -> PartnershipConnection:
    return PartnershipConnection(
        edges=[
            PartnershipEdge(node=Partnership.from_row(r), cursor=c)
            for r, c in zip(page.rows, page.cursors, strict=True)
        ],
        page_info=page_info(page),
        total_count=page.total,
    )
