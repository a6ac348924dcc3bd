"""Oversight: company-wide, managed or own totals, and a per-partnership breakdown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.queries.oversight import oversight_breakdown_query, oversight_totals_query
from graph.readers._base import AggregateReader, ReadScope
from policy import OversightScope, oversees_financials, oversight_scope


@dataclass(frozen=True, slots=True)
class Amount:
    """A count and a sum of money in one currency, for one status."""

    status: str | None
    currency: str | None
    count: int
    amount: float


@dataclass(frozen=True, slots=True)
class OversightTotals:
    scope: OversightScope
    #: Counts of partnerships by (status, tier); None for a REP (OWN scope).
    partnerships: tuple[tuple[str, str, int], ...] | None
    deals: tuple[Amount, ...]
    #: MDF requests by status and currency, budgets by currency; None without financials.
    mdf: tuple[Amount, ...] | None
    budgets: tuple[Amount, ...] | None


@dataclass(frozen=True, slots=True)
class PartnershipFigures:
    partnership: str
    currency: str | None
    deals: int
    open_pipeline: float
    won_revenue: float
    won: int
    lost: int
    mdf_budget: float | None
    mdf_approved: float
    mdf_pending: float


def _amounts(rows: Sequence[Mapping[str, Any]] | None) -> tuple[Amount, ...] | None:
    if rows is None:
        return None
    return tuple(
        Amount(
            status=r.get("status"),
            currency=r.get("currency"),
            count=int(r.get("count") or 0),
            amount=float(r.get("amount") or 0.0),
        )
        for r in rows
    )


class OversightReader(AggregateReader):
    def __init__(self, scope: ReadScope) -> None:
        super().__init__(scope)
        self._totals = self._loader("oversight.totals", self._load_totals)
        self._breakdowns = self._loader("oversight.breakdowns", self._load_breakdowns)

    @property
    def scope(self) -> OversightScope:
        return oversight_scope(self.viewer.role)

    @property
    def financials(self) -> bool:
        return oversees_financials(self.viewer.role)

    def _params(self) -> dict[str, Any]:
        return {
            "companyId": self.viewer.company_id,
            "userId": self.viewer.user_id,
            "financials": self.financials,
        }

    async def totals(self) -> OversightTotals:
        result: OversightTotals = await self._totals.load("totals")
        return result

    async def breakdown(self, first: int, after: str | None) -> list[PartnershipFigures]:
        """Partnerships of the scope by id; empty for a REP."""
        if self.scope is OversightScope.OWN:
            return []
        result: list[PartnershipFigures] = await self._breakdowns.load((first, after))
        return result

    async def _load_totals(self, keys: Sequence[str]) -> list[OversightTotals]:
        record = (await self._read(oversight_totals_query(self.scope), self._params()))[0]
        partnerships = record["partnerships"]
        totals = OversightTotals(
            scope=self.scope,
            partnerships=(
                None
                if partnerships is None
                else tuple((r["status"], r["tier"], int(r["count"])) for r in partnerships)
            ),
            deals=_amounts(record["deals"]) or (),
            mdf=_amounts(record["mdf"]) if self.financials else None,
            budgets=_amounts(record["budgets"]) if self.financials else None,
        )
        return [totals for _ in keys]

    async def _load_breakdowns(
        self, keys: Sequence[tuple[int, str | None]]
    ) -> list[list[PartnershipFigures]]:
        results = []
        query = oversight_breakdown_query(self.scope)
        for first, after in keys:  # one per distinct (first, after): aliases at most
            params = self._params()
            params.update(limit=first, after=after)
            rows = await self._read(query, params)
            results.append(
                [
                    PartnershipFigures(
                        partnership=r["id"],
                        currency=r["currency"],
                        deals=int(r["deals"]),
                        open_pipeline=float(r["pipeline"] or 0.0),
                        won_revenue=float(r["won"] or 0.0),
                        won=int(r["wonCount"]),
                        lost=int(r["lostCount"]),
                        mdf_budget=r["mdfBudget"],
                        mdf_approved=float(r["mdfApproved"] or 0.0),
                        mdf_pending=float(r["mdfPending"] or 0.0),
                    )
                    for r in rows
                ]
            )
        return results
