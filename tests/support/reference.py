"""An independent reference implementation of authorization.md, over ``GraphData`` rows.

Written from the document, not from the gateway's code: it shares no
function with ``policy`` or ``graph``. Tests compare what the gateway
returns with what this says.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from graph.generator.model import GraphData

DEFAULT_TIER_GROUPS = {
    "LOW": set(),
    "MEDIUM": {"IDENTITY", "PROFILE"},
    "HIGH": {"IDENTITY", "PROFILE", "CONTACT", "FINANCIAL"},
}
OWNER_GROUPS = {"IDENTITY", "PROFILE", "CONTACT", "FINANCIAL", "INTERNAL"}
FIELD_GROUP = {
    "name": "IDENTITY",
    "domain": "IDENTITY",
    "industry": "PROFILE",
    "region": "PROFILE",
    "segment": "PROFILE",
    "employees": "PROFILE",
    "email": "CONTACT",
    "phone": "CONTACT",
    "address": "CONTACT",
    "contacts": "CONTACT",
    "annualRevenue": "FINANCIAL",
    "notes": "INTERNAL",
}


@dataclass(frozen=True)
class Expected:
    groups: frozenset[str]
    via: frozenset[str]
    owner: bool


class Reference:
    def __init__(self, data: GraphData, now: datetime) -> None:
        self.data = data
        self.now = now
        self.users = {u["id"]: u for u in data.users}
        self.partnerships = {p["id"]: p for p in data.partnerships}

    def company_of(self, user_id: str) -> str:
        return str(self.users[user_id]["company"])

    def tier_groups(self, owner: str, tier: str) -> set[str]:
        for policy in self.data.sharing_policies:
            if policy["company"] == owner and policy["tier"] == tier:
                return set(policy["groups"]) - {"INTERNAL"}
        return set(DEFAULT_TIER_GROUPS[tier])

    def customers(self, user_id: str) -> dict[str, Expected]:
        """Every customer the user's company sees, with its groups (rules 1-3)."""
        viewer = self.company_of(user_id)
        seen: dict[str, Expected] = {}
        for customer in self.data.customers:
            owner = customer["owner"]
            if owner == viewer:
                seen[customer["id"]] = Expected(frozenset(OWNER_GROUPS), frozenset(), True)
                continue
            groups: set[str] = set()
            via: set[str] = set()
            for link in self.data.data_links:
                if link["owner"] != owner or link["recipient"] != viewer:
                    continue
                if link.get("revokedAt") is not None:
                    continue
                expires = link.get("expiresAt")
                if expires is not None and expires <= self.now:
                    continue
                partnership = self.partnerships[link["partnership"]]
                if partnership["status"] != "ACTIVE":
                    continue
                if {partnership["vendor"], partnership["partner"]} != {owner, viewer}:
                    continue
                if not (self.covers_all(link) or customer["id"] in link["covers"]):
                    continue
                granted = (
                    set(link["scope"])
                    & self.tier_groups(owner, partnership["tier"])
                    & self.ceiling(link)
                )
                granted.discard("INTERNAL")
                if granted:
                    groups |= granted
                    via.add(link["id"])
            if groups:
                seen[customer["id"]] = Expected(frozenset(groups), frozenset(via), False)
        return seen

    def partnership_view(self, user_id: str, partnership_id: str) -> str | None:
        """'party-financial', 'party', 'network' or None (invisible)."""
        user = self.users[user_id]
        viewer = user["company"]
        p = self.partnerships[partnership_id]
        parties = {p["vendor"], p["partner"]}
        if viewer in parties:
            managed = user_id in p.get("managers", [])
            if user["role"] == "EXECUTIVE" or (user["role"] == "MANAGER" and managed):
                return "party-financial"
            return "party"
        for other in self.data.partnerships:
            if other["status"] != "ACTIVE" or other["tier"] != "HIGH":
                continue
            pair = {other["vendor"], other["partner"]}
            if viewer in pair and (pair - {viewer}) & parties:
                return "network"
        return None

    def sees_company_contacts(self, user_id: str, company: str) -> bool:
        viewer = self.company_of(user_id)
        if viewer == company:
            return True
        return any(
            p["status"] == "ACTIVE" and {p["vendor"], p["partner"]} == {viewer, company}
            for p in self.data.partnerships
        )

    # -- opportunities (authorization.md "Opportunities") --------------------

    def opportunities(self, user_id: str) -> set[str]:
        """The deals the user sees: its company registered them or is the vendor; then a
        REP the deals they registered, a MANAGER those under partnerships they manage,
        an EXECUTIVE or ANALYST all."""
        user = self.users[user_id]
        company = user["company"]
        role = user["role"]
        seen: set[str] = set()
        for deal in self.data.opportunities:
            partnership = self.partnerships[deal["partnership"]]
            if company not in (deal["company"], partnership["vendor"]):
                continue
            if (
                role in ("EXECUTIVE", "ANALYST")
                or (role == "MANAGER" and user_id in partnership.get("managers", []))
                or (role == "REP" and deal["user"] == user_id)
            ):
                seen.add(deal["id"])
        return seen

    def deal_conflict(self, user_id: str, deal_id: str) -> bool | None:
        """Opportunity.conflict (issue #11): whether the registration was held because
        another one held its account; the vendor's to read. None (null, FORBIDDEN)
        for the registering company, whose users read a held registration exactly as
        any other."""
        deal = next(d for d in self.data.opportunities if d["id"] == deal_id)
        if self.company_of(user_id) != self.partnerships[deal["partnership"]]["vendor"]:
            return None
        return bool(deal.get("conflict"))

    def deal_status(self, deal_id: str) -> str:
        """An open deal (SUBMITTED, APPROVED) past its expiry is EXPIRED."""
        deal = next(d for d in self.data.opportunities if d["id"] == deal_id)
        expires = deal.get("expiresAt")
        if deal["status"] in ("SUBMITTED", "APPROVED") and expires and expires <= self.now:
            return "EXPIRED"
        return str(deal["status"])

    # -- account overlap (issue #7, docs/analytics.md "Account overlap") ----

    def account_overlap(
        self, user_id: str, partnership_id: str, min_bucket: int = 3
    ) -> ExpectedOverlap | None:
        """accountOverlap(partnershipId:) for the user.

        The customers of the viewer's company V and of the partner P that are the
        same account (same normalized domain). Null unless V is a party of the
        partnership and it is ACTIVE. The total always; breakdowns by the industry
        and region of V's own records, each bucket counting accounts, buckets of
        fewer than ``min_bucket`` accounts left out. At LOW: counts only
        (``accounts`` is None). At MEDIUM and HIGH: an account is listed when the
        viewer may read the IDENTITY of one of P's records for it under the
        customer rules; it lists all of V's records for it and those of P's.
        """
        viewer = self.company_of(user_id)
        partnership = self.partnerships.get(partnership_id)
        if partnership is None or self.partnership_view(user_id, partnership_id) is None:
            return None
        parties = (partnership["vendor"], partnership["partner"])
        if viewer not in parties or partnership["status"] != "ACTIVE":
            return None
        partner = parties[1] if parties[0] == viewer else parties[0]
        ours = self._accounts(viewer)
        theirs = self._accounts(partner)
        shared = set(ours) & set(theirs)
        rows = {c["id"]: c for c in self.data.customers}
        by_industry: dict[str | None, set[str]] = {}
        by_region: dict[str | None, set[str]] = {}
        for account in shared:
            for cid in ours[account]:
                by_industry.setdefault(rows[cid].get("industry"), set()).add(account)
                by_region.setdefault(rows[cid].get("region"), set()).add(account)
        accounts: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] | None = None
        if partnership["tier"] != "LOW":
            visible = self.customers(user_id)
            accounts = {}
            for account in sorted(shared):
                identified = tuple(
                    sorted(
                        cid
                        for cid in theirs[account]
                        if cid in visible and "IDENTITY" in visible[cid].groups
                    )
                )
                if identified:
                    accounts[account] = (tuple(sorted(ours[account])), identified)
        return ExpectedOverlap(
            tier=str(partnership["tier"]),
            partner=str(partner),
            total=len(shared),
            by_industry=shown_buckets(by_industry, len(shared), min_bucket),
            by_region=shown_buckets(by_region, len(shared), min_bucket),
            accounts=accounts,
        )

    def _accounts(self, company: str) -> dict[str, list[str]]:
        """A company's customer records by account; a record without a domain is no account."""
        held: dict[str, list[str]] = {}
        for customer in self.data.customers:
            if customer["owner"] == company and (account := normalized_domain(customer)):
                held.setdefault(account, []).append(customer["id"])
        return held

    # -- figures (docs/analytics.md "Figures") --------------------------------
    #
    # Every count, sum, share and ranking of the API, written from the two rules:
    # computed from the rows the viewer may see (its company's own rows count as its
    # own), or counts only with small buckets left out (shown_buckets). Each method
    # answers in the API's shape (field names, order), ids as graph ids.

    def company_customers(self, company: str) -> dict[str, frozenset[str]]:
        """Customer id → the groups ``company`` reads of it: rules 1-3, as ``customers``
        says for a user, for a company (which need not have a user)."""
        seen: dict[str, frozenset[str]] = {}
        for customer in self.data.customers:
            owner = customer["owner"]
            if owner == company:
                seen[customer["id"]] = frozenset(OWNER_GROUPS)
                continue
            groups: set[str] = set()
            for link in self.data.data_links:
                if (link["owner"], link["recipient"]) != (owner, company) or not self._live(link):
                    continue
                partnership = self.partnerships[link["partnership"]]
                if partnership["status"] != "ACTIVE":
                    continue
                if {partnership["vendor"], partnership["partner"]} != {owner, company}:
                    continue
                if self.covers_all(link) or customer["id"] in link["covers"]:
                    groups |= (
                        set(link["scope"])
                        & self.tier_groups(owner, partnership["tier"])
                        & self.ceiling(link)
                    )
            groups.discard("INTERNAL")
            if groups:
                seen[customer["id"]] = frozenset(groups)
        return seen

    @staticmethod
    def ceiling(link: dict[str, Any]) -> set[str]:
        """What the owner accepted for the link (docs/consent.md); none recorded, nothing."""
        return set(link.get("ceiling") or ())

    @staticmethod
    def covers_all(link: dict[str, Any]) -> bool:
        """All the owner's customers only if the owner accepted that too."""
        return bool(link["allCustomers"]) and bool(link.get("ceilingAllCustomers"))

    def _live(self, link: dict[str, Any]) -> bool:
        expires = link.get("expiresAt")
        return link.get("revokedAt") is None and (expires is None or expires > self.now)

    def _parties(self, partnership: dict[str, Any]) -> tuple[str, str]:
        return str(partnership["vendor"]), str(partnership["partner"])

    def _other(self, partnership: dict[str, Any], company: str) -> str:
        vendor, partner = self._parties(partnership)
        return partner if vendor == company else vendor

    def _of_company(self, company: str) -> list[dict[str, Any]]:
        """The company's partnerships, any status, by id."""
        return sorted(
            (p for p in self.data.partnerships if company in self._parties(p)),
            key=lambda p: str(p["id"]),
        )

    def _active_partners(self, company: str) -> set[str]:
        return {
            self._other(p, company)
            for p in self._of_company(company)
            if p["status"] == "ACTIVE" and self._other(p, company) != company
        }

    def company_deals(self, company: str) -> list[dict[str, Any]]:
        """Deals the company sees (authorization.md "Opportunities", before roles):
        it registered them or is the vendor of their partnership."""
        return [
            d
            for d in self.data.opportunities
            if company in (d["company"], self.partnerships[d["partnership"]]["vendor"])
        ]

    def _sees_financials(self, user_id: str, partnership: dict[str, Any]) -> bool:
        return self.partnership_view(user_id, partnership["id"]) == "party-financial"

    # -- portfolio ------------------------------------------------------------

    def sees_portfolio(self, user_id: str) -> bool:
        return self.users[user_id]["role"] in ("EXECUTIVE", "ANALYST")

    def portfolio(self, user_id: str, top: int, days: int, min_bucket: int) -> dict[str, Any]:
        company = self.company_of(user_id)
        mine = self._of_company(company)
        counts: dict[str, dict[str, int]] = {"tier": {}, "structure": {}, "status": {}}
        for p in mine:
            for key in counts:
                counts[key][p[key]] = counts[key].get(p[key], 0) + 1

        def buckets(found: dict[str, int]) -> list[dict[str, Any]]:
            return [{"key": k, "count": n} for k, n in sorted(found.items())]

        won: dict[str, dict[str, float]] = {}
        for deal in self.company_deals(company):
            p = self.partnerships[deal["partnership"]]
            if company in self._parties(p) and deal["status"] == "WON":
                per = won.setdefault(deal["currency"], {})
                other = self._other(p, company)
                per[other] = per.get(other, 0.0) + float(deal["amount"])
        return {
            "partnerships": {
                "total": len(mine),
                "byTier": buckets(counts["tier"]),
                "byStructure": buckets(counts["structure"]),
                "byStatus": buckets(counts["status"]),
            },
            "wonRevenueConcentration": [
                concentration(won[currency], top, currency) for currency in sorted(won)
            ],
            "sharedCustomerConcentration": concentration(self.shared_customers(company), top, None),
            "duplicatedCoverage": self.duplicated_coverage(company, min_bucket),
            "atRisk": self.at_risk(user_id, days),
        }

    def shared_customers(self, company: str) -> dict[str, float]:
        """Per ACTIVE partner: its customers the company reads, and the company's own
        that the partner reads; customers nobody across the partnership may read (any
        link at LOW by default) are not shared."""
        ours = self.company_customers(company)
        shared: dict[str, float] = {}
        for other in self._active_partners(company):
            theirs = self.company_customers(other)
            n = sum(1 for c in self.data.customers if c["owner"] == other and c["id"] in ours)
            n += sum(1 for c in self.data.customers if c["owner"] == company and c["id"] in theirs)
            if n:
                shared[other] = float(n)
        return shared

    def duplicated_coverage(self, company: str, min_bucket: int) -> dict[str, Any]:
        """Counts only: the company's accounts that two or more ACTIVE partners hold."""
        holders: dict[str, int] = {}
        for other in self._active_partners(company):
            for account in set(self._accounts(other)) & set(self._accounts(company)):
                holders[account] = holders.get(account, 0) + 1
        by_count: dict[str | None, set[str]] = {}
        for account, n in holders.items():
            if n >= 2:
                by_count.setdefault(str(n), set()).add(account)
        total = sum(len(a) for a in by_count.values())
        shown = shown_buckets(by_count, total, min_bucket)
        return {
            "accounts": total,
            "byPartnerCount": [
                {"key": k, "count": shown[k]} for k in sorted(shown, key=lambda k: int(k or 0))
            ],
        }

    def at_risk(self, user_id: str, days: int) -> list[dict[str, Any]]:
        """ACTIVE partnerships with a warning sign, from what the viewer sees: its
        company's deals, the links it gave or received, MDF requests if it reads them."""
        company = self.company_of(user_id)
        window = timedelta(days=days)
        deals = self.company_deals(company)
        rows = []
        for p in self._of_company(company):
            if p["status"] != "ACTIVE":
                continue
            under = [d for d in deals if d["partnership"] == p["id"]]
            recent = sum(float(d["amount"]) for d in under if d["registeredAt"] > self.now - window)
            previous = sum(
                float(d["amount"])
                for d in under
                if self.now - 2 * window < d["registeredAt"] <= self.now - window
            )
            links = [
                link
                for link in self.data.data_links
                if link["partnership"] == p["id"] and company in (link["owner"], link["recipient"])
            ]
            expiring = sum(
                1
                for link in links
                if link.get("revokedAt") is None
                and link.get("expiresAt") is not None
                and self.now < link["expiresAt"] <= self.now + window
            )
            dates = [d["registeredAt"] for d in under] + [link["createdAt"] for link in links]
            if self._sees_financials(user_id, p):
                dates += [
                    m["requestedAt"] for m in self.data.mdf_requests if m["partnership"] == p["id"]
                ]
            dates += [p["since"]] if p.get("since") else []
            last = max(dates, default=None)
            declining = previous > 0 and recent < previous
            inactive = last is None or last <= self.now - window
            if declining or expiring or inactive:
                reasons = [
                    reason
                    for reason, on in (
                        ("DECLINING_PIPELINE", declining),
                        ("EXPIRING_LINKS", expiring > 0),
                        ("INACTIVE", inactive),
                    )
                    if on
                ]
                rows.append(
                    {
                        "reasons": reasons,
                        "pipelineRecent": recent,
                        "pipelinePrevious": previous,
                        "expiringLinks": expiring,
                        "lastActivityAt": last,
                        "partnership": p["id"],
                        "partner": self._other(p, company),
                    }
                )
        return rows

    # -- network measures -------------------------------------------------------

    def network_measures(self, user_id: str) -> list[dict[str, Any]]:
        """Degree (visible partnerships) and harmonic closeness over the visible network
        (the viewer's company and every party of a visible partnership), by degree
        descending then id."""
        visible = [
            p for p in self.data.partnerships if self.partnership_view(user_id, p["id"]) is not None
        ]
        companies = {self.company_of(user_id)} | {c for p in visible for c in self._parties(p)}
        neighbours: dict[str, set[str]] = {c: set() for c in companies}
        degree = dict.fromkeys(companies, 0)
        for p in visible:
            vendor, partner = self._parties(p)
            degree[vendor] += 1
            degree[partner] += 1
            neighbours[vendor].add(partner)
            neighbours[partner].add(vendor)
        rows = []
        for start in companies:
            distances = {start: 0}
            frontier = [start]
            while frontier:
                reached = []
                for here in frontier:
                    for there in neighbours[here] - set(distances):
                        distances[there] = distances[here] + 1
                        reached.append(there)
                frontier = reached
            harmonic = sum(1.0 / d for d in distances.values() if d > 0)
            scale = 1.0 / (len(companies) - 1) if len(companies) > 1 else 0.0
            rows.append({"company": start, "degree": degree[start], "centrality": harmonic * scale})
        return sorted(rows, key=lambda r: (-r["degree"], r["company"]))

    # -- scorecards, certification, MDF -----------------------------------------

    def scorecard(self, user_id: str, partnership_id: str) -> dict[str, Any] | None:
        """None (FORBIDDEN, group SCORECARD) unless the viewer is the vendor's EXECUTIVE
        or managing MANAGER, or the partner's EXECUTIVE; the default configuration."""
        user = self.users[user_id]
        company, role = user["company"], user["role"]
        p = self.partnerships[partnership_id]
        vendor, partner = self._parties(p)
        managed = user_id in p.get("managers", [])
        if not (
            (company == vendor and (role == "EXECUTIVE" or (role == "MANAGER" and managed)))
            or (company == partner and role == "EXECUTIVE")
        ):
            return None
        deals = [d for d in self.company_deals(company) if d["partnership"] == partnership_id]
        status = {d["id"]: self.deal_status(d["id"]) for d in deals}
        won = [d for d in deals if status[d["id"]] == "WON"]
        lost = [d for d in deals if status[d["id"]] == "LOST"]
        cycles = [
            (d["closedAt"] - d["registeredAt"]).total_seconds() // 1 / 86400.0
            for d in won
            if d.get("closedAt") and d.get("registeredAt")
        ]
        budget = float(p.get("mdfBudget") or 0.0)
        approved = sum(
            float(m["amount"])
            for m in self.data.mdf_requests
            if m["partnership"] == partnership_id and m["status"] == "APPROVED"
        )
        shared: set[str] = set()
        for link in self.data.data_links:
            if (link["owner"], link["recipient"], link["partnership"]) == (
                partner,
                vendor,
                partnership_id,
            ) and self._live(link):
                shared |= set(link["scope"]) & self.ceiling(link) & SHAREABLE_GROUPS
        figures: dict[str, float | None] = {
            "REGISTERED_PIPELINE": sum(
                float(d["amount"]) for d in deals if status[d["id"]] in ("SUBMITTED", "APPROVED")
            ),
            "WON_REVENUE": sum(float(d["amount"]) for d in won),
            "WIN_RATE": len(won) / (len(won) + len(lost)) if won or lost else None,
            "AVG_DEAL_CYCLE_DAYS": sum(cycles) / len(cycles) if cycles else None,
            "CERTIFIED_USERS": float(self.certified_users(vendor, partner)),
            "MDF_UTILISATION": approved / budget if budget > 0 else None,
            "DATA_SHARING_DEPTH": float(len(shared)),
            "TENURE_DAYS": float((self.now - p["since"]).days if p.get("since") else 0),
        }
        return {"currency": p.get("currency"), "figures": figures, **score(figures)}

    def certified_users(self, vendor: str, partner: str) -> int:
        """Users of ``partner`` certified on a course of ``vendor``: rows of both (the
        partner's users, the vendor's courses)."""
        courses = {c["id"]: c for c in self.data.courses if c["vendor"] == vendor}
        return len(
            {
                done["user"]
                for done in self.data.completions
                if done["course"] in courses
                and self.company_of(done["user"]) == partner
                and done["score"] >= _passing(courses[done["course"]])
            }
        )

    def course_counts(self, user_id: str, course_id: str) -> tuple[int, int]:
        """(completions, certified) of a course the viewer sees: every user's for its
        vendor, the viewer's own company's users' for anyone else."""
        company = self.company_of(user_id)
        course = next(c for c in self.data.courses if c["id"] == course_id)
        passing = course.get("passingScore")
        passing = PASSING_SCORE if passing is None else passing
        done = [
            d
            for d in self.data.completions
            if d["course"] == course_id
            and (course["vendor"] == company or self.company_of(d["user"]) == company)
        ]
        return len({d["user"] for d in done}), len(
            {d["user"] for d in done if d["score"] >= passing}
        )

    def sees_courses_of(self, user_id: str, vendor: str) -> bool:
        company = self.company_of(user_id)
        return vendor == company or vendor in self._active_partners(company)

    def mdf_remaining(self, user_id: str, partnership_id: str) -> float | None:
        """None (FORBIDDEN, FINANCIAL) unless the viewer reads the partnership's financials."""
        p = self.partnerships[partnership_id]
        if not self._sees_financials(user_id, p):
            return None
        approved = sum(
            float(m["amount"])
            for m in self.data.mdf_requests
            if m["partnership"] == partnership_id and m["status"] == "APPROVED"
        )
        return float(p.get("mdfBudget") or 0.0) - approved

    # -- oversight --------------------------------------------------------------

    def oversight(self, user_id: str) -> dict[str, Any]:
        """Totals at the viewer's level: an EXECUTIVE or ANALYST the company's
        partnerships, a MANAGER those they manage, a REP the deals they registered;
        deals the company sees only; MDF money for EXECUTIVEs and MANAGERs (else None)."""
        user = self.users[user_id]
        company, role = user["company"], user["role"]
        mine = self._of_company(company)
        deals = [
            d
            for d in self.company_deals(company)
            if company in self._parties(self.partnerships[d["partnership"]])
        ]
        if role == "REP":
            scope, partnerships = "OWN", None
            deals = [d for d in deals if d["user"] == user_id]
        else:
            if role == "MANAGER":
                scope = "MANAGED"
                mine = [p for p in mine if user_id in p.get("managers", [])]
            else:
                scope = "COMPANY"
            ids = {p["id"] for p in mine}
            deals = [d for d in deals if d["partnership"] in ids]
            partnerships = {
                "count": len(mine),
                "byStatus": _count_by(p["status"] for p in mine),
                "byTier": _count_by(p["tier"] for p in mine),
            }
        status = {d["id"]: self.deal_status(d["id"]) for d in deals}
        currency = {
            d["id"]: d.get("currency") or self.partnerships[d["partnership"]].get("currency")
            for d in deals
        }
        amounts = [(status[d["id"]], currency[d["id"]], float(d["amount"] or 0.0)) for d in deals]
        financials = role in ("EXECUTIVE", "MANAGER") and scope != "OWN"
        mdf = None
        if financials:
            ids = {p["id"] for p in mine}
            requests = [
                (
                    m["status"],
                    self.partnerships[m["partnership"]].get("currency"),
                    float(m["amount"]),
                )
                for m in self.data.mdf_requests
                if m["partnership"] in ids
            ]
            budget = [
                (p.get("currency"), float(p["mdfBudget"]))
                for p in mine
                if p.get("mdfBudget") is not None
            ]
            approved = [(c, a) for s, c, a in requests if s == "APPROVED"]
            mdf = {
                "budget": _money(budget),
                "requested": _money((c, a) for _, c, a in requests),
                "approved": _money(approved),
                "pending": _money((c, a) for s, c, a in requests if s == "SUBMITTED"),
                "remaining": _money([*budget, *((c, -a) for c, a in approved)]),
            }
        breakdown = []
        for p in [] if scope == "OWN" else mine:
            under = [d for d in deals if d["partnership"] == p["id"]]
            won = [d for d in under if status[d["id"]] == "WON"]
            lost = [d for d in under if status[d["id"]] == "LOST"]
            approved_here = sum(
                float(m["amount"])
                for m in self.data.mdf_requests
                if m["partnership"] == p["id"] and m["status"] == "APPROVED"
            )
            budget_here = p.get("mdfBudget")
            breakdown.append(
                {
                    "partnership": p["id"],
                    "currency": p.get("currency"),
                    "dealCount": len(under),
                    "openPipeline": sum(
                        float(d["amount"])
                        for d in under
                        if status[d["id"]] in ("SUBMITTED", "APPROVED")
                    ),
                    "wonRevenue": sum(float(d["amount"]) for d in won),
                    "winRate": len(won) / (len(won) + len(lost)) if won or lost else None,
                    "mdfApproved": approved_here if financials else None,
                    "mdfRemaining": (
                        None
                        if not financials or budget_here is None
                        else float(budget_here) - approved_here
                    ),
                }
            )
        return {
            "scope": scope,
            "partnerships": partnerships,
            "deals": {
                "count": len(deals),
                "byStatus": [
                    {
                        "status": s,
                        "count": sum(1 for t, _, _ in amounts if t == s),
                        "amounts": _money((c, a) for t, c, a in amounts if t == s),
                    }
                    for s in sorted({t for t, _, _ in amounts})
                ],
                "openPipeline": _money(
                    (c, a) for t, c, a in amounts if t in ("SUBMITTED", "APPROVED")
                ),
                "wonRevenue": _money((c, a) for t, c, a in amounts if t == "WON"),
            },
            "mdf": mdf,
            "breakdown": breakdown,
        }


