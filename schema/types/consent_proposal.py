"""ConsentProposal: a widening one company proposed and the other must accept
(docs/consent.md). Both parties of the partnership read it."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from graph import ConsentProposalRow, Page, as_datetime
from schema.context import Info
from schema.ids import to_global_id
from schema.nodes import COMPANY, DATA_LINK, PARTNERSHIP, node_type
from schema.types.connections import page_info
from schema.types.enums import FieldGroup, ProposalKind, ProposalStatus, Tier
from schema.types.node import Node, PageInfo

if TYPE_CHECKING:
    from schema.types.company import Company
    from schema.types.data_link import DataLink
    from schema.types.partnership import Partnership


def _groups(values: Sequence[str] | None) -> list[FieldGroup] | None:
    if values is None:
        return None
    return [FieldGroup(g) for g in values if g in FieldGroup.__members__]


def _tier(value: object) -> Tier | None:
    return Tier(value) if isinstance(value, str) else None


def _user(value: object) -> strawberry.ID | None:
    return strawberry.ID(to_global_id("User", value)) if isinstance(value, str) else None


@node_type
@strawberry.type(
    description=(
        "A change that widens what data flows, waiting for the other company: an "
        "INVITATION (the vendor recruits), an APPLICATION (a company applies to a vendor's "
        "programme), a TIER raise, a LINK_SCOPE widening asked by a link's recipient, or a "
        "DATA_REQUEST for a new link. The from/to fields that apply to its kind are set."
    )
)
class ConsentProposal(Node):
    id: strawberry.ID
    kind: ProposalKind
    status: ProposalStatus
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    proposed_by_id: strawberry.ID | None = strawberry.field(
        description="The proposing User's graph id (users are visible to their company only)."
    )
    answered_by_id: strawberry.ID | None
    from_tier: Tier | None
    to_tier: Tier | None
    from_scope: list[FieldGroup] | None
    to_scope: list[FieldGroup] | None
    from_all_customers: bool | None
    to_all_customers: bool | None
    customer_ids: list[strawberry.ID] | None = strawberry.field(
        description="DATA_REQUEST: the customers asked for (when not allCustomers)."
    )
    purpose: str | None
    duration_days: int | None
    row: strawberry.Private[ConsentProposalRow]

    @classmethod
    def from_row(cls, row: ConsentProposalRow) -> Self:
        p = row.props
        customers = p.get("customerIds")
        epoch = datetime.fromtimestamp(0, UTC)
        return cls(
            id=strawberry.ID(to_global_id("ConsentProposal", row.id)),
            kind=ProposalKind(p["kind"]),
            status=ProposalStatus(p["status"]),
            created_at=as_datetime(p.get("createdAt")) or epoch,
            expires_at=as_datetime(p.get("expiresAt")) or epoch,
            answered_at=as_datetime(p.get("answeredAt")),
            proposed_by_id=_user(p.get("proposedById")),
            answered_by_id=_user(p.get("answeredById")),
            from_tier=_tier(p.get("fromTier")),
            to_tier=_tier(p.get("toTier")),
            from_scope=_groups(p.get("fromScope")),
            to_scope=_groups(p.get("toScope")),
            from_all_customers=p.get("fromAllCustomers"),
            to_all_customers=p.get("toAllCustomers"),
            customer_ids=(
                [strawberry.ID(to_global_id("Customer", c)) for c in customers]
                if customers
                else None
            ),
            purpose=p.get("purpose"),
            duration_days=p.get("durationDays"),
            row=row,
        )

    @classmethod
    async def load(cls, info: Info, graph_id: str) -> Self | None:
        row = await info.context.reader.consent.proposal(graph_id)
        return cls.from_row(row) if row else None

    @strawberry.field(
        description="The proposing company.",
        graphql_type=Annotated["Company", strawberry.lazy("schema.types.company")],
    )
    def proposer(self, info: Info) -> Company | Awaitable[Company]:
        return COMPANY.cls.reference(info, str(self.row.props["proposerCompany"]))

    @strawberry.field(
        description="The company whose acceptance the change waits for.",
        graphql_type=Annotated["Company", strawberry.lazy("schema.types.company")],
    )
    def answerer(self, info: Info) -> Company | Awaitable[Company]:
        return COMPANY.cls.reference(info, str(self.row.props["answererCompany"]))

    @strawberry.field
    async def partnership(
        self, info: Info
    ) -> Annotated[Partnership, strawberry.lazy("schema.types.partnership")] | None:
        return await PARTNERSHIP.load(info, self.row.partnership)

    @strawberry.field(
        description="LINK_SCOPE: the link it widens; DATA_REQUEST: the link its approval created."
    )
    async def data_link(
        self, info: Info
    ) -> Annotated[DataLink, strawberry.lazy("schema.types.data_link")] | None:
        if self.row.link is None:
            return None
        return await DATA_LINK.load(info, self.row.link)


@strawberry.type
class ConsentProposalEdge:
    node: ConsentProposal
    cursor: str


@strawberry.type
class ConsentProposalConnection:
    edges: list[ConsentProposalEdge]
    page_info: PageInfo
    total_count: int


def consent_proposal_connection(page: Page[ConsentProposalRow]) -> ConsentProposalConnection:
    return ConsentProposalConnection(
        edges=[
            ConsentProposalEdge(node=ConsentProposal.from_row(r), cursor=c)
            for r, c in zip(page.rows, page.cursors, strict=True)
        ],
        page_info=page_info(page),
        total_count=page.total,
    )


async def pending_proposals(
    info: Info, *, partnership_id: str | None = None, link_id: str | None = None
) -> list[ConsentProposal]:
    """The pending proposals about a partnership or a link (the caller checks the party)."""
    reader = info.context.reader
    page = await reader.consent.proposals(
        partnership_id=partnership_id,
        link_id=link_id,
        status=ProposalStatus.PENDING.value,
        args=reader.page_args(reader.max_first, None),
    )
    return [ConsentProposal.from_row(r) for r in page.rows]
