"""Reads of the partner network and the viewer's portfolio (graph/queries/network.py,
graph/queries/portfolio.py): each answer is one statement computed in Neo4j."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graph.errors import BadUserInput
from graph.queries.network import (
    MAX_VISIBLE_HOPS,
    NETWORK_HOP_QUERY,
    NETWORK_MEASURES_QUERY,
    NETWORK_QUERY,
)
from graph.queries.portfolio import (
    OVERLAP_QUERY,
    PORTFOLIO_AT_RISK_QUERY,
    PORTFOLIO_DUPLICATED_COVERAGE_QUERY,
    PORTFOLIO_GIVEN_LINKS_QUERY,
    PORTFOLIO_PARTNERSHIPS_QUERY,
    PORTFOLIO_SHARED_CUSTOMERS_QUERY,
    PORTFOLIO_WON_REVENUE_QUERY,
)
from graph.readers._base import AggregateReader, Page, PageArgs, ReadScope
from graph.readers.companies import CompanyReader, CompanyRow
from graph.readers.customers import CustomerReader, CustomerRow
from graph.readers.partnerships import PartnershipReader, PartnershipRow
from graph.values import native
from graph.viewer import link_facts
from policy import (
    ACCOUNT_SPACE,
    FieldGroup,
    effective_grants,
    network_hubs,
    overlap_lists_accounts,
    sees_financials,
    shown_buckets,
)


@dataclass(frozen=True, slots=True)
class NetworkRow:
    """Companies (id → hops from the start) and the visible partnerships between them."""

    distances: Mapping[str, int]
    partnerships: Sequence[PartnershipRow]
    #: The public profile of every company in ``distances``.
    companies: Mapping[str, CompanyRow]


@dataclass(frozen=True, slots=True)
class PathRow:
    companies: Sequence[str]
    partnerships: Sequence[PartnershipRow]


@dataclass(frozen=True, slots=True)
class Bucket:
    key: str | None
    count: int


@dataclass(frozen=True, slots=True)
class OverlapAccountRow:
    account: str
    ours: Sequence[CustomerRow]
    theirs: Sequence[CustomerRow]


@dataclass(frozen=True, slots=True)
class OverlapRow:
    partnership: PartnershipRow
    partner: str
    total: int
    by_industry: Sequence[Bucket]
    by_region: Sequence[Bucket]
    #: None at LOW tier: counts only.
    accounts: Sequence[OverlapAccountRow] | None
    min_bucket: int


@dataclass(frozen=True, slots=True)
class MeasureRow:
    company: str
    degree: int
    #: Harmonic closeness over the visible network, normalized to [0, 1].
    centrality: float


@dataclass(frozen=True, slots=True)
class Share:
    partner: str
    value: float
    share: float


@dataclass(frozen=True, slots=True)
class Concentration:
    currency: str | None
    total: float
    top: Sequence[Share]
    herfindahl: float

    @property
    def top_share(self) -> float:
        return sum(s.share for s in self.top)


@dataclass(frozen=True, slots=True)
class AtRiskRow:
    partnership: str
    partner: str
    pipeline_recent: float
    pipeline_previous: float
    expiring_links: int
    last_activity: datetime | None
    declining: bool
    inactive: bool


def _suppressed(rows: Sequence[Mapping[str, Any]], total: int, min_bucket: int) -> list[Bucket]:
    """The buckets a breakdown shows (policy.shown_buckets), in the statement's order."""
    counts = {r["key"]: int(r["count"]) for r in rows}
    shown = shown_buckets(counts, total, min_bucket)
    return [Bucket(k, n) for k, n in counts.items() if k in shown]


def _shares(rows: Sequence[Mapping[str, Any]]) -> tuple[Share, ...]:
    return tuple(Share(r["partner"], float(r["value"]), float(r["share"])) for r in rows)


