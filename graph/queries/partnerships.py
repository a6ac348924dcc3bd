"""Partnerships visible to a viewer: its company's own, and, through an ACTIVE HIGH
partner, that partner's partnerships (network view).

Rows carry vendor and partner ids; which fields the viewer reads of a row is
decided in ``policy.partnership_access`` from those ids, not by another query.
"""

from typing import LiteralString

from graph.queries.paging import page_return

# A partnership's properties, its `since` as epoch milliseconds (graph.values.as_datetime).
PARTNERSHIP_PROPS: LiteralString = "ps {.*, since: ps.since.epochMillis}"

_VISIBLE: LiteralString = """
  MATCH (vendor:Company)-[:VENDOR_IN]->(ps)<-[:PARTNER_IN]-(partner:Company)
  WHERE vendor.id = $companyId OR partner.id = $companyId
     OR vendor.id IN $highPartners OR partner.id IN $highPartners
"""

_ROW: LiteralString = (
    """
  WITH ps, vendor, partner ORDER BY ps.id
  WITH {id: ps.id, k: ps.id, props: """
    + PARTNERSHIP_PROPS
    + """, vendor: vendor.id, partner: partner.id} AS row
"""
)

PARTNERSHIPS_BY_IDS_QUERY: LiteralString = (
    "MATCH (ps:Partnership) WHERE ps.id IN $ids\n"
    + _VISIBLE
    + "RETURN {id: ps.id, props: "
    + PARTNERSHIP_PROPS
    + ", vendor: vendor.id, partner: partner.id} AS row"
)

# Parents are company ids; $tier and $status are optional filters.
PARTNERSHIPS_OF_COMPANIES_QUERY: LiteralString = (
    "UNWIND $parents AS p\n"
    "CALL (p) {\n"
    "  MATCH (:Company {id: p.key})-[:VENDOR_IN|PARTNER_IN]->(ps:Partnership)\n"
    "  WHERE ($tier IS NULL OR ps.tier = $tier) AND ($status IS NULL OR ps.status = $status)\n"
    + _VISIBLE
    + _ROW
    + page_return()
    + "}\nRETURN p.key AS key, total, page"
)

# Onboarding items of partnerships (the caller checks the viewer is a party).
ONBOARDING_ITEMS_QUERY: LiteralString = """
UNWIND $ids AS id
MATCH (:Partnership {id: id})-[:HAS_ITEM]->(i:OnboardingItem)
WITH id, i ORDER BY i.key
RETURN id, collect(i {.key, .title, .required, .doneAt, .doneById}) AS items
"""
