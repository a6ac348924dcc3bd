"""The rules of authorization.md as pure functions over facts read from the graph."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from policy._model import FieldGroup, Role
from policy._policy import Policy


@dataclass(frozen=True, slots=True)
class LinkFacts:
    """A DataLink received by the viewer's company, with what decides whether it counts."""

    id: str
    owner: str
    scope: tuple[str, ...]
    all_customers: bool
    expires_at: datetime | None
    revoked_at: datetime | None
    partnership_status: str | None
    partnership_tier: str | None
    partnership_parties: frozenset[str]
    #: The owner's SharingPolicy overrides: tier → groups.
    owner_overrides: Mapping[str, tuple[str, ...]]
    #: What the owner accepted for this link (docs/consent.md): the groups, and
    #: whether it covers all of the owner's customers. None (a link that never
    #: recorded a consent) grants nothing.
    ceiling: tuple[str, ...] | None
    ceiling_all_customers: bool


@dataclass(frozen=True, slots=True)
class Grant:
    """What one live DataLink lets the recipient read of the owner's covered customers."""

    link: str
    owner: str
    groups: frozenset[FieldGroup]
    all_customers: bool


def effective_grants(
    viewer_company: str, links: Iterable[LinkFacts], policy: Policy, now: datetime
) -> list[Grant]:
    """Rule 2 of authorization.md: live links under an ACTIVE partnership of both parties.

    A link reads ``scope ∩ tierGroups ∩ ceiling``; it covers all the owner's
    customers only if its owner accepted that too. A link whose groups come out
    empty grants nothing and is dropped.
    """
    grants = []
    for link in links:
        if link.revoked_at is not None:
            continue
        if link.expires_at is not None and link.expires_at <= now:
            continue
        if link.partnership_status != "ACTIVE" or link.partnership_tier is None:
            continue
        if link.partnership_parties != frozenset({link.owner, viewer_company}):
            continue
        tier_groups = policy.groups_for_tier(
            link.partnership_tier, link.owner_overrides.get(link.partnership_tier)
        )
        scope = {FieldGroup(g) for g in link.scope if g in FieldGroup.__members__}
        ceiling = {FieldGroup(g) for g in link.ceiling or () if g in FieldGroup.__members__}
        groups = frozenset(scope & tier_groups & ceiling)
        if groups:
            every = link.all_customers and link.ceiling_all_customers
            grants.append(Grant(link.id, link.owner, groups, every))
    return grants


@dataclass(frozen=True, slots=True)
class PartnershipAccess:
    """How the viewer sees one partnership: as a party, or as a HIGH partner of a party."""

    party: bool
    financials: bool

    @property
    def groups(self) -> frozenset[FieldGroup]:
        """Groups beyond the network view (id, tier, structure, status, vendor, partner)."""
        groups = set()
        if self.party:
            groups.add(FieldGroup.PARTY)
        if self.financials:
            groups.add(FieldGroup.FINANCIAL)
        return frozenset(groups)


def sees_financials(role: str, party: bool, managed: bool) -> bool:
    """revenueSharePct and mdfBudget: the parties' executives and the managing manager."""
    if not party:
        return False
    return role == Role.EXECUTIVE or (role == Role.MANAGER and managed)


def partnership_access(
    *,
    viewer_company: str,
    role: str,
    managed: Collection[str],
    high_partners: Collection[str],
    partnership_id: str,
    vendor: str,
    partner: str,
) -> PartnershipAccess | None:
    """The partnership table of authorization.md; None means the partnership is invisible."""
    party = viewer_company in (vendor, partner)
    if party:
        return PartnershipAccess(
            party=True,
            financials=sees_financials(role, True, partnership_id in managed),
        )
    if vendor in high_partners or partner in high_partners:
        return PartnershipAccess(party=False, financials=False)
    return None


def sees_company_contacts(
    viewer_company: str, company: str, active_partners: Collection[str]
) -> bool:
    """A company's contacts: itself and the other party of any ACTIVE partnership, any tier."""
    return company == viewer_company or company in active_partners
