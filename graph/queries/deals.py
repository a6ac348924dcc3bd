"""Deals (registered opportunities, label ``Opportunity``): the row rule, lookups, the
connection, and the writes of deal registration.

One fragment says what a deal's status is (``STATUS``): an open deal
(SUBMITTED or APPROVED) past its ``expiresAt`` reads as EXPIRED whether or not
the sweep has written it yet. Reads, the conflict check, the commands and the
sweep all use it, so a deal expires at the same instant everywhere.
"""

from typing import LiteralString

from graph.queries.paging import page_return

#: The deal's status as every reader sees it (lazy expiry).
STATUS: LiteralString = (
    "CASE WHEN o.status IN ['SUBMITTED', 'APPROVED'] AND o.expiresAt <= datetime()"
    " THEN 'EXPIRED' ELSE o.status END"
)

_PARTIES: LiteralString = """
  MATCH (reg:Company)-[:REGISTERED]->(o)-[:UNDER]->(ps:Partnership)<-[:VENDOR_IN]-(vendor:Company)
"""

# authorization.md "Opportunities": the registering company and the vendor only;
# inside it, a REP the deals they registered, a MANAGER those under partnerships
# they manage, an EXECUTIVE or ANALYST all. policy.sees_deal is the same rule.
_VISIBLE: LiteralString = """
  WHERE (reg.id = $companyId OR vendor.id = $companyId)
    AND ($role IN ['EXECUTIVE', 'ANALYST']
         OR ($role = 'MANAGER' AND ps.id IN $managed)
         OR ($role = 'REP' AND EXISTS { (o)-[:REGISTERED_BY]->(:User {id: $userId}) }))
"""

_ROW: LiteralString = (
    "{id: o.id, k: o.registeredAt,"
    " props: o {.title, .amount, .currency, .stage, .registeredAt, .expiresAt, .closedAt,"
    " .decidedAt, .expectedCloseAt, .rejectionReason, status: " + STATUS + ","
    # The vendor's flag (policy.sees_deal_conflict): the schema shows it to the vendor only.
    " conflict: coalesce(o.conflict, false)},"
    " registrant: reg.id, vendor: vendor.id, partnership: ps.id,"
    " customer: head([(o)-[:FOR]->(c:Customer) | c.id]),"
    " product: head([(o)-[:OF_PRODUCT]->(pr:Product) | pr.id]),"
    " registeredBy: head([(o)-[:REGISTERED_BY]->(u:User) | u.id]),"
    " dataLink: head([(o)-[:SHARED_THROUGH]->(l:DataLink) | l.id])}"
)

DEALS_BY_IDS_QUERY: LiteralString = (
    "MATCH (o:Opportunity) WHERE o.id IN $ids\n"
    + _PARTIES
    + _VISIBLE
    + "RETURN "
    + _ROW
    + " AS row"
)

_CANDIDATES_OF_COMPANY: LiteralString = """
CALL () {
  MATCH (:Company {id: $companyId})-[:REGISTERED]->(o:Opportunity)
  RETURN o
  UNION
  MATCH (:Company {id: $companyId})-[:VENDOR_IN]->(:Partnership)<-[:UNDER]-(o:Opportunity)
  RETURN o
}
"""

_CANDIDATES_OF_PARTNERSHIP: LiteralString = """
MATCH (:Partnership {id: $partnershipId})<-[:UNDER]-(o:Opportunity)
"""


def deals_page_query(*, of_partnership: bool) -> LiteralString:
    """Visible deals, newest registration first: ``total`` and the page after the cursor.

    ``$status`` (optional) filters on the status as read (an expired open deal is EXPIRED).
    """
    candidates = _CANDIDATES_OF_PARTNERSHIP if of_partnership else _CANDIDATES_OF_COMPANY
    return (
        candidates
        + "WITH DISTINCT o\n"
        + _PARTIES
        + _VISIBLE
        + "  AND ($status IS NULL OR ("
        + STATUS
        + ") = $status)\n"
        "WITH o, reg, ps, vendor ORDER BY o.registeredAt DESC, o.id ASC\n"
        "WITH " + _ROW + " AS row\n" + page_return(descending=True)
    )


# The company part of the row rule above, for figures over deals (oversight,
# portfolio, scorecards): a deal ``o`` under partnership ``p`` is counted only
# when the viewer's company registered it or is the vendor of ``p``. Each
# figure's scope already narrows by role; this keeps a deal the lists would hide
# (registered under ``p`` by a third company) out of every sum and count.
DEAL_OF_COMPANY: LiteralString = (
    "(EXISTS { (:Company {id: $companyId})-[:REGISTERED]->(o) }"
    " OR EXISTS { (:Company {id: $companyId})-[:VENDOR_IN]->(p) })"
)


