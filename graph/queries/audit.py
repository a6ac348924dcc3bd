"""AuditEvents: the viewer's company's trail, every command's event, the change feed.

The trail is read newest first; which events and details a role reads is
``policy.audit_view``: $actorId narrows to one's own actions, $hidden drops
actions by prefix, $details withholds ``detail``.
"""

from typing import LiteralString

from graph.queries.paging import page_return

AUDIT_EVENTS_QUERY: LiteralString = """
MATCH (a:AuditEvent {companyId: $companyId})
WHERE a.targetId IS NOT NULL
  AND ($actorId IS NULL OR a.actorId = $actorId)
  AND ($targetId IS NULL OR a.targetId = $targetId)
  AND ($action IS NULL OR a.action STARTS WITH $action)
  AND NOT any(prefix IN $hidden WHERE a.action STARTS WITH prefix)
WITH a ORDER BY a.at DESC, a.id
WITH {id: a.id, k: a.at, props: a {.at, .action, .actorId, .targetId,
      detail: CASE WHEN $details THEN a.detail END}} AS row
""" + page_return(descending=True)

# -- writes (graph/commands/_base.py): every command's AuditEvent ------------

# Claims an audit id; ``claimed`` is true only for the transaction that created it.
CLAIM_AUDIT_QUERY: LiteralString = """
MERGE (a:AuditEvent {id: $id})
ON CREATE SET a.claim = $claim, a.at = datetime(), a.action = $action,
              a.actorId = $actorId, a.companyId = $companyId,
              a.idempotencyKey = $key, a.fingerprint = $fingerprint
RETURN a.claim = $claim AS claimed, a.targetId AS targetId, a.fingerprint AS fingerprint,
       a.action AS action
"""

# Completes the event: what was done to which object, and how.
RECORD_AUDIT_QUERY: LiteralString = """
MERGE (a:AuditEvent {id: $id})
ON CREATE SET a.at = datetime(), a.action = $action, a.actorId = $actorId,
              a.companyId = $companyId
SET a.targetId = $targetId, a.detail = $detail
REMOVE a.claim
RETURN a.id AS id
"""

# A consent step is in both parties' trails (docs/consent.md): a copy of the
# event for each other company, its id derived from the original's.
AUDIT_SHARED_QUERY: LiteralString = """
MATCH (a:AuditEvent {id: $id})
UNWIND $companies AS company
CREATE (:AuditEvent {
  id: a.id + ':' + company, at: a.at, action: a.action, actorId: a.actorId,
  companyId: company, targetId: a.targetId, detail: a.detail, copyOf: a.id
})
RETURN count(*) AS shared
"""

# -- the change feed (graph/feed.py) ----------------------------------------

# The live feed (graph/feed.py): new events after $since, with the companies each one
# concerns, so that the feed wakes only the subscribers of those companies. A deal's
# parties are its registrant and its vendor (read once here for every subscriber).
FEED_EVENTS_QUERY: LiteralString = """
MATCH (a:AuditEvent)
WHERE a.at >= $since AND a.targetId IS NOT NULL
  AND any(prefix IN $prefixes WHERE a.action STARTS WITH prefix)
WITH a ORDER BY a.at, a.id LIMIT $limit
CALL (a) {
  OPTIONAL MATCH (reg:Company)-[:REGISTERED]->(o:Opportunity {id: a.targetId})
                 -[:UNDER]->(:Partnership)<-[:VENDOR_IN]-(vendor:Company)
  WHERE a.action STARTS WITH 'deal.'
  RETURN head(collect(CASE WHEN o IS NOT NULL
                      THEN {registrant: reg.id, vendor: vendor.id} END)) AS deal
}
RETURN a.id AS id, a.at AS at, a.action AS action, a.targetId AS targetId,
       a.actorId AS actorId, a.companyId AS companyId, deal
ORDER BY a.at, a.id
"""

FEED_NOW_QUERY: LiteralString = "RETURN datetime() AS now"
