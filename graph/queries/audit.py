"""AuditEvents of the viewer's company, newest first.

EXECUTIVEs and ANALYSTs read every event of their company (oversight); the
other roles read the events of their own actions ($actorId set).
"""

from typing import LiteralString

from graph.queries.paging import page_return

AUDIT_EVENTS_QUERY: LiteralString = """
MATCH (a:AuditEvent {companyId: $companyId})
WHERE a.targetId IS NOT NULL
  AND ($actorId IS NULL OR a.actorId = $actorId)
  AND ($targetId IS NULL OR a.targetId = $targetId)
  AND ($action IS NULL OR a.action STARTS WITH $action)
WITH a ORDER BY a.at DESC, a.id
WITH {id: a.id, k: a.at, props: a {.at, .action, .actorId, .targetId, .detail}} AS row
""" + page_return(descending=True)
