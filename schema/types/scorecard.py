"""Partner scorecards and the vendor's scorecard configuration."""

from __future__ import annotations

from enum import Enum

import strawberry

from graph import ScorecardRow
from policy import Criterion, ScorecardConfig, Tier
from schema.types.enums import CollaborationTier


@strawberry.enum(description="The criteria of a partner scorecard.")
class ScorecardCriterion(Enum):
    REGISTERED_PIPELINE = "REGISTERED_PIPELINE"
    WON_REVENUE = "WON_REVENUE"
    WIN_RATE = "WIN_RATE"
    AVG_DEAL_CYCLE_DAYS = "AVG_DEAL_CYCLE_DAYS"
    CERTIFIED_USERS = "CERTIFIED_USERS"
    MDF_UTILISATION = "MDF_UTILISATION"
    DATA_SHARING_DEPTH = "DATA_SHARING_DEPTH"
    TENURE_DAYS = "TENURE_DAYS"


@strawberry.enum
class ScorecardConfigSource(Enum):
    DEFAULT = "DEFAULT"
    VENDOR = "VENDOR"


@strawberry.type
class CriterionScore:
    criterion: ScorecardCriterion
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
                    criterion=ScorecardCriterion(c.value),
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
    criterion: ScorecardCriterion
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
    recommended_tier: CollaborationTier
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
                    criterion=ScorecardCriterion(s.criterion.value),
                    value=s.value,
                    target=s.target,
                    weight=s.weight,
                    normalized=s.normalized,
                )
                for s in row.score.criteria
            ],
            composite=row.score.composite,
            recommended_tier=CollaborationTier(row.score.recommended_tier.value),
            configuration=ScorecardConfiguration.of(row.config),
        )
