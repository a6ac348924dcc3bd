"""Exploring the partner network: the network around a company, a path between two,
account overlap with a partner, graph measures and the portfolio of the viewer's company.

Companies are public profiles; partnerships and customers come through their own
types, so the field rules of Partnership and Customer apply unchanged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from enum import Enum

import strawberry

from graph import (
    AtRiskRow,
    BadUserInput,
    Bucket,
    Concentration,
    Forbidden,
    MeasureRow,
    NetworkRow,
    OverlapRow,
    Page,
    PartnershipRow,
    PathRow,
)
from schema.context import Info
from schema.types.company import Company
from schema.types.connections import page_info
from schema.types.customer import Customer, field_guard
from schema.types.enums import Tier
from schema.types.node import PageInfo
from schema.types.partnership import Partnership


@strawberry.type
class CountBucket:
    key: str | None
    count: int

    @classmethod
    def of(cls, buckets: Sequence[Bucket]) -> list[CountBucket]:
        return [cls(key=b.key, count=b.count) for b in buckets]


@strawberry.type
class NetworkNode:
    distance: int = strawberry.field(description="Visible hops from the start company.")
    # Built from the profile the network statement returned: hundreds of nodes
    # need no resolver call of their own.
    company: Company


@strawberry.type(description="Companies within `depth` visible hops, and the partnerships met.")
class Network:
    depth: int
    row: strawberry.Private[NetworkRow]
    start_id: strawberry.Private[str]

    @strawberry.field
    def start(self) -> Company:
        return Company.from_row(self.row.companies[self.start_id])

    @strawberry.field(
        description="The companies reached, nearest first (then by id); at most PRM_MAX_FIRST."
    )
    def nodes(self, info: Info) -> list[NetworkNode]:
        companies = self.row.companies
        return [
            NetworkNode(distance=d, company=Company.from_row(companies[c]))
            for c, d in self._nearest(info.context.reader.max_first)
        ]

    @strawberry.field(
        description=(
            "Visible partnerships expanded, read by Partnership's rules, by id: those "
            "between two of `nodes`, at most PRM_MAX_FIRST."
        )
    )
    def edges(self, info: Info) -> list[Partnership]:
        return [Partnership.from_row(p) for p in self._edges(info.context.reader.max_first)]

    @strawberry.field(
        description=(
            "True when the network has more companies or partnerships than a list returns "
            "(PRM_MAX_FIRST): `nodes` are then the nearest and `edges` those between them."
        )
    )
    def truncated(self, info: Info) -> bool:
        longest = info.context.reader.max_first
        return len(self.row.distances) > longest or len(self._edges(None)) > longest

    def _nearest(self, longest: int | None) -> list[tuple[str, int]]:
        ordered = sorted(self.row.distances.items(), key=lambda kv: (kv[1], kv[0]))
        return ordered[:longest]

    def _edges(self, longest: int | None) -> list[PartnershipRow]:
        """The partnerships between two of the nearest ``longest`` companies (all of them
        when the network is not cut), by id, at most ``longest``."""
        kept = {c for c, _ in self._nearest(longest)}
        between = [p for p in self.row.partnerships if {p.vendor, p.partner} <= kept]
        return between[:longest]


@strawberry.type(description="A shortest chain of visible ACTIVE partnerships.")
class PartnerPath:
    row: strawberry.Private[PathRow]

    @strawberry.field(description="Number of partnerships on the path.")
    def length(self) -> int:
        return len(self.row.partnerships)

    @strawberry.field
    async def companies(self, info: Info) -> list[Company]:
        return [await Company.require(info, c) for c in self.row.companies]

    @strawberry.field
    def partnerships(self) -> list[Partnership]:
        return [Partnership.from_row(p) for p in self.row.partnerships]


@strawberry.type
class OverlapAccount:
    account: strawberry.Private[str]
    ours: list[Customer] = strawberry.field(description="The viewer's company's records.")
    theirs: list[Customer] = strawberry.field(
        description="The partner's records the viewer may read (its data links decide)."
    )

    @strawberry.field(description="The normalized domain both companies hold.")
    def domain(self, info: Info) -> str:
        # The account key is the partner's records' domain as much as ours: returning
        # it is a read of their domain's group (access transparency).
        group = field_guard(info.context.policy)["domain"]
        for customer in self.theirs:
            if group in customer.row.groups:
                customer.reads.note(customer.row, (group,))
        return self.account


@strawberry.type(description="Accounts the viewer's company and the partner both hold.")
class AccountOverlap:
    row: strawberry.Private[OverlapRow]
    tier: Tier
    total: int = strawberry.field(description="Accounts (normalized domains) held by both.")
    min_bucket: int = strawberry.field(
        description="Buckets with fewer accounts than this are left out of every breakdown."
    )
    by_industry: list[CountBucket] = strawberry.field(
        description="By the industry of the viewer's own record."
    )
    by_region: list[CountBucket] = strawberry.field(
        description="By the region of the viewer's own record."
    )

    @strawberry.field
    def partnership(self) -> Partnership:
        return Partnership.from_row(self.row.partnership)

    @strawberry.field
    async def partner(self, info: Info) -> Company:
        return await Company.require(info, self.row.partner)

    @strawberry.field(
        description=(
            "MEDIUM and HIGH: the accounts whose partner record the viewer may read. "
            "LOW: null and FORBIDDEN (group IDENTITY), counts only."
        )
    )
    def accounts(self, info: Info) -> list[OverlapAccount] | None:
        if self.row.accounts is None:
            raise Forbidden("IDENTITY")
        context = info.context
        return [
            OverlapAccount(
                account=a.account,
                ours=[Customer.from_row(c, context) for c in a.ours],
                theirs=[Customer.from_row(c, context) for c in a.theirs],
            )
            for a in self.row.accounts
        ]

    @classmethod
    def of(cls, row: OverlapRow) -> AccountOverlap:
        return cls(
            row=row,
            tier=Tier(row.partnership.props["tier"]),
            total=row.total,
            min_bucket=row.min_bucket,
            by_industry=CountBucket.of(row.by_industry),
            by_region=CountBucket.of(row.by_region),
        )


@strawberry.type
class NetworkMeasure:
    degree: int = strawberry.field(description="Visible partnerships of the company.")
    centrality: float = strawberry.field(
        description="Harmonic closeness over the visible network, from 0 to 1."
    )
    graph_id: strawberry.Private[str]

    @strawberry.field
    async def company(self, info: Info) -> Company:
        return await Company.require(info, self.graph_id)


@strawberry.type
class NetworkMeasureEdge:
    node: NetworkMeasure
    cursor: str


@strawberry.type
class NetworkMeasureConnection:
    edges: list[NetworkMeasureEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page[MeasureRow]) -> NetworkMeasureConnection:
        return cls(
            edges=[
                NetworkMeasureEdge(
                    node=NetworkMeasure(
                        degree=r.degree, centrality=r.centrality, graph_id=r.company
                    ),
                    cursor=c,
                )
                for r, c in zip(page.rows, page.cursors, strict=True)
            ],
            page_info=page_info(page),
            total_count=page.total,
        )


# -- portfolio -----------------------------------------------------------


@strawberry.type
class PortfolioPartnerships:
    total: int
    by_tier: list[CountBucket]
    by_structure: list[CountBucket]
    by_status: list[CountBucket]


@strawberry.type
class PartnerShare:
    value: float
    share: float = strawberry.field(description="Of the total, from 0 to 1.")
    graph_id: strawberry.Private[str]

    @strawberry.field
    async def partner(self, info: Info) -> Company:
        return await Company.require(info, self.graph_id)


@strawberry.type
class ConcentrationFigures:
    currency: str | None = strawberry.field(description="Null for counts.")
    total: float
    top: list[PartnerShare] = strawberry.field(description="The largest partners, largest first.")
    top_share: float = strawberry.field(description="Share of the total from `top`.")
    herfindahl: float = strawberry.field(
        description="Sum of every partner's squared share: 1 = one partner, 1/n = n equal ones."
    )

    @classmethod
    def of(cls, c: Concentration) -> ConcentrationFigures:
        return cls(
            currency=c.currency,
            total=c.total,
            top=[PartnerShare(value=s.value, share=s.share, graph_id=s.partner) for s in c.top],
            top_share=c.top_share,
            herfindahl=c.herfindahl,
        )


@strawberry.type
class DuplicatedCoverage:
    accounts: int = strawberry.field(
        description="Accounts of the viewer's company that two or more ACTIVE partners also hold."
    )
    by_partner_count: list[CountBucket] = strawberry.field(
        description="Accounts by number of partners holding them (small buckets left out)."
    )


@strawberry.enum
class RiskReason(Enum):
    DECLINING_PIPELINE = "DECLINING_PIPELINE"
    EXPIRING_LINKS = "EXPIRING_LINKS"
    INACTIVE = "INACTIVE"


@strawberry.type
class PartnerAtRisk:
    reasons: list[RiskReason]
    pipeline_recent: float = strawberry.field(description="Deals registered in the last N days.")
    pipeline_previous: float = strawberry.field(description="Deals registered the N days before.")
    expiring_links: int = strawberry.field(description="Live data links expiring within N days.")
    last_activity_at: datetime | None
    row: strawberry.Private[AtRiskRow]

    @strawberry.field
    async def partnership(self, info: Info) -> Partnership | None:
        row = await info.context.reader.partnerships.partnership(self.row.partnership)
        return Partnership.from_row(row) if row else None

    @strawberry.field
    async def partner(self, info: Info) -> Company:
        return await Company.require(info, self.row.partner)

    @classmethod
    def of(cls, r: AtRiskRow) -> PartnerAtRisk:
        reasons = [
            reason
            for reason, on in (
                (RiskReason.DECLINING_PIPELINE, r.declining),
                (RiskReason.EXPIRING_LINKS, r.expiring_links > 0),
                (RiskReason.INACTIVE, r.inactive),
            )
            if on
        ]
        return cls(
            reasons=reasons,
            pipeline_recent=r.pipeline_recent,
            pipeline_previous=r.pipeline_previous,
            expiring_links=r.expiring_links,
            last_activity_at=r.last_activity,
            row=r,
        )


def _buckets(counter: Counter[str]) -> list[CountBucket]:
    return [CountBucket(key=k, count=n) for k, n in sorted(counter.items())]


@strawberry.type(description="The viewer's company's partner portfolio (EXECUTIVE and ANALYST).")
class Portfolio:
    @strawberry.field
    async def partnerships(self, info: Info) -> PortfolioPartnerships:
        rows = await info.context.reader.explore.partnership_counts()
        tiers: Counter[str] = Counter()
        structures: Counter[str] = Counter()
        statuses: Counter[str] = Counter()
        for tier, structure, status, n in rows:
            tiers[tier] += n
            structures[structure] += n
            statuses[status] += n
        return PortfolioPartnerships(
            total=sum(tiers.values()),
            by_tier=_buckets(tiers),
            by_structure=_buckets(structures),
            by_status=_buckets(statuses),
        )

    @strawberry.field(description="Won revenue per currency, across the company's partners.")
    async def won_revenue_concentration(
        self, info: Info, top: int = 5
    ) -> list[ConcentrationFigures]:
        rows = await info.context.reader.explore.won_revenue(_top(top))
        return [ConcentrationFigures.of(c) for c in rows]

    @strawberry.field(
        description="Customers covered by live data links with each ACTIVE partner, either way."
    )
    async def shared_customer_concentration(self, info: Info, top: int = 5) -> ConcentrationFigures:
        figures = await info.context.reader.explore.shared_customers(_top(top))
        return ConcentrationFigures.of(figures)

    @strawberry.field
    async def duplicated_coverage(self, info: Info) -> DuplicatedCoverage:
        total, buckets = await info.context.reader.explore.duplicated_coverage()
        return DuplicatedCoverage(accounts=total, by_partner_count=CountBucket.of(buckets))

    @strawberry.field(description="ACTIVE partnerships with a warning sign within `days`.")
    async def at_risk(self, info: Info, days: int = 90) -> list[PartnerAtRisk]:
        return [PartnerAtRisk.of(r) for r in await info.context.reader.explore.at_risk(days)]


def _top(top: int) -> int:
    if not 1 <= top <= 100:
        raise BadUserInput("'top' must be between 1 and 100", argument="top")
    return top
