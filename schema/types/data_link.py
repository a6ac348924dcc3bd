"""DataLink: a grant of customer data from an owner company to a recipient."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from graph import DataLinkRow, Forbidden, LinkReadRow, Page, as_datetime
from schema.context import Info
from schema.ids import to_global_id
from schema.nodes import COMPANY, PARTNERSHIP, node_type
from schema.selection import selects
from schema.types.connections import CustomerConnection, DataLinkConnection, DataLinkEdge, page_info
from schema.types.consent_proposal import ConsentProposal, pending_proposals
from schema.types.customer import customer_connection
from schema.types.enums import FieldGroup
from schema.types.node import Node

if TYPE_CHECKING:
    from schema.types.company import Company
    from schema.types.partnership import Partnership


@strawberry.type(
    description=(
        "One recipient user's reads of a data link's customers on one day (UTC): how many "
        "distinct customers were returned to the user with at least one readable field "
        "through the link, and which of the link's field groups those fields belonged to."
    )
)
class DataLinkRead:
    day: date
    user_id: strawberry.ID = strawberry.field(description="The reading user's global id.")
    user_name: str | None = strawberry.field(
        description="The reading user's name now (null once the user is gone)."
    )
    customers_read: int
    groups: list[FieldGroup]

    @classmethod
    def from_row(cls, row: LinkReadRow) -> Self:
        return cls(
            day=row.day,
            user_id=strawberry.ID(to_global_id("User", row.user)),
            user_name=row.user_name,
            customers_read=row.customers,
            groups=[g for g in FieldGroup if g in row.groups],
        )


@node_type
@strawberry.type
class DataLink(Node):
    id: strawberry.ID
    scope: list[FieldGroup]
    all_customers: bool
    purpose: str | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    ceiling: list[FieldGroup] = strawberry.field(
        description=(
            "The groups the owner accepted for this link: it reads scope ∩ the tier's "
            "groups ∩ ceiling (docs/consent.md)."
        )
    )
    ceiling_all_customers: bool = strawberry.field(
        description="Whether the owner accepted allCustomers for this link."
    )
    row: strawberry.Private[DataLinkRow]

    @classmethod
    def from_row(cls, row: DataLinkRow) -> Self:
        p = row.props
        return cls(
            id=strawberry.ID(to_global_id("DataLink", row.id)),
            scope=[FieldGroup(g) for g in p.get("scope") or () if g in FieldGroup.__members__],
            all_customers=bool(p.get("allCustomers")),
            purpose=p.get("purpose"),
            created_at=as_datetime(p.get("createdAt")) or datetime.fromtimestamp(0, UTC),
            expires_at=as_datetime(p.get("expiresAt")),
            revoked_at=as_datetime(p.get("revokedAt")),
            ceiling=[FieldGroup(g) for g in p.get("ceiling") or () if g in FieldGroup.__members__],
            ceiling_all_customers=bool(p.get("ceilingAllCustomers")),
            row=row,
        )

    @classmethod
    async def load(cls, info: Info, graph_id: str) -> Self | None:
        row = await info.context.reader.data_sharing.data_link(graph_id)
        return cls.from_row(row) if row else None

    @strawberry.field(description="Neither revoked nor expired.")
    def active(self) -> bool:
        now = datetime.now(UTC)
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @strawberry.field(graphql_type=Annotated["Company", strawberry.lazy("schema.types.company")])
    def owner(self, info: Info) -> Company | Awaitable[Company]:
        return COMPANY.cls.reference(info, self.row.owner)

    @strawberry.field(graphql_type=Annotated["Company", strawberry.lazy("schema.types.company")])
    def recipient(self, info: Info) -> Company | Awaitable[Company]:
        return COMPANY.cls.reference(info, self.row.recipient)

    @strawberry.field
    async def partnership(
        self, info: Info
    ) -> Annotated[Partnership, strawberry.lazy("schema.types.partnership")]:
        partnership = None
        if self.row.partnership is not None:
            partnership = await PARTNERSHIP.load(info, self.row.partnership)
        if partnership is None:
            # Only a link recorded under a partnership of other parties (bad data)
            # gets here: that partnership stays invisible, the field is refused.
            raise Forbidden(FieldGroup.PARTY.value)
        return partnership

    @strawberry.field(
        description="Widenings of this link waiting for its owner (LINK_SCOPE proposals)."
    )
    async def pending_proposals(self, info: Info) -> list[ConsentProposal]:
        return await pending_proposals(info, link_id=self.row.id)

    @strawberry.field(description="Customers this link covers that the viewer can see.")
    async def customers(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> CustomerConnection:
        reader = info.context.reader
        page = await reader.customers.customers_of_link(
            self.row.id, reader.page_args(first, after, count=selects(info, "totalCount"))
        )
        return customer_connection(page, info.context)

    @strawberry.field(
        description=(
            "Access transparency: who of the recipient read this link's customers, per "
            "day (UTC) and user, between `from` and `to` (inclusive; open when omitted; "
            "kept for the configured retention). The owner's EXECUTIVE and a MANAGER of "
            "the partnership see every read; on the recipient side its EXECUTIVE and the "
            "partnership's MANAGER see every read, any other user their own; anyone "
            "else an empty list. Newest day first, at most PRM_MAX_FIRST rows: narrow "
            "`from`/`to` for older days."
        )
    )
    async def reads(
        self,
        info: Info,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
    ) -> list[DataLinkRead]:
        rows = await info.context.reader.access_log.reads_of_link(self.row, from_, to)
        return [DataLinkRead.from_row(r) for r in rows]


def data_link_connection(page: Page[DataLinkRow]) -> DataLinkConnection:
    return DataLinkConnection(
        edges=[
            DataLinkEdge(node=DataLink.from_row(r), cursor=c)
            for r, c in zip(page.rows, page.cursors, strict=True)
        ],
        page_info=page_info(page),
        total_count=page.total,
    )
