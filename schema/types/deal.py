"""Opportunity: a deal a partner registered with its vendor.

The row rule (registering company and vendor only, narrowed by role) ran in
the Cypher that fetched the row. What the deal points at is read through that
object's own rules: the customer is null when the viewer cannot see it, the
registering user is null outside the registering company (users are visible
to their own company only), the data link is null for anyone but its owner
and recipient.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from graph import DealRow, Forbidden, NotFound, Page, as_datetime
from policy import FieldGroup, sees_deal_conflict
from schema.context import Info
from schema.ids import to_global_id
from schema.nodes import COMPANY, node_type
from schema.types.connections import page_info
from schema.types.customer import Customer
from schema.types.data_link import DataLink
from schema.types.node import Node, PageInfo
from schema.types.partnership import Partnership
from schema.types.product import Product
from schema.types.user import User

if TYPE_CHECKING:
    from schema.types.company import Company


@strawberry.enum
class OpportunityStatus(Enum):
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    WON = "WON"
    LOST = "LOST"
    EXPIRED = "EXPIRED"


@node_type
@strawberry.type(description="A deal a partner registered with the vendor of a partnership.")
class Opportunity(Node):
    id: strawberry.ID
    title: str
    amount: float | None
    currency: str | None
    stage: str | None
    status: OpportunityStatus = strawberry.field(
        description="An open deal past expiresAt reads EXPIRED, swept or not."
    )
    registered_at: datetime | None
    expires_at: datetime | None = strawberry.field(
        description="End of the registrant's protection for this account."
    )
    decided_at: datetime | None
    closed_at: datetime | None
    expected_close_at: datetime | None
    rejection_reason: str | None = strawberry.field(
        description=(
            "The vendor's reason for a rejection (CONFLICT on registrations refused at "
            "registration before they were held for review instead)."
        )
    )
    row: strawberry.Private[DealRow]

    @classmethod
    def from_row(cls, row: DealRow) -> Self:
        p = row.props
        return cls(
            id=strawberry.ID(to_global_id("Opportunity", row.id)),
            title=p.get("title") or "",
            amount=p.get("amount"),
            currency=p.get("currency"),
            stage=p.get("stage"),
            status=OpportunityStatus(p.get("status")),
            registered_at=as_datetime(p.get("registeredAt")),
            expires_at=as_datetime(p.get("expiresAt")),
            decided_at=as_datetime(p.get("decidedAt")),
            closed_at=as_datetime(p.get("closedAt")),
            expected_close_at=as_datetime(p.get("expectedCloseAt")),
            rejection_reason=p.get("rejectionReason"),
            row=row,
        )

    @classmethod
    async def load(cls, info: Info, graph_id: str) -> Self | None:
        row = await info.context.reader.deals.deal(graph_id)
        return cls.from_row(row) if row else None

    @strawberry.field(
        description=(
            "The vendor's only (null and FORBIDDEN for the registrant): true when another "
            "open registration with the vendor held the same account when this one was "
            "registered. Such a registration is held for the vendor's review: it protects "
            "the account only once approved, and approving it while another registration "
            "protects the account is CONFLICT. To its registrant it reads exactly as any "
            "other submission."
        )
    )
    def conflict(self, info: Info) -> bool | None:
        if not sees_deal_conflict(info.context.viewer.company_id, self.row.vendor):
            raise Forbidden(FieldGroup.INTERNAL.value)
        return bool(self.row.props.get("conflict"))

    @strawberry.field(description="The partner company that registered the deal.")
    async def registrant(
        self, info: Info
    ) -> Annotated[Company, strawberry.lazy("schema.types.company")]:
        return await COMPANY.cls.require(info, self.row.registrant)

    @strawberry.field(description="The vendor of the partnership.")
    async def vendor(
        self, info: Info
    ) -> Annotated[Company, strawberry.lazy("schema.types.company")]:
        return await COMPANY.cls.require(info, self.row.vendor)

    @strawberry.field
    async def partnership(self, info: Info) -> Partnership | None:
        return await Partnership.load(info, self.row.partnership)

    @strawberry.field(description="Null when the viewer cannot see the customer.")
    async def customer(self, info: Info) -> Customer | None:
        if self.row.customer is None:
            return None
        row = await info.context.reader.customers.customer(self.row.customer)
        return Customer.from_row(row, info.context) if row else None

    @strawberry.field(description="The product, through the product rules; null if none.")
    async def product(self, info: Info) -> Product | None:
        if self.row.product is None:
            return None
        return await Product.load(info, self.row.product)

    @strawberry.field(description="Null outside the registering company.")
    async def registered_by(self, info: Info) -> User | None:
        if self.row.registered_by is None:
            return None
        row = await info.context.reader.users.user(self.row.registered_by)
        return User.from_row(row) if row else None

    @strawberry.field(
        description="The DataLink created for this deal (owner and recipient only), if any."
    )
    async def data_link(self, info: Info) -> DataLink | None:
        if self.row.data_link is None:
            return None
        return await DataLink.load(info, self.row.data_link)


@strawberry.type(
    description="Whether a company's REPs share a customer with the vendor when registering."
)
class DealRegistrationSharing:
    reps_may_share: bool = strawberry.field(
        description=(
            "When true, a REP's registration for a customer of the company shares its "
            "IDENTITY and PROFILE with the vendor (a DataLink audited as the REP's grant, "
            "until the deal's protection ends); when false (the default), it carries no "
            "link until the company's EXECUTIVE or the partnership's MANAGER grants one."
        )
    )


@strawberry.type
class OpportunityEdge:
    node: Opportunity
    cursor: str


@strawberry.type
class OpportunityConnection:
    edges: list[OpportunityEdge]
    page_info: PageInfo
    total_count: int


def opportunity_connection(page: Page[DealRow]) -> OpportunityConnection:
    return OpportunityConnection(
        edges=[
            OpportunityEdge(node=Opportunity.from_row(r), cursor=c)
            for r, c in zip(page.rows, page.cursors, strict=True)
        ],
        page_info=page_info(page),
        total_count=page.total,
    )


async def require_opportunity(info: Info, opportunity_id: str) -> Opportunity:
    """A deal the viewer just changed, read back fresh through its authorization."""
    await info.context.refresh()
    row = await info.context.reader.deals.deal(opportunity_id)
    if row is None:
        raise NotFound("Opportunity", argument="id")
    return Opportunity.from_row(row)
