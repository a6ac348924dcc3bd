"""System (a), the floor: one hand-written Cypher per suite query, all values ``$parameters``.

Each statement does in one round trip everything the gateway does across its
requests' round trips: it reads the viewer from the user id, computes the
viewer's live grants (authorization.md rule 2, with the owner's
``SharingPolicy`` overrides and the default tier table passed in as
``$tierGroups``), keeps only visible rows, and returns every field that the
viewer may not read as null (``$fields`` maps a Customer field to its group,
from the policy file). Rows come back in the order of bench/SUITE.md.

Common parameters: ``$userId``, ``$tierGroups`` (tier → groups),
``$fields`` (Customer field → group), ``$ownerGroups`` (every group).
"""

from typing import LiteralString

_VIEWER: LiteralString = """
MATCH (u:User {id: $userId})-[:MEMBER_OF]->(v:Company)
"""

# Rule 2: links granted to the viewer's company, neither revoked nor expired,
# under an ACTIVE partnership of exactly the owner and the viewer's company;
# groups = scope ∩ tierGroups(owner, tier), INTERNAL never. Grants with no
# group grant nothing. `$owner` narrows to one owner (null: every owner).
_LIVE_LINK_GROUPS: LiteralString = """
  MATCH (o:Company)-[:GRANTS]->(l:DataLink)-[:TO]->(v),
        (l)-[:UNDER]->(p:Partnership {status: 'ACTIVE'}),
        (o)-[:VENDOR_IN|PARTNER_IN]->(p)<-[:VENDOR_IN|PARTNER_IN]-(v)
  WHERE ($owner IS NULL OR o.id = $owner)
    AND l.revokedAt IS NULL AND (l.expiresAt IS NULL OR l.expiresAt > datetime())
  WITH o, l, coalesce(
         head([(o)-[:HAS_POLICY]->(sp:SharingPolicy) WHERE sp.tier = p.tier | sp.groups]),
         $tierGroups[p.tier]) AS tierGroups
  WITH o, l, [g IN l.scope WHERE g IN tierGroups AND g <> 'INTERNAL'] AS groups
  WHERE size(groups) > 0
"""

_GRANTS: LiteralString = (
    "CALL (v) {"
    + _LIVE_LINK_GROUPS
    + """  RETURN collect({link: l.id, owner: o.id, all: coalesce(l.allCustomers, false),
                  groups: groups}) AS grants
}
"""
)

# The groups the viewer reads on candidate `c` owned by `owner`: every group on
# its own customers, else the union over the grants of that owner that cover c.
_ACCESS: LiteralString = """
WITH *, CASE WHEN owner = v THEN $ownerGroups
        ELSE reduce(acc = [], g IN [g IN grants WHERE g.owner = owner.id
                                    AND (g.all OR EXISTS {
                                      MATCH (:DataLink {id: g.link})-[:COVERS]->(c)
                                    })]
                    | acc + [x IN g.groups WHERE NOT x IN acc])
        END AS groups
"""

VIEWER_ROW_QUERY: LiteralString = _VIEWER + "RETURN u.id AS user, v.id AS company, u.role AS role\n"

# Partnerships of $companyId the viewer sees (a party, or an ACTIVE HIGH
# partner of a party), first $limit by id. A company's profile is public.
_HIGH_PARTNERS: LiteralString = """
WITH *, [(v)-[:VENDOR_IN|PARTNER_IN]->(:Partnership {status: 'ACTIVE', tier: 'HIGH'})
         <-[:VENDOR_IN|PARTNER_IN]-(h:Company) WHERE h <> v | h] AS high
"""

_VISIBLE_PARTNERSHIPS: LiteralString = """
  MATCH (x)-[:VENDOR_IN|PARTNER_IN]->(ps:Partnership)
  MATCH (vendor:Company)-[:VENDOR_IN]->(ps)<-[:PARTNER_IN]-(partner:Company)
  WHERE vendor = v OR partner = v OR vendor IN high OR partner IN high
"""

COMPANY_WITH_PARTNERSHIPS_QUERY: LiteralString = (
    _VIEWER
    + "MATCH (x:Company {id: $companyId})\n"
    + _HIGH_PARTNERS
    + "CALL (v, x, high) {"
    + _VISIBLE_PARTNERSHIPS
    + """  WITH ps, vendor, partner ORDER BY ps.id LIMIT $limit
  RETURN collect({id: ps.id, tier: ps.tier, status: ps.status, structure: ps.structure,
                  vendor: vendor.id, partner: partner.id}) AS partnerships
}
RETURN x.id AS company, x.name AS name, partnerships
"""
)

# Customers owned by $owner that the viewer sees, first $limit by id, every
# field of bench/SUITE.md (null where unreadable). One row per customer.
CUSTOMERS_OF_OWNER_QUERY: LiteralString = (
    _VIEWER
    + _GRANTS
    + """MATCH (o:Company {id: $owner})
CALL (v, o, grants) {
  WITH v, o WHERE o = v OR any(g IN grants WHERE g.all)
  MATCH (c:Customer)-[:OWNED_BY]->(o)
  RETURN c, o AS owner
  UNION
  UNWIND [g IN grants WHERE NOT g.all] AS g
  MATCH (:DataLink {id: g.link})-[:COVERS]->(c:Customer)-[:OWNED_BY]->(owner:Company)
  RETURN c, owner
}
WITH v, grants, c, owner ORDER BY c.id
"""
    + _ACCESS
    + """WITH c, groups WHERE size(groups) > 0
WITH c, groups LIMIT $limit
RETURN c.id AS id,
       CASE WHEN $fields.name IN groups THEN c.name END AS name,
       CASE WHEN $fields.domain IN groups THEN c.domain END AS domain,
       CASE WHEN $fields.industry IN groups THEN c.industry END AS industry,
       CASE WHEN $fields.region IN groups THEN c.region END AS region,
       CASE WHEN $fields.segment IN groups THEN c.segment END AS segment,
       CASE WHEN $fields.employees IN groups THEN c.employees END AS employees,
       CASE WHEN $fields.email IN groups THEN c.email END AS email,
       CASE WHEN $fields.phone IN groups THEN c.phone END AS phone,
       CASE WHEN $fields.address IN groups THEN c.address END AS address,
       CASE WHEN $fields.annualRevenue IN groups THEN c.annualRevenue END AS annualRevenue
ORDER BY id
"""
)

