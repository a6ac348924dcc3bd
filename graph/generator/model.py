"""A graph to load, as plain rows: what the generator produces and tests write by hand.

Property names are those of graph-model.md. Relationships are carried as ids
on the rows that own them (e.g. a customer's ``owner``), so that a loader can
write each kind with one batched ``UNWIND`` statement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]


@dataclass
class GraphData:
    """Rows per label. Keys beyond the node properties name relationships:

    - companies: id, name, domain, industry, country, employees, description, createdAt
    - users: id, name, email, role, company (MEMBER_OF)
    - partnerships: id, tier, structure, status, since, endedAt, currency,
      revenueSharePct, mdfBudget, vendorAcceptedAt, partnerAcceptedAt,
      vendor (VENDOR_IN), partner (PARTNER_IN), managers (list of user ids: MANAGES)
    - customers: id, name, domain, industry, region, segment, employees, email,
      phone, address, annualRevenue, notes, createdAt, owner (OWNED_BY)
    - contacts: id, name, email, phone, title, company or customer (WORKS_AT)
    - data_links: id, scope, allCustomers, ceiling, ceilingAllCustomers, purpose,
      createdAt, expiresAt, revokedAt, owner (GRANTS), recipient (TO),
      partnership (UNDER), covers (list of customer ids)
    - opportunities: id, title, amount, currency, stage, status, registeredAt,
      expiresAt, closedAt, company (REGISTERED), customer (FOR), user (REGISTERED_BY),
      partnership (UNDER), product (OF_PRODUCT, optional)
    - products: id, sku, name, description, listPrice, currency, vendor (SELLS)
    - courses: id, title, level, vendor (OFFERS)
    - completions: user, course, at, score (COMPLETED)
    - mdf_requests: id, campaign, amount, status, requestedAt, decidedAt, partnership (UNDER)
    - sharing_policies: id, tier, groups, company (HAS_POLICY)
    """

    companies: list[Row] = field(default_factory=list[Row])
    users: list[Row] = field(default_factory=list[Row])
    partnerships: list[Row] = field(default_factory=list[Row])
    customers: list[Row] = field(default_factory=list[Row])
    contacts: list[Row] = field(default_factory=list[Row])
    data_links: list[Row] = field(default_factory=list[Row])
    opportunities: list[Row] = field(default_factory=list[Row])
    products: list[Row] = field(default_factory=list[Row])
    courses: list[Row] = field(default_factory=list[Row])
    completions: list[Row] = field(default_factory=list[Row])
    mdf_requests: list[Row] = field(default_factory=list[Row])
    sharing_policies: list[Row] = field(default_factory=list[Row])

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in vars(self).items()}
