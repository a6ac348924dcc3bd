"""Consent proposals (docs/consent.md): what one company proposed and the other must
accept before more data flows, about a partnership and, for a link, that link.

A proposal is a ``ConsentProposal`` node ``-[:ABOUT]->`` its partnership (and
``-[:ON_LINK]->`` the link it widens). Both parties of the partnership read it.
Its status reads EXPIRED from the instant it expires, whether or not the sweep
(or an answer that came too late) has written it yet.
"""

from typing import LiteralString

from graph.queries.paging import page_return

# The status a proposal has now: PENDING past its expiry is EXPIRED.
_STATUS: LiteralString = (
    "CASE WHEN cp.status = 'PENDING' AND cp.expiresAt <= datetime() THEN 'EXPIRED'"
    " ELSE cp.status END"
)

PROPOSAL_PROPS: LiteralString = (
    "cp {.*, status: "
    + _STATUS
    + ", createdAt: cp.createdAt.epochMillis, expiresAt: cp.expiresAt.epochMillis,"
    " answeredAt: cp.answeredAt.epochMillis}"
)

# Proposals about the partnerships of the viewer's company, newest first;
# $proposalId, $partnershipId, $linkId and $status narrow (null: any).
CONSENT_PROPOSALS_OF_COMPANY_QUERY: LiteralString = (
    """
MATCH (:Company {id: $companyId})-[:VENDOR_IN|PARTNER_IN]->(p:Partnership)
      <-[:ABOUT]-(cp:ConsentProposal)
WHERE ($proposalId IS NULL OR cp.id = $proposalId)
  AND ($partnershipId IS NULL OR p.id = $partnershipId)
  AND ($linkId IS NULL OR EXISTS { (cp)-[:ON_LINK]->(:DataLink {id: $linkId}) })
  AND ($status IS NULL OR """
    + _STATUS
    + """ = $status)
OPTIONAL MATCH (cp)-[:ON_LINK|CREATED]->(l:DataLink)
WITH cp, p, l ORDER BY cp.createdAt DESC, cp.id
WITH {id: cp.id, k: cp.createdAt, props: """
    + PROPOSAL_PROPS
    + """, partnership: p.id, link: l.id} AS row
"""
    + page_return(descending=True)
)

# -- writes (graph/commands/consent.py, graph/commands/partnerships.py, ...) ---

PROPOSAL_CREATED_QUERY: LiteralString = """
MATCH (p:Partnership {id: $partnershipId})
CREATE (cp:ConsentProposal)-[:ABOUT]->(p)
SET cp = $props, cp.id = $id, cp.status = 'PENDING', cp.createdAt = datetime(),
    cp.expiresAt = datetime() + duration({days: $days})
WITH cp
CALL (cp) {
  MATCH (l:DataLink {id: $linkId})
  CREATE (cp)-[:ON_LINK]->(l)
}
RETURN cp.id AS id
"""

# Pending proposals a later change makes moot (a newer tier change, the link
# revoked, the partnership ended): withdrawn, each id returned for the audit.
PROPOSALS_WITHDRAWN_QUERY: LiteralString = """
MATCH (cp:ConsentProposal {status: 'PENDING'})-[:ABOUT]->(:Partnership {id: $partnershipId})
WHERE cp.kind IN $kinds
  AND ($linkId IS NULL OR EXISTS { (cp)-[:ON_LINK]->(:DataLink {id: $linkId}) })
SET cp.status = 'WITHDRAWN', cp.answeredAt = datetime()
RETURN collect(cp.id) AS withdrawn
"""

# The proposal, its partnership and its link under write locks, always in the
# order partnership, proposal, link (the order every consent write takes), so
# two answers, or an answer and a revocation, serialize instead of interleaving.
# Nothing of a partnership the viewer's company is no party to is locked.
PROPOSAL_FOR_UPDATE_QUERY: LiteralString = """
MATCH (cp:ConsentProposal {id: $id})-[:ABOUT]->(p:Partnership)
MATCH (vendor:Company)-[:VENDOR_IN]->(p)<-[:PARTNER_IN]-(partner:Company)
WHERE $companyId IN [vendor.id, partner.id]
SET p._lock = true REMOVE p._lock
SET cp._lock = true REMOVE cp._lock
WITH cp, p, vendor, partner
OPTIONAL MATCH (cp)-[:ON_LINK]->(l:DataLink)
FOREACH (x IN CASE WHEN l IS NULL THEN [] ELSE [l] END | SET x._lock = true REMOVE x._lock)
RETURN cp {.*, expired: cp.expiresAt <= datetime()} AS proposal,
       p {.status, .tier, .vendorAcceptedAt, .partnerAcceptedAt, .activationRequestedAt}
         AS partnership,
       p.id AS partnershipId, vendor.id AS vendor, partner.id AS partner,
       [(p)-[:HAS_ITEM]->(i:OnboardingItem) WHERE i.required AND i.doneAt IS NULL | i.key]
         AS missing,
       CASE WHEN l IS NULL THEN null ELSE l {
         .id, .scope, .allCustomers, .ceiling, .ceilingAllCustomers,
         live: l.revokedAt IS NULL AND (l.expiresAt IS NULL OR l.expiresAt > datetime())
       } END AS link
"""

