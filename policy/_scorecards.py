"""Partner scorecards: the vendor's configuration as data, and scoring from raw figures.

The figures of a partnership (pipeline, revenue, win rate, ...) are computed
in Cypher; here each is normalized against the vendor's target, weighted
into a composite, and turned into a tier recommendation. The configuration is
data: a default file (``defaults/scorecard.toml``) and a vendor's own
``ScorecardConfig`` node, both validated by the same function.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import TypeGuard

from policy._actions import Actor
from policy._model import Role, Tier
from policy._policy import PolicyError

#: Package data, read through importlib.resources (a checkout and a wheel alike).
DEFAULT_SCORECARD_FILE: Traversable = files("policy").joinpath("defaults", "scorecard.toml")


class Criterion(StrEnum):
    REGISTERED_PIPELINE = "REGISTERED_PIPELINE"
    WON_REVENUE = "WON_REVENUE"
    WIN_RATE = "WIN_RATE"
    AVG_DEAL_CYCLE_DAYS = "AVG_DEAL_CYCLE_DAYS"
    CERTIFIED_USERS = "CERTIFIED_USERS"
    MDF_UTILISATION = "MDF_UTILISATION"
    DATA_SHARING_DEPTH = "DATA_SHARING_DEPTH"
    TENURE_DAYS = "TENURE_DAYS"


#: Criteria where a smaller value is the better one.
LOWER_IS_BETTER: frozenset[Criterion] = frozenset({Criterion.AVG_DEAL_CYCLE_DAYS})


class ScorecardConfigError(PolicyError):
    """A scorecard configuration is not valid; ``field`` names the offending part."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ScorecardConfig:
    weights: Mapping[Criterion, float]
    targets: Mapping[Criterion, float]
    #: Tier → the lowest composite that recommends it (LOW is the floor, 0).
    thresholds: Mapping[Tier, float]
    passing_score: float
    #: "DEFAULT" (the file) or "VENDOR" (the vendor's own node).
    source: str = "DEFAULT"


def build_config(
    weights: Mapping[str, float],
    targets: Mapping[str, float],
    medium: float,
    high: float,
    passing_score: float,
    *,
    source: str = "DEFAULT",
) -> ScorecardConfig:
    """Validate and build a configuration; every criterion needs a weight and a target."""
    parsed_weights: dict[Criterion, float] = {}
    parsed_targets: dict[Criterion, float] = {}
    for name in set(weights) | set(targets):
        if name not in Criterion.__members__:
            raise ScorecardConfigError(f"Unknown criterion {name!r}", field="criteria")
    for criterion in Criterion:
        weight = weights.get(criterion.value)
        target = targets.get(criterion.value)
        if not _number(weight) or weight < 0 or weight > 1000:
            raise ScorecardConfigError(
                f"The weight of {criterion.value} must be a number from 0 to 1000",
                field="weight",
            )
        if not _number(target) or target <= 0:
            raise ScorecardConfigError(
                f"The target of {criterion.value} must be a positive number", field="target"
            )
        parsed_weights[criterion] = float(weight)
        parsed_targets[criterion] = float(target)
    if sum(parsed_weights.values()) <= 0:
        raise ScorecardConfigError("At least one weight must be positive", field="weight")
    if not _number(medium) or not 0 <= medium <= 1:
        raise ScorecardConfigError("A threshold is between 0 and 1", field="mediumThreshold")
    if not _number(high) or not medium <= high <= 1:
        raise ScorecardConfigError(
            "The HIGH threshold is between the MEDIUM one and 1", field="highThreshold"
        )
    if not _number(passing_score) or not 0 <= passing_score <= 100:
        raise ScorecardConfigError("A passing score is from 0 to 100", field="passingScore")
    return ScorecardConfig(
        weights=MappingProxyType(parsed_weights),
        targets=MappingProxyType(parsed_targets),
        thresholds=MappingProxyType(
            {Tier.LOW: 0.0, Tier.MEDIUM: float(medium), Tier.HIGH: float(high)}
        ),
        passing_score=float(passing_score),
        source=source,
    )