# -- commands ---------------------------------------------------------------

# The vendor company's lock serializes every registration with that vendor, so
# the conflict check and the create that follows it cannot interleave with
# another registration for the same account (exactly one of two racing wins).
REGISTRATION_FACTS_QUERY: LiteralString = """
MATCH (vendor:Company)-[:VENDOR_IN]->(p:Partnership {id: $id})<-[:PARTNER_IN]-(partner:Company)
RETURN p.status AS status, p.currency AS currency, vendor.id AS vendor, partner.id AS partner,
       EXISTS { (vendor)-[:SELLS]->(:Product {id: $productId}) } AS sellsProduct,
       coalesce(partner.dealRegistrationRepsMayShare, false) AS repsMayShare
"""

# The conflict rule is per vendor and account, and so is the lock: registrations
# for one account with one vendor are serialized on an (:AccountLock) node made
# on first use (MERGE on a uniquely constrained id is itself race-free), while
# registrations for other accounts of a hub vendor never wait on each other.
# Taken after the reads that need no lock, so it is held only for the conflict
# check and the writes.
REGISTRATION_LOCK_QUERY: LiteralString = """
MERGE (l:AccountLock {id: $lockId})
SET l._lock = true REMOVE l._lock
WITH l
MATCH (p:Partnership {id: $id})
RETURN p.status AS status
"""

# The same lock, taken by an approval: approving a held registration and a new
# registration (or another approval) for the account cannot interleave.
ACCOUNT_LOCK_QUERY: LiteralString = """
MERGE (l:AccountLock {id: $lockId})
SET l._lock = true REMOVE l._lock
RETURN l.id AS id
"""

# Open deals with the vendor that may hold the same account: the same record, or a
# customer whose domain normalizes (btrim of $space, lower case) to $normalized.
# policy.account_key decides on these few candidates; the hub vendor's thousands
# of open deals never leave Neo4j while the account lock is held. ``conflict``
# and ``status`` tell a held registration from the one that protects the account
# (policy.protects_account).
OPEN_DEALS_FOR_ACCOUNT_QUERY: LiteralString = (
    "MATCH (:Company {id: $vendor})-[:VENDOR_IN]->(:Partnership)<-[:UNDER]-(o:Opportunity)"
    "-[:FOR]->(c:Customer)\n"
    "WHERE o.status IN ['SUBMITTED', 'APPROVED'] AND ("
    + STATUS
    + ") IN ['SUBMITTED', 'APPROVED']\n"
    "  AND (c.id = $customerId OR toLower(btrim(c.domain, $space)) = $normalized)\n"
    "RETURN o.id AS id, c.id AS customer, c.domain AS domain, o.status AS status,"
    " coalesce(o.conflict, false) AS conflict"
)

# Every registration is SUBMITTED with the same protection period, held or not:
# ``conflict`` alone (the vendor's to read) tells a held one apart.
REGISTERED_DEAL_QUERY: LiteralString = """
MATCH (reg:Company {id: $registrant}), (p:Partnership {id: $partnershipId}),
      (c:Customer {id: $customerId}), (u:User {id: $userId})
CREATE (reg)-[:REGISTERED]->(o:Opportunity {
  id: $id, title: $title, amount: $amount, currency: $currency, stage: 'QUALIFICATION',
  status: 'SUBMITTED', registeredAt: datetime(),
  expiresAt: datetime() + duration({days: $days}), expectedCloseAt: $expectedCloseAt,
  conflict: $conflict
})-[:FOR]->(c)
CREATE (o)-[:UNDER]->(p)
CREATE (o)-[:REGISTERED_BY]->(u)
WITH o
CALL (o) {
  MATCH (pr:Product {id: $productId})
  CREATE (o)-[:OF_PRODUCT]->(pr)
}
RETURN o.id AS id
"""

# The DataLink of a registered deal: the partner grants the vendor the customer's
# IDENTITY and PROFILE, under the deal's partnership, until the deal's protection
# ends. With ``$auditId`` it also writes the grant's AuditEvent (a registration
# audits the deal and the grant); without, the command's own event is the grant's.
DEAL_LINK_GRANTED_QUERY: LiteralString = """
MATCH (reg:Company {id: $registrant})-[:REGISTERED]->(o:Opportunity {id: $id})
      -[:UNDER]->(p:Partnership)<-[:VENDOR_IN]-(vendor:Company)
MATCH (o)-[:FOR]->(c:Customer)
CREATE (reg)-[:GRANTS]->(l:DataLink {
  id: $linkId, scope: ['IDENTITY', 'PROFILE'], allCustomers: false, purpose: $purpose,
  ceiling: ['IDENTITY', 'PROFILE'], ceilingAllCustomers: false,
  createdAt: datetime(), expiresAt: o.expiresAt
})-[:TO]->(vendor)
CREATE (l)-[:UNDER]->(p)
CREATE (l)-[:COVERS]->(c)
CREATE (o)-[:SHARED_THROUGH]->(l)
FOREACH (_ IN CASE WHEN $auditId IS NULL THEN [] ELSE [1] END |
  CREATE (:AuditEvent {
    id: $auditId, at: datetime(), action: 'dataLink.grant', actorId: $actorId,
    companyId: $registrant, targetId: $linkId, detail: $detail
  })
)
RETURN l.id AS id
"""