PROPOSAL_ANSWERED_QUERY: LiteralString = """
MATCH (cp:ConsentProposal {id: $id})
SET cp.status = $status, cp.answeredAt = datetime(), cp.answeredById = $userId,
    cp.answer = $answer
RETURN cp.id AS id
"""

# One party's consent to the partnership; with both, a partnership whose vendor
# already asked for activation (and whose checklist is done) becomes ACTIVE.
PARTNERSHIP_ACCEPTED_QUERY: LiteralString = """
MATCH (p:Partnership {id: $id})
SET p.vendorAcceptedAt = CASE WHEN $side = 'VENDOR'
                              THEN coalesce(p.vendorAcceptedAt, datetime())
                              ELSE p.vendorAcceptedAt END,
    p.partnerAcceptedAt = CASE WHEN $side = 'PARTNER'
                               THEN coalesce(p.partnerAcceptedAt, datetime())
                               ELSE p.partnerAcceptedAt END
WITH p
SET p.status = CASE WHEN $activate THEN 'ACTIVE' ELSE p.status END,
    p.since = CASE WHEN $activate AND p.since IS NULL THEN datetime() ELSE p.since END
RETURN p.status AS status
"""

ACTIVATION_REQUESTED_QUERY: LiteralString = """
MATCH (p:Partnership {id: $id})
SET p.activationRequestedAt = coalesce(p.activationRequestedAt, datetime())
RETURN p.id AS id
"""

PARTNERSHIP_DECLINED_QUERY: LiteralString = """
MATCH (p:Partnership {id: $id})
SET p.status = 'ENDED', p.endedAt = datetime()
RETURN p.id AS id
"""

LINK_SCOPE_SET_QUERY: LiteralString = """
MATCH (l:DataLink {id: $id})
SET l.scope = $scope, l.allCustomers = $allCustomers,
    l.ceiling = $ceiling, l.ceilingAllCustomers = $ceilingAllCustomers
RETURN l.id AS id
"""

# A data request approved: the link it asked for (as narrowed), in the answer's
# transaction; the owner's approval is the link's ceiling.
REQUESTED_LINK_CREATED_QUERY: LiteralString = """
MATCH (o:Company {id: $owner}), (r:Company {id: $recipient}), (p:Partnership {id: $partnershipId}),
      (cp:ConsentProposal {id: $proposalId})
CREATE (o)-[:GRANTS]->(l:DataLink {
  id: $id, scope: $scope, allCustomers: $allCustomers, purpose: $purpose,
  ceiling: $scope, ceilingAllCustomers: $allCustomers,
  createdAt: datetime(),
  expiresAt: CASE WHEN $days IS NULL THEN null ELSE datetime() + duration({days: $days}) END
})-[:TO]->(r)
CREATE (l)-[:UNDER]->(p)
CREATE (cp)-[:CREATED]->(l)
WITH l
CALL (l) {
  UNWIND $customerIds AS cid
  MATCH (c:Customer {id: cid})-[:OWNED_BY]->(:Company {id: $owner})
  CREATE (l)-[:COVERS]->(c)
  RETURN count(c) AS covered
}
RETURN l.id AS id, covered
"""

# The sweep: persists EXPIRED on pending proposals past expiry, one AuditEvent for
# each party; an invitation or application that expired ends its partnership
# (a new relationship is a new partnership). Locks as PROPOSAL_FOR_UPDATE_QUERY,
# and the second check keeps two sweeps (or a sweep and an answer) apart.
EXPIRED_PROPOSALS_SWEPT_QUERY: LiteralString = """
MATCH (cp:ConsentProposal {status: 'PENDING'})
WHERE cp.expiresAt <= datetime()
WITH cp ORDER BY cp.id LIMIT $limit
MATCH (cp)-[:ABOUT]->(p:Partnership)
SET p._lock = true REMOVE p._lock
SET cp._lock = true REMOVE cp._lock
WITH cp, p
WHERE cp.status = 'PENDING' AND cp.expiresAt <= datetime()
SET cp.status = 'EXPIRED', cp.answeredAt = datetime()
FOREACH (x IN CASE WHEN cp.kind IN ['INVITATION', 'APPLICATION']
                        AND p.status IN ['PROSPECT', 'ONBOARDING'] THEN [p] ELSE [] END |
  SET x.status = 'ENDED', x.endedAt = datetime())
WITH cp, p
UNWIND [cp.proposerCompany, cp.answererCompany] AS party
CREATE (:AuditEvent {
  id: 'au-' + replace(randomUUID(), '-', ''), at: datetime(), action: 'consent.expire',
  actorId: $actorId, companyId: party, targetId: cp.id,
  detail: '{"kind": "' + cp.kind + '", "partnership": "' + p.id + '"}'
})
RETURN count(DISTINCT cp) AS expired
"""
