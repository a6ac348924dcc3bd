"""Partner scorecards: the raw figures of partnerships in one statement per batch.

Visible (row rule, policy.sees_scorecard) to the vendor's EXECUTIVE and the
MANAGER who manages the partnership, and to the partner's EXECUTIVE. The
figures are normalized and weighted in ``policy.score`` with the vendor's
``ScorecardConfig`` (returned alongside; null means the default file).
"""

from typing import LiteralString

from graph.queries.deals import DEAL_OF_COMPANY

# Deals: an open registration past its expiry is EXPIRED, not pipeline; only the
# deals the viewer's company sees (DEAL_OF_COMPANY): a partner's EXECUTIVE does not
# count a deal a third company registered under the partnership.
SCORECARD_FIGURES_QUERY: LiteralString = (
    """
UNWIND $ids AS id
MATCH (vendor:Company)-[:VENDOR_IN]->(p:Partnership {id: id})<-[:PARTNER_IN]-(partner:Company)
WHERE (vendor.id = $companyId
       AND ($role = 'EXECUTIVE' OR ($role = 'MANAGER' AND p.id IN $managed)))
   OR (partner.id = $companyId AND $role = 'EXECUTIVE')
OPTIONAL MATCH (vendor)-[:HAS_SCORECARD_CONFIG]->(cfg:ScorecardConfig)
WITH p, vendor, partner, cfg, datetime() AS now
CALL (p, now) {
  OPTIONAL MATCH (o:Opportunity)-[:UNDER]->(p) WHERE """
    + DEAL_OF_COMPANY
    + """
  WITH o, now,
       CASE WHEN o.status IN ['SUBMITTED', 'APPROVED']
                 AND o.expiresAt IS NOT NULL AND o.expiresAt <= now
            THEN 'EXPIRED' ELSE o.status END AS status
  RETURN sum(CASE WHEN status IN ['SUBMITTED', 'APPROVED'] THEN o.amount ELSE 0.0 END)
           AS pipeline,
         sum(CASE WHEN status = 'WON' THEN o.amount ELSE 0.0 END) AS won,
         count(CASE WHEN status = 'WON' THEN 1 END) AS wonCount,
         count(CASE WHEN status = 'LOST' THEN 1 END) AS lostCount,
         avg(CASE WHEN status = 'WON' AND o.closedAt IS NOT NULL AND o.registeredAt IS NOT NULL
                  THEN duration.inSeconds(o.registeredAt, o.closedAt).seconds / 86400.0 END)
           AS cycleDays
}
CALL (vendor, partner, cfg) {
  OPTIONAL MATCH (u:User)-[:MEMBER_OF]->(partner)
  OPTIONAL MATCH (u)-[done:COMPLETED]->(course:Course)<-[:OFFERS]-(vendor)
  WHERE done.score >= coalesce(course.passingScore, cfg.passingScore, $passingScore)
  RETURN count(DISTINCT CASE WHEN course IS NOT NULL THEN u END) AS certified
}
CALL (p) {
  OPTIONAL MATCH (m:MdfRequest {status: 'APPROVED'})-[:UNDER]->(p)
  RETURN sum(m.amount) AS mdfApproved
}
CALL (p, vendor, partner, now) {
  OPTIONAL MATCH (partner)-[:GRANTS]->(l:DataLink)-[:TO]->(vendor)
  WHERE (l)-[:UNDER]->(p) AND l.revokedAt IS NULL AND (l.expiresAt IS NULL OR l.expiresAt > now)
  WITH collect([g IN coalesce(l.scope, []) WHERE g IN coalesce(l.ceiling, [])]) AS scopes
  RETURN size(reduce(seen = [], s IN scopes |
           seen + [g IN s WHERE g IN $shareable AND NOT g IN seen])) AS sharingDepth
}
RETURN p.id AS id, vendor.id AS vendor, partner.id AS partner, p.mdfBudget AS mdfBudget,
       p.currency AS currency,
       CASE WHEN p.since IS NULL THEN 0 ELSE duration.inDays(p.since, now).days END AS tenureDays,
       pipeline, won, wonCount, lostCount, cycleDays, certified, mdfApproved, sharingDepth,
       cfg {.*} AS config
"""
)

SCORECARD_CONFIG_OF_COMPANY_QUERY: LiteralString = """
OPTIONAL MATCH (:Company {id: $companyId})-[:HAS_SCORECARD_CONFIG]->(cfg:ScorecardConfig)
RETURN cfg {.*} AS config
"""

# One node per company: locked through the company, replaced in place.
SCORECARD_CONFIG_SET_QUERY: LiteralString = """
MATCH (c:Company {id: $companyId})
SET c._lock = true REMOVE c._lock
MERGE (c)-[:HAS_SCORECARD_CONFIG]->(cfg:ScorecardConfig {id: $id})
SET cfg += $props, cfg.updatedAt = datetime(), cfg.updatedById = $userId
RETURN cfg.id AS id
"""
