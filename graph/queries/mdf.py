"""Co-marketing funds: MdfRequests under a partnership, and what its budget has left.

A request is visible to the parties' EXECUTIVEs, the MANAGERs who manage the
partnership and the user who requested it (policy.sees_mdf_request); the
rule runs here, in the Cypher that fetches the rows.
"""

from typing import LiteralString

from graph.queries.paging import page_return

# Expects m (MdfRequest) bound; binds p, vendor, partner, r and keeps visible rows.
_VISIBLE: LiteralString = """
  MATCH (m)-[:UNDER]->(p:Partnership)
  MATCH (vendor:Company)-[:VENDOR_IN]->(p)<-[:PARTNER_IN]-(partner:Company)
  WHERE vendor.id = $companyId OR partner.id = $companyId
  OPTIONAL MATCH (m)-[:REQUESTED_BY]->(r:User)
  WITH m, p, vendor, partner, r
  WHERE r.id = $userId OR $role = 'EXECUTIVE' OR ($role = 'MANAGER' AND p.id IN $managed)
"""

_FIELDS: LiteralString = (
    "id: m.id, props: m {.*}, partnership: p.id, vendor: vendor.id, partner: partner.id,"
    " requester: r.id, currency: p.currency"
)
_ROW: LiteralString = "{" + _FIELDS + "}"

MDF_REQUESTS_BY_IDS_QUERY: LiteralString = (
    "MATCH (m:MdfRequest) WHERE m.id IN $ids\n" + _VISIBLE + "RETURN " + _ROW + " AS row"
)

# Parents are partnership ids; newest first. The schema asks only for
# partnerships whose financials the viewer reads, so every request is visible.
MDF_REQUESTS_OF_PARTNERSHIPS_QUERY: LiteralString = (
    "UNWIND $parents AS parent\n"
    "CALL (parent) {\n"
    "  MATCH (m:MdfRequest)-[:UNDER]->(:Partnership {id: parent.key})\n"
    + _VISIBLE
    + "  WITH m, p, vendor, partner, r ORDER BY m.requestedAt DESC, m.id\n"
    "  WITH {k: toString(m.requestedAt), "
    + _FIELDS
    + "} AS row\n"
    + page_return(descending=True)
    + "}\nRETURN parent.key AS key, total, page"
)

# Budget and approved total of partnerships (the caller checks financial access).
MDF_BALANCES_QUERY: LiteralString = """
UNWIND $ids AS id
MATCH (p:Partnership {id: id})
RETURN id, p.mdfBudget AS budget,
       reduce(t = 0.0, x IN COLLECT {
         MATCH (m:MdfRequest {status: 'APPROVED'})-[:UNDER]->(p) RETURN m.amount
       } | t + x)
         AS approved,
       reduce(t = 0.0, x IN COLLECT {
         MATCH (m:MdfRequest {status: 'SUBMITTED'})-[:UNDER]->(p) RETURN m.amount
       } | t + x)
         AS pending
"""

# -- commands ---------------------------------------------------------------

# Takes the partnership's write lock first: approvals of one partnership are
# serialized, so the approved total read after it cannot change before the write.
# A request spends nothing (approvals do, under the lock below): no lock, so
# requests never queue behind each other or behind an approval.
MDF_PARTNERSHIP_QUERY: LiteralString = """
MATCH (vendor:Company)-[:VENDOR_IN]->(p:Partnership {id: $id})<-[:PARTNER_IN]-(partner:Company)
RETURN vendor.id AS vendor, partner.id AS partner
"""

MDF_PARTNERSHIP_FOR_UPDATE_QUERY: LiteralString = """
MATCH (vendor:Company)-[:VENDOR_IN]->(p:Partnership {id: $id})<-[:PARTNER_IN]-(partner:Company)
SET p._lock = true REMOVE p._lock
RETURN vendor.id AS vendor, partner.id AS partner
"""

# Who may see the request, read before any lock: a request the viewer cannot see
# is refused before the command touches (or waits on) another company's partnership.
MDF_REQUEST_PARTIES_QUERY: LiteralString = """
MATCH (m:MdfRequest {id: $id})-[:UNDER]->(p:Partnership)
MATCH (vendor:Company)-[:VENDOR_IN]->(p)<-[:PARTNER_IN]-(partner:Company)
RETURN p.id AS partnership, vendor.id AS vendor, partner.id AS partner,
       head([(m)-[:REQUESTED_BY]->(r:User) | r.id]) AS requester
"""

# Read after the lock: the committed facts the decision depends on.
MDF_DECISION_FACTS_QUERY: LiteralString = """
MATCH (m:MdfRequest {id: $id})-[:UNDER]->(p:Partnership)
OPTIONAL MATCH (m)-[:REQUESTED_BY]->(r:User)
RETURN m.status AS status, m.amount AS amount, r.id AS requester, p.status AS partnershipStatus,
       p.mdfBudget AS budget,
       reduce(t = 0.0, x IN COLLECT {
         MATCH (a:MdfRequest {status: 'APPROVED'})-[:UNDER]->(p) RETURN a.amount
       } | t + x)
         AS approved
"""

MDF_BALANCE_FOR_UPDATE_QUERY: LiteralString = """
MATCH (p:Partnership {id: $id})
RETURN p.status AS status, p.mdfBudget AS budget,
       reduce(t = 0.0, x IN COLLECT {
         MATCH (a:MdfRequest {status: 'APPROVED'})-[:UNDER]->(p) RETURN a.amount
       } | t + x)
         AS approved
"""

MDF_REQUEST_CREATED_QUERY: LiteralString = """
MATCH (p:Partnership {id: $partnershipId}), (u:User {id: $userId})
CREATE (m:MdfRequest {
  id: $id, campaign: $campaign, amount: $amount, currency: p.currency,
  status: 'SUBMITTED', requestedAt: datetime()
})-[:UNDER]->(p)
CREATE (m)-[:REQUESTED_BY]->(u)
RETURN m.id AS id
"""

MDF_REQUEST_DECIDED_QUERY: LiteralString = """
MATCH (m:MdfRequest {id: $id})
SET m.status = $status, m.decidedAt = datetime(), m.decidedById = $userId,
    m.decisionReason = $reason
RETURN m.id AS id
"""
