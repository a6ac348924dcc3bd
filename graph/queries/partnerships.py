"""Partnerships visible to a viewer: its company's own, and, through an ACTIVE HIGH
partner, that partner's partnerships (network view).

Rows carry vendor and partner ids; which fields the viewer reads of a row is
decided in ``policy.partnership_access`` from those ids, not by another query.

The writes (graph/commands/partnerships.py) take the partnership's lock first and
then change its status, tier, managers and onboarding checklist.
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

# -- writes (graph/commands/partnerships.py) --------------------------------

# ``SET x._lock = true REMOVE x._lock`` takes a write lock on x and changes
# nothing: a concurrent writer of the same node waits until this one commits,
# so what is read after it cannot change before the write (check-then-act).
PARTNERSHIP_FOR_UPDATE_QUERY: LiteralString = """
MATCH (vendor:Company)-[:VENDOR_IN]->(p:Partnership {id: $id})<-[:PARTNER_IN]-(partner:Company)
SET p._lock = true REMOVE p._lock
RETURN p.status AS status, p.tier AS tier, vendor.id AS vendor, partner.id AS partner,
       p.vendorAcceptedAt IS NOT NULL AS vendorAccepted,
       p.partnerAcceptedAt IS NOT NULL AS partnerAccepted,
       [(p)-[:HAS_ITEM]->(i:OnboardingItem) WHERE i.required AND i.doneAt IS NULL | i.key]
         AS missing
"""

LIVE_PARTNERSHIP_BETWEEN_QUERY: LiteralString = """
MATCH (a:Company) WHERE a.id IN [$vendor, $partner]
WITH a ORDER BY a.id
SET a._lock = true REMOVE a._lock
WITH collect(a.id) AS found
OPTIONAL MATCH (:Company {id: $vendor})-[:VENDOR_IN|PARTNER_IN]->(p:Partnership)
               <-[:VENDOR_IN|PARTNER_IN]-(:Company {id: $partner})
WHERE p.status <> 'ENDED'
RETURN found, collect(p.id) AS live
"""

CREATED_PARTNERSHIP_QUERY: LiteralString = """
MATCH (vendor:Company {id: $vendor}), (partner:Company {id: $partner})
CREATE (vendor)-[:VENDOR_IN]->(p:Partnership {
  id: $id, tier: $tier, structure: $structure, status: 'PROSPECT', currency: $currency,
  revenueSharePct: $revenueSharePct, mdfBudget: $mdfBudget, createdAt: datetime(),
  vendorAcceptedAt: CASE WHEN $side = 'VENDOR' THEN datetime() END,
  partnerAcceptedAt: CASE WHEN $side = 'PARTNER' THEN datetime() END
})<-[:PARTNER_IN]-(partner)
WITH vendor, p
CALL (vendor, p) {
  MATCH (vendor)-[:REQUIRES]->(r:OnboardingRequirement)
  CREATE (p)-[:HAS_ITEM]->(:OnboardingItem {
    id: p.id + ':' + r.key, key: r.key, title: r.title, required: r.required
  })
}
CALL (p) {
  MATCH (m:User {id: $managerId})
  CREATE (m)-[:MANAGES]->(p)
}
RETURN p.id AS id
"""

STATUS_CHANGED_QUERY: LiteralString = """
MATCH (p:Partnership {id: $id})
SET p.status = $to,
    p.since = CASE WHEN $to = 'ACTIVE' AND p.since IS NULL THEN datetime() ELSE p.since END,
    p.endedAt = CASE WHEN $to = 'ENDED' THEN datetime() ELSE p.endedAt END
RETURN p.id AS id
"""

TIER_CHANGED_QUERY: LiteralString = """
MATCH (p:Partnership {id: $id}) SET p.tier = $tier RETURN p.id AS id
"""

MANAGER_OF_QUERY: LiteralString = """
MATCH (u:User {id: $userId})-[:MEMBER_OF]->(c:Company)
RETURN u.role AS role, c.id AS company
"""

MANAGER_ASSIGNED_QUERY: LiteralString = """
MATCH (u:User {id: $userId}), (p:Partnership {id: $id})
MERGE (u)-[:MANAGES]->(p)
RETURN p.id AS id
"""

ITEM_DONE_QUERY: LiteralString = """
MATCH (p:Partnership {id: $id})-[:HAS_ITEM]->(i:OnboardingItem {key: $key})
SET i.doneAt = coalesce(i.doneAt, datetime()), i.doneById = coalesce(i.doneById, $userId)
RETURN i.id AS id
"""

CHECKLIST_REPLACED_QUERY: LiteralString = """
MATCH (c:Company {id: $companyId})
SET c._lock = true REMOVE c._lock
WITH c
CALL (c) {
  OPTIONAL MATCH (c)-[:REQUIRES]->(old:OnboardingRequirement)
  DETACH DELETE old
}
WITH c
UNWIND $items AS item
CREATE (c)-[:REQUIRES]->(:OnboardingRequirement {
  id: $companyId + ':' + item.key, key: item.key, title: item.title, required: item.required
})
RETURN count(*) AS items
"""
