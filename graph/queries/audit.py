"""AuditEvents of the viewer's company, newest first.

Which events and details a role reads is ``policy.audit_view``: $actorId
narrows to one's own actions, $hidden drops actions by prefix, $details
withholds ``detail``.
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