DEAL_FOR_UPDATE_QUERY: LiteralString = (
    "MATCH (o:Opportunity {id: $id})\n"
    "SET o._lock = true REMOVE o._lock\n"
    "WITH o\n" + _PARTIES + "OPTIONAL MATCH (o)-[:FOR]->(c:Customer)\n"
    "RETURN " + STATUS + " AS status, reg.id AS registrant,"
    " vendor.id AS vendor, ps.id AS partnership,"
    " head([(o)-[:REGISTERED_BY]->(u:User) | u.id]) AS registeredBy,"
    " coalesce(o.conflict, false) AS conflict, c.id AS customer, c.domain AS domain,"
    " head([(c)-[:OWNED_BY]->(owner:Company) | owner.id]) AS customerOwner,"
    " EXISTS { (o)-[:SHARED_THROUGH]->(:DataLink) } AS linked"
)

# A deal's new status; REJECTED and LOST also revoke its automatic DataLink.
DEAL_STATUS_CHANGED_QUERY: LiteralString = """
MATCH (o:Opportunity {id: $id})
SET o.status = $to,
    o.decidedAt = CASE WHEN $to IN ['APPROVED', 'REJECTED'] THEN datetime() ELSE o.decidedAt END,
    o.closedAt = CASE WHEN $to IN ['WON', 'LOST'] THEN datetime() ELSE o.closedAt END,
    o.stage = CASE WHEN $to IN ['WON', 'LOST'] THEN 'CLOSED' ELSE o.stage END,
    o.rejectionReason = CASE WHEN $to = 'REJECTED' THEN $reason ELSE o.rejectionReason END
WITH o
CALL (o) {
  MATCH (o)-[:SHARED_THROUGH]->(l:DataLink)
  WHERE $revoke AND l.revokedAt IS NULL
  SET l.revokedAt = datetime()
  CREATE (:AuditEvent {
    id: 'au-' + replace(randomUUID(), '-', ''), at: datetime(), action: 'dataLink.revoke',
    actorId: $actorId, companyId: $companyId, targetId: l.id, detail: $detail
  })
}
RETURN o.id AS id
"""

# The sweep: persists EXPIRED on open deals past expiry, one AuditEvent each.
# The lock and the second check keep two sweeps from expiring a deal twice.
EXPIRED_DEALS_SWEPT_QUERY: LiteralString = """
MATCH (o:Opportunity)
WHERE o.status IN ['SUBMITTED', 'APPROVED'] AND o.expiresAt <= datetime()
WITH o ORDER BY o.id LIMIT $limit
SET o._lock = true REMOVE o._lock
WITH o, o.status AS was
WHERE was IN ['SUBMITTED', 'APPROVED'] AND o.expiresAt <= datetime()
OPTIONAL MATCH (reg:Company)-[:REGISTERED]->(o)
SET o.status = 'EXPIRED'
CREATE (:AuditEvent {
  id: 'au-' + replace(randomUUID(), '-', ''), at: datetime(), action: 'deal.expire',
  actorId: $actorId, companyId: reg.id, targetId: o.id,
  detail: '{"from": "' + was + '", "expiresAt": "' + toString(o.expiresAt) + '"}'
})
RETURN count(o) AS expired
"""


# -- the partner company's setting: may its REPs share when registering? ------

DEAL_REGISTRATION_SHARING_QUERY: LiteralString = """
MATCH (c:Company {id: $companyId})
RETURN coalesce(c.dealRegistrationRepsMayShare, false) AS repsMayShare
"""

# Under the company's lock, so the audit's "from" is the value this write replaced.
DEAL_REGISTRATION_SHARING_SET_QUERY: LiteralString = """
MATCH (c:Company {id: $companyId})
SET c._lock = true REMOVE c._lock
WITH c, coalesce(c.dealRegistrationRepsMayShare, false) AS before
SET c.dealRegistrationRepsMayShare = $repsMayShare
RETURN before
"""
