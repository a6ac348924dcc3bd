"""Loading the viewer once per request and turning its links into grants."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from graph.driver import Database, QueryStats
from graph.errors import Unauthenticated
from graph.queries.viewer import VIEWER_QUERY
from graph.values import as_datetime
from policy import FieldGroup, Grant, LinkFacts, Policy, effective_grants

_GROUP_ORDER = {g: i for i, g in enumerate(FieldGroup)}


def sorted_groups(groups: Iterable[FieldGroup]) -> list[str]:
    """Group names in the policy's order, as Cypher parameters and rows carry them."""
    return [g.value for g in sorted(groups, key=_GROUP_ORDER.__getitem__)]


@dataclass(frozen=True)
class Viewer:
    """Who is asking, read from the graph (a token cannot claim a company or a role)."""

    user_id: str
    name: str
    email: str | None
    role: str
    company_id: str
    managed: frozenset[str]
    grants: tuple[Grant, ...]
    #: Companies with an ACTIVE partnership with the viewer's company (any tier).
    active_partners: frozenset[str]
    #: Companies with an ACTIVE HIGH partnership with the viewer's company.
    high_partners: frozenset[str]
    #: The public profile of the viewer's company.
    company: Mapping[str, Any]

    @cached_property
    def grants_by_owner(self) -> dict[str, list[dict[str, Any]]]:
        """The live grants by owner company, as the customer statements take them
        (``$grantsByOwner`` in graph/queries/customers.py)."""
        by_owner: dict[str, list[dict[str, Any]]] = {}
        for grant in self.grants:
            by_owner.setdefault(grant.owner, []).append(
                {
                    "link": grant.link,
                    "owner": grant.owner,
                    "groups": sorted_groups(grant.groups),
                    "all": grant.all_customers,
                }
            )
        return by_owner


async def load_viewer(
    db: Database, user_id: str, policy: Policy, stats: QueryStats | None = None
) -> Viewer:
    rows = await db.read(VIEWER_QUERY, {"userId": user_id}, stats)
    if not rows:
        raise Unauthenticated("Unknown user")
    return viewer_from_row(rows[0], policy, datetime.now(UTC))


def link_facts(link: Mapping[str, Any], recipient: str) -> LinkFacts:
    """A link as VIEWER_QUERY (or PORTFOLIO_GIVEN_LINKS_QUERY) reads it: only links that
    are live under an ACTIVE partnership of exactly the owner and ``recipient``, so the
    facts say so; ``policy.effective_grants`` decides what it lets ``recipient`` read."""
    return LinkFacts(
        id=str(link["id"]),
        owner=str(link["owner"]),
        scope=tuple(link.get("scope") or ()),
        all_customers=bool(link.get("allCustomers")),
        expires_at=as_datetime(link.get("expiresAt")),
        revoked_at=None,
        partnership_status="ACTIVE",
        partnership_tier=link.get("tier"),
        partnership_parties=frozenset({str(link["owner"]), recipient}),
        owner_overrides=(
            {str(link["tier"]): tuple(link["overrides"][0] or ())} if link.get("overrides") else {}
        ),
        ceiling=None if link.get("ceiling") is None else tuple(link["ceiling"]),
        ceiling_all_customers=bool(link.get("ceilingAllCustomers")),
    )


def viewer_from_row(row: Mapping[str, Any], policy: Policy, now: datetime) -> Viewer:
    company_id = str(row["companyId"])
    links = [link_facts(link, company_id) for link in row["links"]]
    user = row["user"]
    return Viewer(
        user_id=str(user["id"]),
        name=str(user.get("name") or ""),
        email=user.get("email"),
        role=str(user.get("role")),
        company_id=company_id,
        managed=frozenset(row["managed"]),
        grants=tuple(effective_grants(company_id, links, policy, now)),
        active_partners=frozenset(row["activePartners"]),
        high_partners=frozenset(row["highPartners"]),
        company=row["company"],
    )