class ExploreReader(AggregateReader):
    """Reads across aggregates: companies, partnerships and customers come through
    their own readers (and their rules), shared with the rest of the request."""

    def __init__(
        self,
        scope: ReadScope,
        *,
        companies: CompanyReader,
        partnerships: PartnershipReader,
        customers: CustomerReader,
        max_network_depth: int,
        min_bucket: int,
    ) -> None:
        super().__init__(scope)
        self._companies = companies
        self._partnerships = partnerships
        self._customers = customers
        #: The deepest network(depth:) and the smallest count a breakdown shows.
        self.max_network_depth = max_network_depth
        self.min_bucket = min_bucket

    @property
    def hubs(self) -> list[str]:
        return network_hubs(self.viewer.company_id, self.viewer.high_partners)

    def _partnership_rows(self, rows: Sequence[Mapping[str, Any]]) -> list[PartnershipRow]:
        built = (self._partnerships.partnership_row(r) for r in rows)
        return [p for p in built if p is not None]

    def check_depth(self, depth: int | None) -> int:
        limit = self.max_network_depth
        if depth is None:
            return limit
        if not 0 <= depth <= limit:
            raise BadUserInput(f"'depth' must be between 0 and {limit}", argument="depth")
        return depth

    async def _hop(self, frontier: list[str], *, active_only: bool) -> list[dict[str, Any]]:
        params = {"frontier": frontier, "hubs": self.hubs, "activeOnly": active_only}
        return await self._read(NETWORK_HOP_QUERY, params)

    async def network(self, start: str, depth: int) -> NetworkRow | None:
        """Breadth-first in one statement; the companies reached come with their
        profiles, so drawing them costs no further round trip."""
        params = {"start": start, "depth": min(depth, MAX_VISIBLE_HOPS), "hubs": self.hubs}
        records = await self._read(NETWORK_QUERY, params)
        if not records:
            return None
        companies = records[0]["companies"]
        profiles = self._companies.know_companies([c["row"] for c in companies])
        distances = {c["row"]["id"]: int(c["distance"]) for c in companies}
        edges = sorted(records[0]["partnerships"], key=lambda r: str(r["id"]))
        return NetworkRow(distances, self._partnership_rows(edges), {c.id: c for c in profiles})

    async def partner_path(self, start: str, end: str) -> PathRow | None:
        """Breadth-first from ``start`` through visible ACTIVE partnerships, at most
        MAX_VISIBLE_HOPS statements; the first partnership to reach a company is kept."""
        if await self._companies.company(start) is None:
            return None
        came_from: dict[str, tuple[str, Mapping[str, Any]] | None] = {start: None}
        frontier = [start]
        for _ in range(MAX_VISIBLE_HOPS):
            if end in came_from or not frontier:
                break
            reached: list[str] = []
            current = set(frontier)
            for row in await self._hop(frontier, active_only=True):
                vendor, partner = row["vendor"], row["partner"]
                for here, there in ((vendor, partner), (partner, vendor)):
                    if here in current and there not in came_from:
                        came_from[there] = (here, row)
                        reached.append(there)
            frontier = sorted(reached)
        if end not in came_from:
            return None
        companies: list[str] = [end]
        rows: list[Mapping[str, Any]] = []
        step = came_from[end]
        while step is not None:
            companies.append(step[0])
            rows.append(step[1])
            step = came_from[step[0]]
        partnerships = self._partnership_rows(rows[::-1])
        return PathRow(companies[::-1], partnerships)

    async def measures(self, args: PageArgs) -> Page[MeasureRow]:
        ordering = "networkMeasures:DEGREE:DESC"
        params = self.paging.params(ordering, args)
        params.update(hubs=self.hubs, companyId=self.viewer.company_id)
        record = (await self._read(NETWORK_MEASURES_QUERY, params))[0]
        total = int(record["total"])
        scale = 1.0 / (total - 1) if total > 1 else 0.0
        return self.paging.page(
            ordering,
            args,
            total,
            record["page"],
            lambda r: MeasureRow(r["id"], int(r["k"]), float(r["harmonic"]) * scale),
        )

    async def overlap(self, partnership_id: str) -> OverlapRow | None:
        """None unless the viewer's company is a party of this visible ACTIVE partnership."""
        partnership = await self._partnerships.partnership(partnership_id)
        company = self.viewer.company_id
        if partnership is None or company not in (partnership.vendor, partnership.partner):
            return None
        if partnership.props.get("status") != "ACTIVE":
            return None
        partner = partnership.partner if partnership.vendor == company else partnership.vendor
        tier = str(partnership.props.get("tier"))
        listed = overlap_lists_accounts(tier)
        min_bucket = self.min_bucket
        params = {
            "companyId": company,
            "partnerId": partner,
            "listAccounts": listed,
            "space": ACCOUNT_SPACE,
        }
        record = (await self._read(OVERLAP_QUERY, params))[0]
        accounts: list[OverlapAccountRow] | None = None
        if listed:
            accounts = await self._overlap_accounts(record["accounts"])
        total = int(record["total"])
        return OverlapRow(
            partnership=partnership,
            partner=partner,
            total=total,
            by_industry=_suppressed(record["byIndustry"], total, min_bucket),
            by_region=_suppressed(record["byRegion"], total, min_bucket),
            accounts=accounts,
            min_bucket=min_bucket,
        )

    async def _overlap_accounts(self, rows: Sequence[Mapping[str, Any]]) -> list[OverlapAccountRow]:
        """The partner's records go through the customer rules (one batched read); an
        account is listed only where the viewer may read a partner record's identity,
        which is what matched it."""
        ids = sorted({i for r in rows for i in (*r["mine"], *r["theirs"])})
        loaded = await self._customers.customers_by_ids(ids)
        customers = {c.id: c for c in loaded if c is not None}
        accounts = []
        for r in sorted(rows, key=lambda r: str(r["account"])):
            theirs = [
                customers[i]
                for i in sorted(r["theirs"])
                if i in customers and FieldGroup.IDENTITY in customers[i].groups
            ]
            if theirs:
                ours = [customers[i] for i in sorted(r["mine"]) if i in customers]
                accounts.append(OverlapAccountRow(str(r["account"]), ours, theirs))
        return accounts

    # -- portfolio -------------------------------------------------------

    async def partnership_counts(self) -> list[tuple[str, str, str, int]]:
        rows = await self._read(PORTFOLIO_PARTNERSHIPS_QUERY, {"companyId": self.viewer.company_id})
        return [(r["tier"], r["structure"], r["status"], int(r["count"])) for r in rows]

    async def won_revenue(self, top: int) -> list[Concentration]:
        rows = await self._read(
            PORTFOLIO_WON_REVENUE_QUERY, {"companyId": self.viewer.company_id, "top": top}
        )
        return [
            Concentration(
                r["currency"], float(r["total"]), _shares(r["top"]), float(r["herfindahl"])
            )
            for r in rows
        ]

    async def shared_customers(self, top: int) -> Concentration:
        """Customers that flow across each ACTIVE partnership, either way: the partner's
        the viewer's company reads (its grants), and its own that the partner reads (the
        grants its links give, by the same rule). A link that shares nothing counts
        nothing, so no figure tells how many customers a LOW partner has."""
        v = self.viewer
        grants = [
            {"partner": g.owner, "owner": g.owner, "link": g.link, "all": g.all_customers}
            for g in v.grants
        ]
        given = await self._read(PORTFOLIO_GIVEN_LINKS_QUERY, {"companyId": v.company_id})
        now = datetime.now(UTC)
        for link in given:
            recipient = str(link["recipient"])
            facts = link_facts(link, recipient)
            for g in effective_grants(recipient, [facts], self.policy, now):
                grants.append(
                    {"partner": recipient, "owner": g.owner, "link": g.link, "all": g.all_customers}
                )
        rows = await self._read(PORTFOLIO_SHARED_CUSTOMERS_QUERY, {"grants": grants, "top": top})
        r = rows[0]
        return Concentration(
            None, float(r["total"] or 0.0), _shares(r["top"]), float(r["herfindahl"] or 0.0)
        )

    async def duplicated_coverage(self) -> tuple[int, list[Bucket]]:
        params = {"companyId": self.viewer.company_id, "space": ACCOUNT_SPACE}
        rows = await self._read(PORTFOLIO_DUPLICATED_COVERAGE_QUERY, params)
        if not rows:
            return 0, []
        r = rows[0]
        total = int(r["accounts"])
        by_partners = [{"key": str(b["partners"]), "count": b["count"]} for b in r["byPartners"]]
        buckets = _suppressed(by_partners, total, self.min_bucket)
        return total, sorted(buckets, key=lambda b: int(b.key or 0))

    async def at_risk(self, days: int) -> list[AtRiskRow]:
        if not 0 < days <= 3650:
            raise BadUserInput("'days' must be between 1 and 3650", argument="days")
        v = self.viewer
        params = {
            "companyId": v.company_id,
            "days": days,
            # MDF requests are FINANCIAL: an ANALYST's figures must not date one.
            "mdf": sees_financials(v.role, party=True, managed=False),
        }
        rows = await self._read(PORTFOLIO_AT_RISK_QUERY, params)
        return [
            AtRiskRow(
                partnership=r["id"],
                partner=r["partner"],
                pipeline_recent=float(r["recent"] or 0.0),
                pipeline_previous=float(r["previous"] or 0.0),
                expiring_links=int(r["expiring"]),
                last_activity=native(r["lastActivity"]),
                declining=bool(r["declining"]),
                inactive=bool(r["inactive"]),
            )
            for r in rows
        ]
