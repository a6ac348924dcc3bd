"""The viewer of a request: user, company, role, and what the company was granted."""

from typing import LiteralString

from graph.queries.companies import COMPANY_PROFILE

# One round trip per request: everything the row-level rules need as parameters,
# and the company's public profile (so that viewer { company } costs nothing more).
# Links are pre-filtered to those that can grant anything (live, under an ACTIVE
# partnership of exactly the two companies); policy.effective_grants checks the
# same facts again and intersects scope with the owner's tier policy. A hub
# company receives hundreds of links, so returning only candidates keeps this
# read small.
VIEWER_QUERY: LiteralString = (
    """
MATCH (u:User {id: $userId})-[:MEMBER_OF]->(v:Company)
WHERE u.deactivatedAt IS NULL  // an erased user (graph/commands/erasures.py) is nobody
CALL (u) {
  OPTIONAL MATCH (u)-[:MANAGES]->(mp:Partnership)
  RETURN collect(mp.id) AS managed
}
CALL (v) {
  OPTIONAL MATCH (v)-[:VENDOR_IN|PARTNER_IN]->(p:Partnership {status: 'ACTIVE'})
                 <-[:VENDOR_IN|PARTNER_IN]-(other:Company)
  WHERE other <> v
  RETURN collect(DISTINCT other.id) AS activePartners,
         collect(DISTINCT CASE WHEN p.tier = 'HIGH' THEN other.id END) AS highPartners
}
CALL (v) {
  OPTIONAL MATCH (v)<-[:TO]-(l:DataLink)<-[:GRANTS]-(o:Company)
  WHERE l.revokedAt IS NULL AND (l.expiresAt IS NULL OR l.expiresAt > datetime())
  OPTIONAL MATCH (l)-[:UNDER]->(p:Partnership {status: 'ACTIVE'})
  WHERE (o)-[:VENDOR_IN|PARTNER_IN]->(p) AND (v)-[:VENDOR_IN|PARTNER_IN]->(p) AND o <> v
  WITH l, o, p WHERE p IS NOT NULL
  RETURN collect({
    id: l.id, owner: o.id, scope: l.scope, allCustomers: l.allCustomers,
    ceiling: l.ceiling, ceilingAllCustomers: l.ceilingAllCustomers,
    expiresAt: l.expiresAt.epochMillis, tier: p.tier,
    overrides: [(o)-[:HAS_POLICY]->(sp:SharingPolicy {tier: p.tier}) | sp.groups]
  }) AS links
}
RETURN u {.id, .name, .email, .role} AS user, v.id AS companyId, v """
    + COMPANY_PROFILE
    + """ AS company,
       managed, activePartners, highPartners, links
"""
)
