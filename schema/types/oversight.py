"""Oversight at three levels: what an EXECUTIVE, a MANAGER or a REP oversees, in totals.

Money is summed per currency (a partnership's money is in its currency);
MDF figures are financial implications, read by EXECUTIVEs and MANAGERs only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import strawberry

from graph import Amount, Forbidden, NotFound, OversightTotals, PartnershipFigures
from schema.context import Info
from schema.ids import expect_global_id
from schema.types.enums import FieldGroup, OversightScope
from schema.types.partnership import Partnership

OPEN_STATUSES = ("SUBMITTED", "APPROVED")


@strawberry.type
class Money:
    currency: str | None
    amount: float


@strawberry.type
class CountByKey:
    key: str
    count: int


@strawberry.type
class PartnershipTotals:
    count: int
    by_status: list[CountByKey]
    by_tier: list[CountByKey]


@strawberry.type
class DealStatusTotals:
    status: str = strawberry.field(description="An open deal past its expiry counts as EXPIRED.")
    count: int
    amounts: list[Money]


@strawberry.type
class DealTotals:
    count: int
    by_status: list[DealStatusTotals]
    open_pipeline: list[Money] = strawberry.field(description="SUBMITTED and APPROVED, unexpired.")
    won_revenue: list[Money]


@strawberry.type
class MdfTotals:
    budget: list[Money]
    requested: list[Money] = strawberry.field(description="Every request, whatever its status.")
    approved: list[Money]
    pending: list[Money] = strawberry.field(description="SUBMITTED, not decided yet.")
    remaining: list[Money] = strawberry.field(description="budget - approved, per currency.")


def _money(pairs: Iterable[tuple[str | None, float]]) -> list[Money]:
    sums: dict[str | None, float] = defaultdict(float)
    for currency, amount in pairs:
        sums[currency] += amount
    return [Money(currency=c, amount=a) for c, a in sorted(sums.items(), key=lambda x: x[0] or "")]


def _counts(pairs: Iterable[tuple[str, int]]) -> list[CountByKey]:
    sums: dict[str, int] = defaultdict(int)
    for key, n in pairs:
        sums[key] += n
    return [CountByKey(key=k, count=n) for k, n in sorted(sums.items())]


def _deal_totals(deals: tuple[Amount, ...]) -> DealTotals:
    statuses = sorted({d.status or "" for d in deals})
    return DealTotals(
        count=sum(d.count for d in deals),
        by_status=[
            DealStatusTotals(
                status=s,
                count=sum(d.count for d in deals if d.status == s),
                amounts=_money((d.currency, d.amount) for d in deals if d.status == s),
            )
            for s in statuses
        ],
        open_pipeline=_money((d.currency, d.amount) for d in deals if d.status in OPEN_STATUSES),
        won_revenue=_money((d.currency, d.amount) for d in deals if d.status == "WON"),
    )


def _mdf_totals(mdf: tuple[Amount, ...], budgets: tuple[Amount, ...]) -> MdfTotals:
    approved = [(m.currency, m.amount) for m in mdf if m.status == "APPROVED"]
    budget = [(b.currency, b.amount) for b in budgets]
    return MdfTotals(
        budget=_money(budget),
        requested=_money((m.currency, m.amount) for m in mdf),
        approved=_money(approved),
        pending=_money((m.currency, m.amount) for m in mdf if m.status == "SUBMITTED"),
        remaining=_money([*budget, *((c, -a) for c, a in approved)]),
    )


@strawberry.type(description="One partnership's figures in an oversight breakdown.")
class PartnershipOversight:
    currency: str | None
    deal_count: int
    open_pipeline: float
    won_revenue: float
    win_rate: float | None
    figures: strawberry.Private[PartnershipFigures]
    financials: strawberry.Private[bool]

    @strawberry.field
    async def partnership(self, info: Info) -> Partnership:
        partnership = await Partnership.load(info, self.figures.partnership)
        if partnership is None:  # the company's own partnerships are always visible to it
            raise NotFound("Partnership", argument="id")
        return partnership

    @strawberry.field(description="FINANCIAL: EXECUTIVEs and MANAGERs only.")
    def mdf_approved(self) -> float | None:
        if not self.financials:
            raise Forbidden(FieldGroup.FINANCIAL.value)
        return self.figures.mdf_approved

    @strawberry.field(description="FINANCIAL: mdfBudget - approved.")
    def mdf_remaining(self) -> float | None:
        if not self.financials:
            raise Forbidden(FieldGroup.FINANCIAL.value)
        if self.figures.mdf_budget is None:
            return None
        return float(self.figures.mdf_budget) - self.figures.mdf_approved


@strawberry.type(description="Totals of what the viewer oversees, by role.")
class Oversight:
    scope: OversightScope
    totals: strawberry.Private[OversightTotals]

    @strawberry.field(description="Null for a REP, who oversees deals only.")
    def partnerships(self) -> PartnershipTotals | None:
        rows = self.totals.partnerships
        if rows is None:
            return None
        return PartnershipTotals(
            count=sum(n for _, _, n in rows),
            by_status=_counts((s, n) for s, _, n in rows),
            by_tier=_counts((t, n) for _, t, n in rows),
        )

    @strawberry.field
    def deals(self) -> DealTotals:
        return _deal_totals(self.totals.deals)

    @strawberry.field(description="FINANCIAL: EXECUTIVEs and MANAGERs only.")
    def mdf(self) -> MdfTotals | None:
        if self.totals.mdf is None or self.totals.budgets is None:
            raise Forbidden(FieldGroup.FINANCIAL.value)
        return _mdf_totals(self.totals.mdf, self.totals.budgets)

    @strawberry.field(description="Per partnership of the scope, by id; empty for a REP.")
    async def breakdown(
        self, info: Info, first: int | None = None, after: strawberry.ID | None = None
    ) -> list[PartnershipOversight]:
        reader = info.context.reader
        args = reader.page_args(first, None)
        after_id = expect_global_id(after, "Partnership", "after") if after else None
        figures = await reader.oversight.breakdown(args.first, after_id)
        financials = reader.oversight.financials
        return [
            PartnershipOversight(
                currency=f.currency,
                deal_count=f.deals,
                open_pipeline=f.open_pipeline,
                won_revenue=f.won_revenue,
                win_rate=f.won / (f.won + f.lost) if f.won + f.lost else None,
                figures=f,
                financials=financials,
            )
            for f in figures
        ]


async def load_oversight(info: Info) -> Oversight:
    totals = await info.context.reader.oversight.totals()
    return Oversight(scope=totals.scope, totals=totals)
