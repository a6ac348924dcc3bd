"""MdfRequest: a partner's request for co-marketing funds under a partnership.

Visible to the parties' EXECUTIVEs, the managing MANAGERs and the user who
requested it; the row rule ran in the Cypher that fetched it.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from graph import MdfRequestRow, NotFound, Page, as_datetime
from schema.context import Info
from schema.ids import to_global_id
from schema.nodes import PARTNERSHIP, node_type
from schema.types.connections import page_info
from schema.types.node import Node, PageInfo
from schema.types.user import User

if TYPE_CHECKING:
    from schema.types.partnership import Partnership


@strawberry.enum
class MdfStatus(Enum):
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


@node_type
@strawberry.type(description="A request for co-marketing funds (MDF) under a partnership.")
class MdfRequest(Node):
    id: strawberry.ID
    campaign: str
    amount: float
    currency: str | None
    status: MdfStatus
    requested_at: datetime | None
    decided_at: datetime | None
    decision_reason: str | None
    row: strawberry.Private[MdfRequestRow]

    @classmethod
    def from_row(cls, row: MdfRequestRow) -> Self:
        p = row.props
        return cls(
            id=strawberry.ID(to_global_id("MdfRequest", row.id)),
            campaign=p.get("campaign") or "",
            amount=float(p.get("amount") or 0.0),
            currency=p.get("currency") or row.currency,
            status=MdfStatus(p.get("status")),
            requested_at=as_datetime(p.get("requestedAt")),
            decided_at=as_datetime(p.get("decidedAt")),
            decision_reason=p.get("decisionReason"),
            row=row,
        )

    @classmethod
    async def load(cls, info: Info, graph_id: str) -> Self | None:
        row = await info.context.reader.mdf.request(graph_id)
        return cls.from_row(row) if row else None

    @strawberry.field
    async def partnership(
        self, info: Info
    ) -> Annotated[Partnership, strawberry.lazy("schema.types.partnership")]:
        partnership = await PARTNERSHIP.load(info, self.row.partnership)
        if partnership is None:  # a party always sees its partnership
            raise NotFound("Partnership", argument="id")
        return partnership

    @strawberry.field(description="Null outside the requester's company (users are private).")
    async def requested_by(self, info: Info) -> User | None:
        if self.row.requester is None:
            return None
        user = await info.context.reader.users.user(self.row.requester)
        return User.from_row(user) if user else None


@strawberry.type
class MdfRequestEdge:
    node: MdfRequest
    cursor: str


@strawberry.type
class MdfRequestConnection:
    edges: list[MdfRequestEdge]
    page_info: PageInfo
    total_count: int


def mdf_request_connection(page: Page[MdfRequestRow]) -> MdfRequestConnection:
    return MdfRequestConnection(
        edges=[
            MdfRequestEdge(node=MdfRequest.from_row(r), cursor=c)
            for r, c in zip(page.rows, page.cursors, strict=True)
        ],
        page_info=page_info(page),
        total_count=page.total,
    )


async def require_mdf_request(info: Info, request_id: str) -> MdfRequest:
    """A request the viewer just created or decided, read back through its row rule."""
    await info.context.refresh()
    request = await MdfRequest.load(info, request_id)
    if request is None:
        raise NotFound("MdfRequest", argument="id")
    return request