def normalized_domain(customer: dict[str, object]) -> str | None:
    """Surrounding white space dropped, lower case; empty means none."""
    domain = customer.get("domain")
    normalized = domain.strip().lower() if isinstance(domain, str) else ""
    return normalized or None


def shown_buckets(
    buckets: dict[str | None, set[str]], total: int, min_bucket: int
) -> dict[str | None, int]:
    """Counts-only breakdowns (docs/analytics.md): a bucket of fewer than ``min_bucket``
    accounts is left out; then, as long as the total minus the shown counts is above
    zero and below ``min_bucket`` (one subtraction away from a small count), the
    smallest shown bucket is left out as well (ties: null key first, then by key)."""
    shown = {key: len(accounts) for key, accounts in buckets.items() if len(accounts) >= min_bucket}
    while shown and 0 < total - sum(shown.values()) < min_bucket:
        smallest = min(shown, key=lambda k: (shown[k], k is not None, k or ""))
        del shown[smallest]
    return shown


@dataclass(frozen=True)
class ExpectedOverlap:
    tier: str
    partner: str
    total: int
    #: Bucket key (the viewer's record's industry or region, None when unset) → accounts.
    by_industry: dict[str | None, int]
    by_region: dict[str | None, int]
    #: None at LOW; else normalized domain → (the viewer's record ids, the partner's
    #: record ids whose identity the viewer may read).
    accounts: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] | None


