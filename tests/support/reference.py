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

    def deal_status(self, deal_id: str) -> str:
        """An open deal (SUBMITTED, APPROVED) past its expiry is EXPIRED."""
        deal = next(d for d in self.data.opportunities if d["id"] == deal_id)
        expires = deal.get("expiresAt")
        if deal["status"] in ("SUBMITTED", "APPROVED") and expires and expires <= self.now:
            return "EXPIRED"
        return str(deal["status"])
