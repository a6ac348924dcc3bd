"""Query fields of co-marketing funds."""

from __future__ import annotations

import strawberry

from schema.context import Info
from schema.ids import expect_global_id
from schema.types.mdf import MdfRequest


@strawberry.type
class MdfQueries:
    @strawberry.field(
        description=(
            "An MDF request: the parties' executives, the managing managers and the requester."
        )
    )
    async def mdf_request(self, info: Info, id: strawberry.ID) -> MdfRequest | None:
        return await MdfRequest.load(info, expect_global_id(id, "MdfRequest"))
