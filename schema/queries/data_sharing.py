"""Links given and received, and the viewer's company's sharing policy."""

from __future__ import annotations

from enum import Enum

import strawberry

from schema.context import Info
from schema.types.connections import DataLinkConnection
from schema.types.data_link import data_link_connection
from schema.types.enums import Tier
from schema.types.sharing_policy import SharingPolicy, sharing_policies


@strawberry.enum
class DataLinkDirection(Enum):
    GIVEN = "GIVEN"
    RECEIVED = "RECEIVED"
    ALL = "ALL"


@strawberry.type
class DataSharingQueries:
    @strawberry.field(
        description="DataLinks the viewer's company gave or received; active: only live ones."
    )
    async def data_links(
        self,
        info: Info,
        direction: DataLinkDirection = DataLinkDirection.ALL,
        active: bool | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> DataLinkConnection:
        reader = info.context.reader
        page = await reader.data_sharing.data_links_of_viewer(
            given=direction is not DataLinkDirection.RECEIVED,
            received=direction is not DataLinkDirection.GIVEN,
            active=active,
            args=reader.page_args(first, after),
        )
        return data_link_connection(page)

    @strawberry.field(
        description="What the viewer's company shares at each tier (its override or the default)."
    )
    async def sharing_policies(self, info: Info) -> list[SharingPolicy]:
        overrides = await info.context.reader.data_sharing.sharing_overrides()
        defaults = {t: info.context.policy.groups_for_tier(t.value) for t in Tier}
        return sharing_policies(overrides, defaults)
