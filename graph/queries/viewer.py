"""The viewer of a request: user, company, role, and what the company was granted."""

from typing import LiteralString

# One round trip per request: everything the row-level rules need as parameters.
VIEWER_QUERY: LiteralString = """
MATCH (u:User {id: $userId})-[:MEMBER_OF]->(v:Company)
CALL (u) {
  OPTIONAL MATCH (u)-[:MANAGES]->(mp:Partnership)
  RETURN collect(mp.id) AS managed
}
CALL (v) {
  OPTIONAL MATCH (v)-[:VENDOR_IN|PARTNER_IN]->(p:Partnership)
                 <-[:VENDOR_IN|PARTNER_IN]-(other:Company)
  WHERE other <> v
  RETURN collect({id: p.id, status: p.status, tier: p.tier, other: other.id}) AS partnerships
}
CALL (v) {
  OPTIONAL MATCH (v)<-[:TO]-(l:DataLink)<-[:GRANTS]-(o:Company)
  OPTIONAL MATCH (l)-[:UNDER]->(p:Partnership)
  RETURN collect(CASE WHEN l IS NOT NULL THEN {
    id: l.id, owner: o.id, scope: l.scope, allCustomers: l.allCustomers,
    expiresAt: l.expiresAt, revokedAt: l.revokedAt,
    status: p.status, tier: p.tier,
    parties: [(p)<-[:VENDOR_IN|PARTNER_IN]-(x:Company) | x.id],
    overrides: [(o)-[:HAS_POLICY]->(sp:SharingPolicy) | {tier: sp.tier, groups: sp.groups}]
  } END) AS links
}
RETURN u {.id, .name, .email, .role} AS user, v.id AS companyId,
       managed, partnerships, links
"""
