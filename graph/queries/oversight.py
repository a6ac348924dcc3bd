"""Oversight totals at three levels, each one statement.

The scope is chosen by role (policy.oversight_scope) and picks one of three
allow-listed fragments; nothing else varies the text. Deals follow the row
rule of authorization.md: an EXECUTIVE or ANALYST oversees every deal under
the company's partnerships, a MANAGER those under the partnerships they
manage, a REP the deals they registered. An open deal past its expiry
counts as EXPIRED. A deal counts only when the company registered it or is
its vendor (``DEAL_OF_COMPANY``), as in the deal lists.
"""

from typing import LiteralString

from graph.queries.deals import DEAL_OF_COMPANY
from policy import OversightScope

_PARTNERSHIPS: dict[OversightScope, LiteralString] = {
    OversightScope.COMPANY: (
        "MATCH (:Company {id: $companyId})-[:VENDOR_IN|PARTNER_IN]->(p:Partnership)\n"
    ),
    OversightScope.MANAGED: (
        "MATCH (:User {id: $userId})-[:MANAGES]->(p:Partnership)"
        "<-[:VENDOR_IN|PARTNER_IN]-(:Company {id: $companyId})\n"
    ),
}

_STATUS: LiteralString = (
    "CASE WHEN o.status IN ['SUBMITTED', 'APPROVED'] AND o.expiresAt IS NOT NULL"
    " AND o.expiresAt <= now THEN 'EXPIRED' ELSE o.status END"
)

# Expects ``ps`` (the partnerships in scope) and ``now``.
_PARTNERSHIP_TOTALS: LiteralString = (
    """
CALL (ps) {
  UNWIND ps AS p
  WITH p.status AS status, p.tier AS tier, count(*) AS n
  RETURN collect({status: status, tier: tier, count: n}) AS partnerships
}
CALL (ps, now) {
  UNWIND ps AS p
  MATCH (o:Opportunity)-[:UNDER]->(p)
  WHERE """
    + DEAL_OF_COMPANY
    + """
  WITH """
    + _STATUS
    + """ AS status, coalesce(o.currency, p.currency) AS currency,
       count(*) AS n, sum(coalesce(o.amount, 0.0)) AS amount
  RETURN collect({status: status, currency: currency, count: n, amount: amount}) AS deals
}
CALL (ps) {
  UNWIND ps AS p
  MATCH (m:MdfRequest)-[:UNDER]->(p)
  WHERE $financials
  WITH m.status AS status, coalesce(m.currency, p.currency) AS currency,
       count(*) AS n, sum(coalesce(m.amount, 0.0)) AS amount
  RETURN collect({status: status, currency: currency, count: n, amount: amount}) AS mdf
}
CALL (ps) {
  UNWIND ps AS p
  WITH p WHERE $financials AND p.mdfBudget IS NOT NULL
  WITH p.currency AS currency, sum(p.mdfBudget) AS amount
  RETURN collect({currency: currency, amount: amount}) AS budgets
}
RETURN partnerships, deals, mdf, budgets
"""
)


def oversight_totals_query(scope: OversightScope) -> LiteralString:
    """Totals of the viewer's scope: partnerships, deals and (``$financials``) MDF."""
    if scope is OversightScope.OWN:
        return (
            "WITH datetime() AS now\n"
            "CALL (now) {\n"
            "  MATCH (:User {id: $userId})<-[:REGISTERED_BY]-(o:Opportunity)-[:UNDER]->"
            "(p:Partnership)<-[:VENDOR_IN|PARTNER_IN]-(:Company {id: $companyId})\n"
            "  WHERE " + DEAL_OF_COMPANY + "\n"
            "  WITH " + _STATUS + " AS status, coalesce(o.currency, p.currency) AS currency,\n"
            "       count(*) AS n, sum(coalesce(o.amount, 0.0)) AS amount\n"
            "  RETURN collect({status: status, currency: currency, count: n, amount: amount})"
            " AS deals\n"
            "}\n"
            "RETURN null AS partnerships, deals, null AS mdf, null AS budgets\n"
        )
    return (
        "CALL () {\n  "
        + _PARTNERSHIPS[scope]
        + "  RETURN collect(DISTINCT p) AS ps\n}\n"
        + "WITH ps, datetime() AS now\n"
        + _PARTNERSHIP_TOTALS
    )


def oversight_breakdown_query(scope: OversightScope) -> LiteralString:
    """Per partnership of the scope, by id after ``$after``, at most ``$limit``."""
    if scope is OversightScope.OWN:
        raise ValueError("a REP's oversight has no per-partnership breakdown")
    return (
        _PARTNERSHIPS[scope]
        + "WITH DISTINCT p WHERE $after IS NULL OR p.id > $after\n"
        + "WITH p, datetime() AS now ORDER BY p.id LIMIT $limit\n"
        + "CALL (p, now) {\n"
        + "  OPTIONAL MATCH (o:Opportunity)-[:UNDER]->(p) WHERE "
        + DEAL_OF_COMPANY
        + "\n"
        + "  WITH o, "
        + _STATUS
        + """ AS status
  RETURN count(o) AS deals,
         sum(CASE WHEN status IN ['SUBMITTED', 'APPROVED'] THEN o.amount ELSE 0.0 END)
           AS pipeline,
         sum(CASE WHEN status = 'WON' THEN o.amount ELSE 0.0 END) AS won,
         count(CASE WHEN status = 'WON' THEN 1 END) AS wonCount,
         count(CASE WHEN status = 'LOST' THEN 1 END) AS lostCount
}
CALL (p) {
  OPTIONAL MATCH (m:MdfRequest)-[:UNDER]->(p)
  RETURN sum(CASE WHEN m.status = 'APPROVED' THEN m.amount ELSE 0.0 END) AS mdfApproved,
         sum(CASE WHEN m.status = 'SUBMITTED' THEN m.amount ELSE 0.0 END) AS mdfPending
}
RETURN p.id AS id, p.currency AS currency, p.mdfBudget AS mdfBudget, deals, pipeline, won,
       wonCount, lostCount, mdfApproved, mdfPending
"""
    )
