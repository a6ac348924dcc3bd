"""Reads of partner scorecards: the figures of a batch of partnerships in one statement,
scored with each vendor's configuration (or the defaults)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.queries.scorecards import SCORECARD_CONFIG_OF_COMPANY_QUERY, SCORECARD_FIGURES_QUERY
from graph.readers._base import AggregateReader, ReadScope
from policy import (
    SHAREABLE_GROUPS,
    Criterion,
    Score,
    ScorecardConfig,
    config_from_graph,
    default_scorecard,
    score,
)


@dataclass(frozen=True, slots=True)
class ScorecardRow:
    partnership: str
    vendor: str
    partner: str
    currency: str | None
    figures: Mapping[Criterion, float | None]
    score: Score
    config: ScorecardConfig


def figures_of(row: Mapping[str, Any]) -> dict[Criterion, float | None]:
    """The raw criteria of one partnership, from the figures query."""
    won, lost = int(row["wonCount"]), int(row["lostCount"])
    budget = float(row["mdfBudget"] or 0.0)
    approved = float(row["mdfApproved"] or 0.0)
    return {
        Criterion.REGISTERED_PIPELINE: float(row["pipeline"] or 0.0),
        Criterion.WON_REVENUE: float(row["won"] or 0.0),
        Criterion.WIN_RATE: won / (won + lost) if won + lost else None,
        Criterion.AVG_DEAL_CYCLE_DAYS: (
            float(row["cycleDays"]) if row["cycleDays"] is not None else None
        ),
        Criterion.CERTIFIED_USERS: float(row["certified"]),
        Criterion.MDF_UTILISATION: approved / budget if budget > 0 else None,
        Criterion.DATA_SHARING_DEPTH: float(row["sharingDepth"]),
        Criterion.TENURE_DAYS: float(row["tenureDays"]),
    }


class ScorecardReader(AggregateReader):
    def __init__(self, scope: ReadScope) -> None:
        super().__init__(scope)
        self._scorecards = self._loader("scorecard.scorecards", self._load_scorecards)

    async def scorecard(self, partnership_id: str) -> ScorecardRow | None:
        """None when the viewer may not see this partnership's scorecard."""
        result: ScorecardRow | None = await self._scorecards.load(partnership_id)
        return result

    async def config(self) -> ScorecardConfig:
        """The viewer's company's configuration, as its scorecards use it."""
        rows = await self._read(
            SCORECARD_CONFIG_OF_COMPANY_QUERY, {"companyId": self.viewer.company_id}
        )
        return config_from_graph(rows[0]["config"] if rows else None, default_scorecard())

    async def _load_scorecards(self, ids: Sequence[str]) -> list[ScorecardRow | None]:
        defaults = default_scorecard()
        v = self.viewer
        rows = await self._read(
            SCORECARD_FIGURES_QUERY,
            {
                "ids": list(ids),
                "companyId": v.company_id,
                "role": v.role,
                "managed": sorted(v.managed),
                "passingScore": defaults.passing_score,
                "shareable": sorted(g.value for g in SHAREABLE_GROUPS),
            },
        )
        found: dict[str, ScorecardRow] = {}
        for r in rows:
            config = config_from_graph(r["config"], defaults)
            figures = figures_of(r)
            found[r["id"]] = ScorecardRow(
                partnership=r["id"],
                vendor=r["vendor"],
                partner=r["partner"],
                currency=r["currency"],
                figures=figures,
                score=score(figures, config),
                config=config,
            )
        return [found.get(i) for i in ids]
