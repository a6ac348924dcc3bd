"""Partner scorecards and the vendor's scorecard configuration."""

from __future__ import annotations

from enum import Enum

import strawberry

from graph import ScorecardRow
from policy import ScorecardConfig
from schema.types.enums import Criterion, Tier


@strawberry.enum
class ScorecardConfigSource(Enum):
    DEFAULT = "DEFAULT"
    VENDOR = "VENDOR"


@strawberry.type
class CriterionScore:
    criterion: Criterion
    value: float | None = strawberry.field(
        description="The raw figure; null when it has no meaning yet (no closed deal, no budget)."
    )
    target: float
    weight: float
    normalized: float = strawberry.field(description="0..1 against the target.")


@strawberry.type(description="How a vendor scores its partners: weights, targets, thresholds.")
class ScorecardConfiguration:
    source: ScorecardConfigSource
    criteria: list[CriterionWeight]
    medium_threshold: float
    high_threshold: float
    passing_score: float

    @classmethod
    def of(cls, config: ScorecardConfig) -> ScorecardConfiguration:
        return cls(
            source=ScorecardConfigSource(config.source),
            criteria=[
                CriterionWeight(
                    criterion=c,
                    weight=config.weights[c],
                    target=config.targets[c],
                )
                for c in Criterion
            ],
            medium_threshold=config.thresholds[Tier.MEDIUM],
            high_threshold=config.thresholds[Tier.HIGH],
            passing_score=config.passing_score,
        )


@strawberry.type
class CriterionWeight:
    criterion: Criterion
    weight: float
    target: float


@strawberry.type(description="A partnership's performance against the vendor's configuration.")
class PartnerScorecard:
    currency: str | None
    registered_pipeline: float = strawberry.field(description="Sum of open deals' amounts.")
    won_revenue: float
    win_rate: float | None = strawberry.field(description="won / (won + lost); null if none.")
    avg_deal_cycle_days: float | None = strawberry.field(
        description="Mean days from registration to close of won deals."
    )
    certified_users: int
    mdf_utilisation: float | None = strawberry.field(description="Approved MDF / mdfBudget.")
    data_sharing_depth: int = strawberry.field(
        description="Distinct field groups the partner shares to the vendor through live links."
    )
    tenure_days: int
    criteria: list[CriterionScore]
    composite: float = strawberry.field(description="Weighted mean of the normalized criteria.")
    recommended_tier: Tier
    configuration: ScorecardConfiguration

    @classmethod
    def from_row(cls, row: ScorecardRow) -> PartnerScorecard:
        f = row.figures

        def whole(c: Criterion) -> int:
            return int(f[c] or 0)

        return cls(
            currency=row.currency,
            registered_pipeline=f[Criterion.REGISTERED_PIPELINE] or 0.0,
            won_revenue=f[Criterion.WON_REVENUE] or 0.0,
            win_rate=f[Criterion.WIN_RATE],
            avg_deal_cycle_days=f[Criterion.AVG_DEAL_CYCLE_DAYS],
            certified_users=whole(Criterion.CERTIFIED_USERS),
            mdf_utilisation=f[Criterion.MDF_UTILISATION],
            data_sharing_depth=whole(Criterion.DATA_SHARING_DEPTH),
            tenure_days=whole(Criterion.TENURE_DAYS),
            criteria=[
                CriterionScore(
                    criterion=s.criterion,
                    value=s.value,
                    target=s.target,
                    weight=s.weight,
                    normalized=s.normalized,
                )
                for s in row.score.criteria
            ],
            composite=row.score.composite,
            recommended_tier=row.score.recommended_tier,
            configuration=ScorecardConfiguration.of(row.config),
        )