# -- figures: helpers in the API's shape -------------------------------------

#: A completion at or above this score certifies, unless the course sets its own.
PASSING_SCORE = 70
#: Groups a data link can share (INTERNAL never leaves its owner).
SHAREABLE_GROUPS = {"IDENTITY", "PROFILE", "CONTACT", "FINANCIAL"}
#: The default scorecard, read as data (policy/defaults/scorecard.toml).
SCORECARD_DEFAULTS: dict[str, Any] = tomllib.loads(
    (Path(__file__).parents[2] / "policy" / "defaults" / "scorecard.toml").read_text()
)
LOWER_IS_BETTER = {"AVG_DEAL_CYCLE_DAYS"}


def concentration(values: dict[str, float], top: int, currency: str | None) -> dict[str, Any]:
    """Each partner's share of the total, the ``top`` largest (then by id), the share
    they hold together and the Herfindahl index (the sum of every squared share)."""
    total = sum(values.values())
    shares = {k: (v / total if total > 0 else 0.0) for k, v in values.items()}
    largest = sorted(values, key=lambda k: (-values[k], k))[:top]
    return {
        "currency": currency,
        "total": float(total),
        "top": [{"partner": k, "value": values[k], "share": shares[k]} for k in largest],
        "topShare": sum(shares[k] for k in largest),
        "herfindahl": sum(s * s for s in shares.values()),
    }


