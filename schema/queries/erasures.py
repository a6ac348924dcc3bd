"""The erasures of the viewer's company (its EXECUTIVE's to read)."""

from __future__ import annotations

import strawberry

from schema.context import Info
from schema.types.erasure import ErasureConnection, erasure_connection


@strawberry.type
class ErasureQueries:
    @strawberry.field(
        description=(
            "What was erased from the viewer's company's data, newest first: by its "
            "EXECUTIVE (eraseCustomer, eraseContact) or by the operator (`prm erase`). "
            "The company's EXECUTIVE only; FORBIDDEN for the other roles."
        )
    )
    async def erasures(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> ErasureConnection:
        reader = info.context.reader
        return erasure_connection(await reader.erasures.erasures(reader.page_args(first, after)))
