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
  WITH o, l, [g IN l.scope WHERE g IN tierGroups AND g IN coalesce(l.ceiling, [])
                    AND g <> 'INTERNAL'] AS groups
  WHERE size(groups) > 0
"""

_GRANTS: LiteralString = (
    "CALL (v) {"
    + _LIVE_LINK_GROUPS
    + """  RETURN collect({link: l.id, owner: o.id, all:
                    coalesce(l.allCustomers AND l.ceilingAllCustomers, false),
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
    + """  WITH o, collect({link: l.id, all:
                    coalesce(l.allCustomers AND l.ceilingAllCustomers, false),
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

# -- network ---------------------------------------------------------------------

# The companies within two visible hops of $companyId and the partnerships met,
# as the gateway's network(depth: 2): a hop goes through a partnership the
# viewer sees, i.e. one of whose parties is a hub (the viewer's company or one
# of its ACTIVE HIGH partners). Hop 1 from the start, hop 2 from the companies
# first reached at hop 1. Nodes by (distance, id), edges by id.
_HUBS: LiteralString = """
WITH v, [v.id] + [(v)-[:VENDOR_IN|PARTNER_IN]->(:Partnership {status: 'ACTIVE', tier: 'HIGH'})
                  <-[:VENDOR_IN|PARTNER_IN]-(h:Company) WHERE h <> v | h.id] AS hubs
"""

_HOP: LiteralString = """
  UNWIND frontier AS id
  MATCH (c:Company {id: id})-[:VENDOR_IN|PARTNER_IN]->(ps:Partnership)
        <-[:VENDOR_IN|PARTNER_IN]-(o:Company)
  WHERE c.id IN hubs OR o.id IN hubs
  RETURN collect(DISTINCT ps) AS met, collect(DISTINCT o.id) AS reached
"""

NETWORK_DEPTH_2_QUERY: LiteralString = (
    _VIEWER
    + _HUBS
    + """MATCH (s:Company {id: $companyId})
WITH hubs, s, [s.id] AS frontier
CALL (hubs, frontier) {"""
    + _HOP
    + """}
WITH hubs, s, met AS e1, [x IN reached WHERE x <> s.id] AS d1
WITH hubs, s, e1, d1, d1 AS frontier
CALL (hubs, frontier) {"""
    + _HOP
    + """}
WITH s, e1, d1, [x IN reached WHERE x <> s.id AND NOT x IN d1] AS d2,
     e1 + [ps IN met WHERE NOT ps IN e1] AS partnerships
CALL (partnerships) {
  UNWIND partnerships AS ps
  MATCH (vendor:Company)-[:VENDOR_IN]->(ps)<-[:PARTNER_IN]-(partner:Company)
  WITH ps, vendor, partner ORDER BY ps.id
  RETURN collect({id: ps.id, tier: ps.tier, status: ps.status,
                  vendor: vendor.id, partner: partner.id}) AS edges
}
CALL (s, d1, d2) {
  UNWIND [{id: s.id, distance: 0}] + [x IN d1 | {id: x, distance: 1}]
         + [x IN d2 | {id: x, distance: 2}] AS node
  WITH node ORDER BY node.distance, node.id
  RETURN collect(node) AS nodes
}
RETURN s.id AS start, nodes, edges
"""
)

# -- register_deal ------------------------------------------------------------------

# The account of a customer record (policy.account_key): its normalized domain,
# else the record itself.
_ACCOUNT_OF_C: LiteralString = (
    "CASE WHEN trim(coalesce(c.domain, '')) = '' THEN 'customer:' + c.id"
    " ELSE 'domain:' + toLower(trim(c.domain)) END"
)
_ACCOUNT_OF_HELD: LiteralString = (
    "CASE WHEN trim(coalesce(hc.domain, '')) = '' THEN 'customer:' + hc.id"
    " ELSE 'domain:' + toLower(trim(hc.domain)) END"
)

# The gateway's registerDeal as one write transaction: the viewer (the
# partner's REP, EXECUTIVE, or the MANAGER who manages the partnership) under
# an ACTIVE $partnershipId of its company as partner; the vendor and the
# registrations of one account with the vendor serialized on its AccountLock
# (as graph/commands/deals.py); a customer the viewer's company sees (own, or a live grant
# with a group); the idempotency claim (an AuditEvent whose id is derived from
# the key: $auditId; claimed after the checks, so that a refusal, which is no
# row here rather than a rolled-back error, writes nothing); the protection rule
# (an open SUBMITTED/APPROVED, unexpired registration with the vendor for the
# same account → SUBMITTED all the same, with `conflict` set: held for the
# vendor's review); the Opportunity and its relationships; for a deal of an own
# customer registered by whom may share it (the EXECUTIVE, the managing MANAGER,
# a REP if the company lets REPs share when registering), the DataLink (partner →
# vendor, IDENTITY and PROFILE, covering the customer, until the protection ends)
# with its AuditEvent; and the registration's AuditEvent, the same held or not.
# No row when a rule refuses, or when the key was already claimed (the floor does
# not replay: the suite never repeats a key).
REGISTER_DEAL_QUERY: LiteralString = (
    """MATCH (u:User {id: $userId})-[:MEMBER_OF]->(v:Company)
MATCH (vendor:Company)-[:VENDOR_IN]->(p:Partnership {id: $partnershipId})<-[:PARTNER_IN]-(v)
WHERE p.status = 'ACTIVE'
  AND (u.role IN ['REP', 'EXECUTIVE']
       OR (u.role = 'MANAGER' AND EXISTS { (u)-[:MANAGES]->(p) }))
WITH u, v, vendor, p
MATCH (c:Customer {id: $customerId})-[:OWNED_BY]->(owner:Company)
"""
    + _GRANTS
    + _ACCESS
    + """WITH u, v, vendor, p, c, owner WHERE owner = v OR size(groups) > 0
MERGE (a:AuditEvent {id: $auditId})
ON CREATE SET a.claim = $claim, a.at = datetime(), a.action = 'deal.register',
              a.actorId = u.id, a.companyId = v.id, a.idempotencyKey = $idempotencyKey
WITH u, v, vendor, p, a, c, owner WHERE a.claim = $claim
WITH u, v, vendor, p, a, c, owner, """
    + _ACCOUNT_OF_C
    + """ AS account
MERGE (lock:AccountLock {id: vendor.id + '|' + account})
SET lock._lock = true REMOVE lock._lock
WITH u, v, vendor, p, a, c, owner, account, EXISTS {
  MATCH (vendor)-[:VENDOR_IN]->(:Partnership)<-[:UNDER]-(held:Opportunity)-[:FOR]->(hc:Customer)
  WHERE held.status IN ['SUBMITTED', 'APPROVED']
    AND NOT coalesce(held.expiresAt <= datetime(), false)
    AND """
    + _ACCOUNT_OF_HELD
    + """ = account
} AS conflict
CREATE (v)-[:REGISTERED]->(o:Opportunity {
  id: $dealId, title: $title, amount: $amount, currency: coalesce($currency, p.currency),
  stage: 'QUALIFICATION', status: 'SUBMITTED',
  registeredAt: datetime(), expiresAt: datetime() + duration({days: $days}),
  conflict: conflict
})-[:FOR]->(c)
CREATE (o)-[:UNDER]->(p)
CREATE (o)-[:REGISTERED_BY]->(u)
WITH u, v, vendor, p, a, c, o, owner,
     u.role = 'EXECUTIVE' OR (u.role = 'MANAGER' AND EXISTS { (u)-[:MANAGES]->(p) })
       AS grants
WITH u, v, vendor, p, a, c, o, grants,
     owner = v AND (grants OR coalesce(v.dealRegistrationRepsMayShare, false)) AS linked
CALL (u, v, vendor, p, c, o, linked, grants) {
  WITH * WHERE linked
  CREATE (v)-[:GRANTS]->(l:DataLink {
    id: $linkId, scope: ['IDENTITY', 'PROFILE'], allCustomers: false,
    ceiling: ['IDENTITY', 'PROFILE'], ceilingAllCustomers: false,
    purpose: 'Deal registration', createdAt: datetime(), expiresAt: o.expiresAt
  })-[:TO]->(vendor)
  CREATE (l)-[:UNDER]->(p)
  CREATE (l)-[:COVERS]->(c)
  CREATE (o)-[:SHARED_THROUGH]->(l)
  CREATE (:AuditEvent {
    id: $linkAuditId, at: datetime(), action: 'dataLink.grant', actorId: u.id,
    companyId: v.id, targetId: l.id,
    detail: '{"automatic": true, "opportunity": "' + o.id + '", "scope": ["IDENTITY", "PROFILE"]'
            + CASE WHEN grants THEN '' ELSE ', "under": "dealRegistrationSharing"' END + '}'
  })
}
SET a.action = 'deal.register',
    a.targetId = o.id,
    a.detail = '{"customer": "' + c.id + '", "partnership": "' + p.id + '", "status": "'
               + o.status + '", "vendor": "' + vendor.id + '"}'
REMOVE a.claim
RETURN o.status AS status, o.rejectionReason AS rejectionReason, v.id AS registrant,
       u.id AS registeredBy, vendor.id AS vendor, p.id AS partnership, c.id AS customer,
       o.amount AS amount, linked AS dataLink
"""
)

# Undoes every registration of the suite (titled $title): the deals, their
# automatic DataLinks and both AuditEvents, the AccountLock nodes (the
# generated graph has none) (and any claim of a key of the suite,
# $keyPrefix), so that the graph has the counts it was loaded with
# (scripts/bench/data.py) and the other queries' answers are unchanged.
REGISTERED_DEALS_UNDONE_QUERY: LiteralString = """
CALL () {
  MATCH (k:AccountLock) DETACH DELETE k
}
OPTIONAL MATCH (o:Opportunity {title: $title})
OPTIONAL MATCH (o)-[:SHARED_THROUGH]->(l:DataLink)
WITH collect(DISTINCT o) AS deals, collect(DISTINCT l) AS links
WITH deals, links, [d IN deals | d.id] + [x IN links | x.id] AS targets
CALL (targets) {
  MATCH (a:AuditEvent {companyId: $registrant})
  WHERE a.targetId IN targets OR a.idempotencyKey STARTS WITH $keyPrefix
  DETACH DELETE a
}
FOREACH (x IN links | DETACH DELETE x)
FOREACH (d IN deals | DETACH DELETE d)
RETURN size(deals) AS deals
"""

# Customers of $owner the deal registrations cycle through, one per account:
# no open registration with $vendor holds the account, and no other candidate
# has the same account, so no registration is held for review, and each (by an
# EXECUTIVE, who may share) gets its DataLink.
DEAL_CUSTOMERS_QUERY: LiteralString = (
    """MATCH (vendor:Company {id: $vendor})
MATCH (c:Customer)-[:OWNED_BY]->(:Company {id: $owner})
WITH vendor, c, """
    + _ACCOUNT_OF_C
    + """ AS account
WHERE NOT EXISTS {
  MATCH (vendor)-[:VENDOR_IN]->(:Partnership)<-[:UNDER]-(held:Opportunity)-[:FOR]->(hc:Customer)
  WHERE held.status IN ['SUBMITTED', 'APPROVED']
    AND NOT coalesce(held.expiresAt <= datetime(), false)
    AND """
    + _ACCOUNT_OF_HELD
    + """ = account
}
WITH account, min(c.id) AS id
RETURN id ORDER BY id
"""
)