def score(figures: dict[str, float | None]) -> dict[str, Any]:
    """The default scorecard: each criterion against its target (capped at 1; target /
    value where lower is better; no value scores 0), the weighted mean, the tier."""
    criteria = []
    for name, spec in SCORECARD_DEFAULTS["criteria"].items():
        value, target = figures[name], float(spec["target"])
        if value is None or value < 0:
            normalized = 0.0
        elif name in LOWER_IS_BETTER:
            normalized = 1.0 if value <= target else target / value
        else:
            normalized = min(1.0, value / target)
        criteria.append(
            {"criterion": name, "value": value, "weight": spec["weight"], "normalized": normalized}
        )
    composite = sum(c["weight"] * c["normalized"] for c in criteria) / sum(
        c["weight"] for c in criteria
    )
    tier = "LOW"
    for candidate in ("MEDIUM", "HIGH"):
        if composite + 1e-12 >= SCORECARD_DEFAULTS["tier_thresholds"][candidate]:
            tier = candidate
    return {"criteria": criteria, "composite": composite, "recommendedTier": tier}


def _passing(course: dict[str, Any]) -> float:
    passing = course.get("passingScore")
    return PASSING_SCORE if passing is None else float(passing)


def _money(pairs: Iterable[tuple[str | None, float]]) -> list[dict[str, Any]]:
    sums: dict[str | None, float] = {}
    for currency, amount in pairs:
        sums[currency] = sums.get(currency, 0.0) + amount
    return [{"currency": c, "amount": a} for c, a in sorted(sums.items(), key=lambda x: x[0] or "")]


def _count_by(keys: Iterable[str]) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return [{"key": k, "count": n} for k, n in sorted(counts.items())]
