"""The vendor's scorecard configuration: weights, targets and tier thresholds, as data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graph.commands._base import CommandSet, Done, Outcome
from graph.driver import WriteTx
from graph.errors import ActionForbidden, BadUserInput
from graph.queries.scorecards import SCORECARD_CONFIG_SET_QUERY
from policy import (
    Actor,
    Criterion,
    ScorecardConfig,
    ScorecardConfigError,
    build_config,
    config_to_graph,
    may_configure_scorecard,
)


@dataclass(frozen=True, slots=True)
class CriterionSetting:
    criterion: str
    weight: float
    target: float


@dataclass(frozen=True, slots=True)
class ScorecardConfigInput:
    """A full replacement: a criterion not listed weighs 0 and keeps the default target."""

    criteria: Sequence[CriterionSetting]
    medium_threshold: float
    high_threshold: float
    passing_score: float

    def build(self, defaults: ScorecardConfig) -> ScorecardConfig:
        seen: set[str] = set()
        for i, setting in enumerate(self.criteria):
            if setting.criterion in seen:
                raise BadUserInput(
                    f"{setting.criterion} is listed twice", argument=f"input.criteria[{i}]"
                )
            seen.add(setting.criterion)
        weights = {c.value: 0.0 for c in Criterion}
        targets = {c.value: defaults.targets[c] for c in Criterion}
        for setting in self.criteria:
            weights[setting.criterion] = setting.weight
            targets[setting.criterion] = setting.target
        try:
            return build_config(
                weights,
                targets,
                self.medium_threshold,
                self.high_threshold,
                self.passing_score,
                source="VENDOR",
            )
        except ScorecardConfigError as exc:
            raise BadUserInput(str(exc), argument=self._argument(exc)) from exc

    def _argument(self, exc: ScorecardConfigError) -> str:
        if exc.field in ("weight", "target"):
            # Name the first listed criterion whose value is out of range.
            for i, setting in enumerate(self.criteria):
                if setting.criterion in str(exc):
                    return f"input.criteria[{i}].{exc.field}"
            return "input.criteria"
        return f"input.{exc.field}"


class ScorecardCommands(CommandSet):
    async def set_config(self, data: ScorecardConfigInput, defaults: ScorecardConfig) -> Outcome:
        """Replace the viewer's company's scorecard configuration (its EXECUTIVE)."""
        v = self.viewer
        if not may_configure_scorecard(Actor(v.user_id, v.company_id, v.role, v.managed)):
            raise ActionForbidden("Only an EXECUTIVE may configure the partner scorecard")
        config = data.build(defaults)
        props = config_to_graph(config)

        async def work(tx: WriteTx) -> Done:
            await tx.run(
                SCORECARD_CONFIG_SET_QUERY,
                {
                    "companyId": v.company_id,
                    "id": f"sc-{v.company_id}",
                    "props": props,
                    "userId": v.user_id,
                },
            )
            return Done(f"sc-{v.company_id}", props)

        return await self.execute("scorecard.config", work)
