"""Data sharing: DataLinks (visible to their owner and their recipient, no one else)
and each company's SharingPolicy per tier; the writes grant and revoke links and
set policies (graph/commands/data_sharing.py)."""

from typing import LiteralString

from graph.queries.paging import page_return

# A link's properties, its datetimes as epoch milliseconds (graph.values.as_datetime).
LINK_PROPS: LiteralString = (
    "l {.*, createdAt: l.createdAt.epochMillis, expiresAt: l.expiresAt.epochMillis,"
    " revokedAt: l.revokedAt.epochMillis}"
)

_VISIBLE: LiteralString = """
  MATCH (o:Company)-[:GRANTS]->(l)-[:TO]->(r:Company)
  WHERE o.id = $companyId OR r.id = $companyId
  OPTIONAL MATCH (l)-[:UNDER]->(ps:Partnership)
"""

DATA_LINKS_BY_IDS_QUERY: LiteralString = (
    "MATCH (l:DataLink) WHERE l.id IN $ids\n"
    + _VISIBLE
    + "RETURN {id: l.id, props: "
    + LINK_PROPS
    + ", owner: o.id, recipient: r.id, partnership: ps.id} AS row"
)

# Parents are partnership ids.
DATA_LINKS_OF_PARTNERSHIPS_QUERY: LiteralString = (
    "UNWIND $parents AS p\n"
    "CALL (p) {\n"
    "  MATCH (l:DataLink)-[:UNDER]->(:Partnership {id: p.key})\n"
    + _VISIBLE
    + "  WITH l, o, r, ps ORDER BY l.id\n"
    "  WITH {id: l.id, k: l.id, props: "
    + LINK_PROPS
    + ", owner: o.id, recipient: r.id, partnership: ps.id} AS row\n"
    + page_return()
    + "}\nRETURN p.key AS key, total, page"
)

# Links the viewer's company gave ($given) and/or received ($received); $active
# keeps only those neither revoked nor expired (null: all).
DATA_LINKS_OF_COMPANY_QUERY: LiteralString = (
    """
MATCH (c:Company {id: $companyId})
CALL (c) {
  MATCH (c)-[:GRANTS]->(l:DataLink) WHERE $given RETURN l
  UNION
  MATCH (c)<-[:TO]-(l:DataLink) WHERE $received RETURN l
}
WITH l
WHERE $active IS NULL
   OR $active = (l.revokedAt IS NULL AND (l.expiresAt IS NULL OR l.expiresAt > datetime()))
CALL (l) {
"""
    + _VISIBLE
    + """  RETURN o, r, ps LIMIT 1
}
WITH l, o, r, ps ORDER BY l.id
WITH {id: l.id, k: l.id, props: """
    + LINK_PROPS
    + """, owner: o.id, recipient: r.id, partnership: ps.id} AS row
"""
    + page_return()
)

SHARING_POLICIES_OF_COMPANY_QUERY: LiteralString = """
MATCH (:Company {id: $companyId})-[:HAS_POLICY]->(sp:SharingPolicy)
RETURN sp.tier AS tier, sp.groups AS groups
"""

# -- writes (graph/commands/data_sharing.py) --------------------------------

SHARING_PARTNERSHIP_QUERY: LiteralString = """
MATCH (vendor:Company)-[:VENDOR_IN]->(p:Partnership {id: $id})<-[:PARTNER_IN]-(partner:Company)
SET p._lock = true REMOVE p._lock
RETURN p.status AS status, vendor.id AS vendor, partner.id AS partner
"""

OWNED_CUSTOMERS_QUERY: LiteralString = """
MATCH (c:Customer)-[:OWNED_BY]->(:Company {id: $owner})
WHERE c.id IN $ids
RETURN collect(c.id) AS owned
"""

GRANTED_LINK_QUERY: LiteralString = """
MATCH (o:Company {id: $owner}), (r:Company {id: $recipient}), (p:Partnership {id: $partnershipId})
CREATE (o)-[:GRANTS]->(l:DataLink {
  id: $id, scope: $scope, allCustomers: $allCustomers, purpose: $purpose,
  ceiling: $scope, ceilingAllCustomers: $allCustomers,
  createdAt: datetime(), expiresAt: $expiresAt
})-[:TO]->(r)
CREATE (l)-[:UNDER]->(p)
WITH l
CALL (l) {
  UNWIND $customerIds AS cid
  MATCH (c:Customer {id: cid})
  CREATE (l)-[:COVERS]->(c)
  RETURN count(c) AS covered
}
RETURN l.id AS id, covered
"""

# The partnership's lock before the link's: the order consent answers take
# (graph/queries/consent.py), so a revocation and an acceptance serialize.
# Nothing of a link the viewer's company is neither end of is locked.
LINK_FOR_UPDATE_QUERY: LiteralString = """
MATCH (o:Company)-[:GRANTS]->(l:DataLink {id: $id})-[:TO]->(r:Company)
WHERE $companyId IN [o.id, r.id]
OPTIONAL MATCH (l)-[:UNDER]->(p:Partnership)
FOREACH (x IN CASE WHEN p IS NULL THEN [] ELSE [p] END | SET x._lock = true REMOVE x._lock)
SET l._lock = true REMOVE l._lock
RETURN o.id AS owner, r.id AS recipient, p.id AS partnership, p.status AS status,
       l.revokedAt AS revokedAt, l.scope AS scope, l.allCustomers AS allCustomers,
       l.ceiling AS ceiling, l.ceilingAllCustomers AS ceilingAllCustomers,
       l.revokedAt IS NULL AND (l.expiresAt IS NULL OR l.expiresAt > datetime()) AS live
"""

REVOKED_LINK_QUERY: LiteralString = """
MATCH (l:DataLink {id: $id}) SET l.revokedAt = datetime() RETURN l.id AS id
"""

# The override of one tier replaces the earlier one; the company node's lock
# keeps two concurrent edits from creating two policies for one tier.
SHARING_POLICY_SET_QUERY: LiteralString = """
MATCH (c:Company {id: $companyId})
SET c._lock = true REMOVE c._lock
WITH c
OPTIONAL MATCH (c)-[:HAS_POLICY]->(old:SharingPolicy {tier: $tier})
WITH c, collect(old) AS olds
CALL (c, olds) {
  WITH c, olds WHERE size(olds) = 0
  CREATE (c)-[:HAS_POLICY]->(:SharingPolicy {id: $newId, tier: $tier, groups: $groups})
}
FOREACH (sp IN olds | SET sp.groups = $groups)
RETURN coalesce(head(olds).id, $newId) AS id
"""

SHARING_POLICY_CLEARED_QUERY: LiteralString = """
MATCH (c:Company {id: $companyId})
SET c._lock = true REMOVE c._lock
WITH c
OPTIONAL MATCH (c)-[:HAS_POLICY]->(sp:SharingPolicy {tier: $tier})
DETACH DELETE sp
RETURN count(*) AS n
"""