# $companyId → first $partnerships visible partnerships by id → their data
# links the viewer sees (owner or recipient; parties only), first $links by id
# → the first $customers covered customers the viewer sees, by id. One row
# per partnership.
PARTNERSHIP_LINK_CUSTOMERS_QUERY: LiteralString = (
    _VIEWER
    + _GRANTS
    + "MATCH (x:Company {id: $companyId})\n"
    + _HIGH_PARTNERS
    + "CALL (v, x, high) {"
    + _VISIBLE_PARTNERSHIPS
    + """  RETURN ps, vendor = v OR partner = v AS party
  ORDER BY ps.id LIMIT $partnerships
}
CALL (v, grants, ps, party) {
  OPTIONAL MATCH (lo:Company)-[:GRANTS]->(l:DataLink)-[:UNDER]->(ps),
                 (l)-[:TO]->(r:Company)
  WHERE party AND (lo = v OR r = v)
  WITH v, grants, l, lo ORDER BY l.id LIMIT $links
  CALL (v, grants, l, lo) {
    CALL (v, grants, l, lo) {
      WITH l WHERE l IS NOT NULL AND NOT coalesce(l.allCustomers, false)
      MATCH (l)-[:COVERS]->(c:Customer)-[:OWNED_BY]->(owner:Company)
      RETURN c, owner
      UNION ALL
      // All the owner's customers, every one visible (own, or an all-customers
      // grant of that owner): only the first ids are candidates.
      WITH v, lo WHERE l.allCustomers
        AND (lo = v OR any(g IN grants WHERE g.owner = lo.id AND g.all))
      MATCH (c:Customer)-[:OWNED_BY]->(lo)
      WITH c, lo ORDER BY c.id LIMIT $customers
      RETURN c, lo AS owner
      UNION ALL
      // All the owner's customers, but only covered ones are visible.
      WITH v, grants, lo WHERE l.allCustomers
        AND NOT (lo = v OR any(g IN grants WHERE g.owner = lo.id AND g.all))
      UNWIND [g IN grants WHERE g.owner = lo.id] AS g
      MATCH (:DataLink {id: g.link})-[:COVERS]->(c:Customer)-[:OWNED_BY]->(lo)
      RETURN DISTINCT c, lo AS owner
    }
    WITH v, grants, c, owner ORDER BY c.id
"""
    + _ACCESS
    + """    WITH c, groups WHERE size(groups) > 0
    WITH c, groups LIMIT $customers
    RETURN collect({id: c.id,
                    name: CASE WHEN $fields.name IN groups THEN c.name END,
                    email: CASE WHEN $fields.email IN groups THEN c.email END,
                    annualRevenue: CASE WHEN $fields.annualRevenue IN groups
                                        THEN c.annualRevenue END}) AS customers
  }
  RETURN collect(CASE WHEN l IS NOT NULL THEN {link: l.id, customers: customers} END) AS links
}
RETURN ps.id AS partnership, links
ORDER BY partnership
"""
)

# Visible customers whose $industry the viewer may read and that equal it,
# by name (null where unreadable, last) then id, first $limit. Shared
# candidates are taken owner by owner with that owner's grants only: carrying
# every grant on every candidate row costs Neo4j more transaction memory than
# it has at SF10.
CUSTOMERS_BY_INDUSTRY_BY_NAME_QUERY: LiteralString = (
    _VIEWER
    + """CALL (v) {
  MATCH (c:Customer)-[:OWNED_BY]->(v)
  WHERE c.industry = $industry
  RETURN c, $ownerGroups AS groups
  UNION ALL"""
    + _LIVE_LINK_GROUPS
    + """  WITH o, collect({link: l.id, all: coalesce(l.allCustomers, false),
                    groups: groups}) AS grants
  CALL (o, grants) {
    WITH o, grants WHERE any(g IN grants WHERE g.all)
    MATCH (c:Customer)-[:OWNED_BY]->(o)
    RETURN c
    UNION
    UNWIND [g IN grants WHERE NOT g.all] AS g
    MATCH (:DataLink {id: g.link})-[:COVERS]->(c:Customer)-[:OWNED_BY]->(o)
    RETURN c
  }
  WITH grants, c WHERE c.industry = $industry
  RETURN c, reduce(acc = [], g IN [g IN grants WHERE g.all OR EXISTS {
                     MATCH (:DataLink {id: g.link})-[:COVERS]->(c)
                   }] | acc + [x IN g.groups WHERE NOT x IN acc]) AS groups
}
WITH c, groups WHERE $fields.industry IN groups
WITH c, groups, CASE WHEN $fields.name IN groups THEN c.name END AS name
ORDER BY name ASC, c.id ASC LIMIT $limit
RETURN c.id AS id, name, c.industry AS industry
ORDER BY name ASC, id ASC
"""
)
