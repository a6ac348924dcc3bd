"""DataLinks: visible to their owner and their recipient, no one else."""

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
