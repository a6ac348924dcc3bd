"""Query fields of oversight and scorecard configuration."""

from __future__ import annotations

import strawberry

from schema.context import Info
from schema.types.oversight import Oversight, load_oversight
from schema.types.scorecard import ScorecardConfiguration


@strawberry.type
class OversightQueries:
    @strawberry.field(
        description=(
            "Totals at the viewer's level: an EXECUTIVE or ANALYST the whole company, "
            "a MANAGER the partnerships they manage, a REP the deals they registered."
        )
    )
    async def oversight(self, info: Info) -> Oversight:
        return await load_oversight(info)

    @strawberry.field(
        description="How the viewer's company scores its partners (its own or the defaults)."
    )
    async def scorecard_configuration(self, info: Info) -> ScorecardConfiguration:
        return ScorecardConfiguration.of(await info.context.reader.scorecards.config())