def _number(value: object) -> TypeGuard[float]:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def parse_scorecard_file(raw: Mapping[str, object], where: str = "scorecard") -> ScorecardConfig:
    unknown = sorted(set(raw) - {"criteria", "tier_thresholds", "passing_score"})
    if unknown:
        raise ScorecardConfigError(f"{where}: unknown keys {unknown}", field="file")
    criteria = raw.get("criteria")
    thresholds = raw.get("tier_thresholds")
    if not isinstance(criteria, dict) or not isinstance(thresholds, dict):
        raise ScorecardConfigError(
            f"{where}: needs [criteria.*] and [tier_thresholds] tables", field="file"
        )
    weights: dict[str, float] = {}
    targets: dict[str, float] = {}
    for name, entry in criteria.items():
        if not isinstance(entry, dict) or set(entry) != {"weight", "target"}:
            raise ScorecardConfigError(
                f"{where}: criterion {name} needs exactly weight and target", field="file"
            )
        weights[name] = entry["weight"]
        targets[name] = entry["target"]
    if set(thresholds) != {"MEDIUM", "HIGH"}:
        raise ScorecardConfigError(f"{where}: tier_thresholds are MEDIUM and HIGH", field="file")
    try:
        return build_config(
            weights,
            targets,
            thresholds["MEDIUM"],
            thresholds["HIGH"],
            raw.get("passing_score", 70),  # type: ignore[arg-type]
        )
    except ScorecardConfigError as exc:
        raise ScorecardConfigError(f"{where}: {exc}", field="file") from exc


def load_scorecard_defaults(
    path: Traversable = DEFAULT_SCORECARD_FILE,
) -> ScorecardConfig:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ScorecardConfigError(f"cannot read {path}: {exc}", field="file") from exc
    return parse_scorecard_file(raw, str(path))


@lru_cache(maxsize=1)
def default_scorecard() -> ScorecardConfig:
    """The shipped defaults, read once; the gateway calls this at start-up to validate them."""
    return load_scorecard_defaults()


def config_from_graph(
    props: Mapping[str, object] | None, defaults: ScorecardConfig
) -> ScorecardConfig:
    """A vendor's ``ScorecardConfig`` node (parallel lists), else the defaults.

    A node that no longer validates (edited by hand) falls back to the
    defaults rather than failing every scorecard of the vendor.
    """
    if not props:
        return defaults
    names = props.get("criteria")
    weights = props.get("weights")
    targets = props.get("targets")
    if not (isinstance(names, list) and isinstance(weights, list) and isinstance(targets, list)):
        return defaults
    if not len(names) == len(weights) == len(targets):
        return defaults
    try:
        return build_config(
            dict(zip(names, weights, strict=True)),
            dict(zip(names, targets, strict=True)),
            props.get("mediumThreshold"),  # type: ignore[arg-type]
            props.get("highThreshold"),  # type: ignore[arg-type]
            props.get("passingScore"),  # type: ignore[arg-type]
            source="VENDOR",
        )
    except ScorecardConfigError:
        return defaults


def config_to_graph(config: ScorecardConfig) -> dict[str, object]:
    """The properties of a ``ScorecardConfig`` node (Neo4j stores no maps: parallel lists)."""
    return {
        "criteria": [c.value for c in Criterion],
        "weights": [config.weights[c] for c in Criterion],
        "targets": [config.targets[c] for c in Criterion],
        "mediumThreshold": config.thresholds[Tier.MEDIUM],
        "highThreshold": config.thresholds[Tier.HIGH],
        "passingScore": config.passing_score,
    }


@dataclass(frozen=True, slots=True)
class CriterionScore:
    criterion: Criterion
    value: float | None
    target: float
    weight: float
    #: 0..1; a criterion without a value (no closed deal, no budget) scores 0.
    normalized: float


@dataclass(frozen=True, slots=True)
class Score:
    criteria: tuple[CriterionScore, ...]
    composite: float
    recommended_tier: Tier


def normalize(criterion: Criterion, value: float | None, target: float) -> float:
    if value is None or value < 0:
        return 0.0
    if criterion in LOWER_IS_BETTER:
        return 1.0 if value <= target else target / value
    return min(1.0, value / target)


def score(values: Mapping[Criterion, float | None], config: ScorecardConfig) -> Score:
    """Normalize each criterion, take the weighted mean, pick the tier it reaches."""
    parts = tuple(
        CriterionScore(
            criterion=c,
            value=values.get(c),
            target=config.targets[c],
            weight=config.weights[c],
            normalized=normalize(c, values.get(c), config.targets[c]),
        )
        for c in Criterion
    )
    total_weight = sum(p.weight for p in parts)
    composite = sum(p.weight * p.normalized for p in parts) / total_weight
    tier = Tier.LOW
    for candidate in (Tier.MEDIUM, Tier.HIGH):
        if composite + 1e-12 >= config.thresholds[candidate]:
            tier = candidate
    return Score(parts, composite, tier)


def sees_scorecard(actor: Actor, partnership_id: str, vendor: str, partner: str) -> bool:
    """The vendor's EXECUTIVE and managing MANAGER; the partner's EXECUTIVE (its own)."""
    if actor.company == vendor:
        return actor.runs(partnership_id, vendor)
    return actor.company == partner and actor.role == Role.EXECUTIVE


def may_configure_scorecard(actor: Actor) -> bool:
    """A vendor's scorecard is its EXECUTIVE's to configure."""
    return actor.role == Role.EXECUTIVE
