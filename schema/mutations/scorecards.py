"""The vendor's partner scorecard configuration."""

from __future__ import annotations

import strawberry

from graph import CriterionSetting, ScorecardConfigInput
from policy import default_scorecard
from schema.context import Info
from schema.types.enums import Criterion
from schema.types.scorecard import ScorecardConfiguration


@strawberry.input
class CriterionWeightInput:
    criterion: Criterion
    weight: float
    target: float


@strawberry.input
class ScorecardConfigurationInput:
    criteria: list[CriterionWeightInput] = strawberry.field(
        description="A criterion not listed weighs 0 (and keeps the default target)."
    )
    medium_threshold: float
    high_threshold: float
    passing_score: float = 70.0


@strawberry.type
class ScorecardMutations:
    @strawberry.mutation(
        description="Replace the company's scorecard weights, targets and tier thresholds."
    )
    async def set_scorecard_config(
        self, info: Info, input: ScorecardConfigurationInput
    ) -> ScorecardConfiguration:
        data = ScorecardConfigInput(
            criteria=[
                CriterionSetting(c.criterion.value, c.weight, c.target) for c in input.criteria
            ],
            medium_threshold=input.medium_threshold,
            high_threshold=input.high_threshold,
            passing_score=input.passing_score,
        )
        await info.context.commands.scorecards.set_config(data, default_scorecard())
        await info.context.refresh()
        return ScorecardConfiguration.of(await info.context.reader.scorecards.config())
