"""An independent reference implementation of authorization.md, over ``GraphData`` rows.

Written from the document, not from the gateway's code: it shares no
function with ``policy`` or ``graph``. Tests compare what the gateway
returns with what this says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
                if not (link["allCustomers"] or customer["id"] in link["covers"]):
                    continue
                granted = set(link["scope"]) & self.tier_groups(owner, partnership["tier"])
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
            by_industry=_suppressed(by_industry, min_bucket),
            by_region=_suppressed(by_region, min_bucket),
            accounts=accounts,
        )

    def _accounts(self, company: str) -> dict[str, list[str]]:
        """A company's customer records by account; a record without a domain is no account."""
        held: dict[str, list[str]] = {}
        for customer in self.data.customers:
            if customer["owner"] == company and (account := normalized_domain(customer)):
                held.setdefault(account, []).append(customer["id"])
        return held


def normalized_domain(customer: dict[str, object]) -> str | None:
    """Surrounding white space dropped, lower case; empty means none."""
    domain = customer.get("domain")
    normalized = domain.strip().lower() if isinstance(domain, str) else ""
    return normalized or None


def _suppressed(buckets: dict[str | None, set[str]], min_bucket: int) -> dict[str | None, int]:
    return {key: len(accounts) for key, accounts in buckets.items() if len(accounts) >= min_bucket}


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
