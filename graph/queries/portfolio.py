"""Account mapping and portfolio analytics of the viewer's company, computed in Cypher.

An account is a normalized customer domain (``toLower(btrim(domain, $space))``
with ``$space`` = ``policy.ACCOUNT_SPACE``, as ``policy.account_key``: Cypher's
``trim()`` would keep a no-break space): two companies hold the same account
when each owns a customer record with that domain. Count breakdowns come back
whole; the reader leaves out the small buckets (``policy.shown_buckets``), so
that no count singles out one account, not even by subtraction from the total.
"""

from typing import LiteralString

from graph.queries.deals import DEAL_OF_COMPANY

# Accounts the viewer's company ($companyId) and the partner ($partnerId) both
# hold: the total, breakdowns by the viewer's own records' industry and region
# (every bucket: the reader suppresses), and for each account the records on both sides
# (the caller reads the partner's through the customer rules, or not at all).
OVERLAP_QUERY: LiteralString = """
MATCH (:Company {id: $partnerId})<-[:OWNED_BY]-(t:Customer)
WITH toLower(btrim(coalesce(t.domain, ''), $space)) AS account, collect(t.id) AS theirs
WHERE account <> ''
WITH collect({account: account, theirs: theirs}) AS partnerAccounts
WITH partnerAccounts, [a IN partnerAccounts | a.account] AS accounts
OPTIONAL MATCH (:Company {id: $companyId})<-[:OWNED_BY]-(m:Customer)
WITH partnerAccounts, accounts, m, toLower(btrim(coalesce(m.domain, ''), $space)) AS account
WITH partnerAccounts, collect(CASE WHEN m IS NOT NULL AND account IN accounts
       THEN {account: account, id: m.id, industry: m.industry, region: m.region} END) AS mine
WITH partnerAccounts, mine, reduce(seen = [], r IN mine |
       CASE WHEN r.account IN seen THEN seen ELSE seen + r.account END) AS overlap
CALL (mine) {
  UNWIND mine AS r
  WITH r.industry AS key, count(DISTINCT r.account) AS n
  WITH key, n ORDER BY n DESC, key
  RETURN collect({key: key, count: n}) AS byIndustry
}
CALL (mine) {
  UNWIND mine AS r
  WITH r.region AS key, count(DISTINCT r.account) AS n
  WITH key, n ORDER BY n DESC, key
  RETURN collect({key: key, count: n}) AS byRegion
}
RETURN size(overlap) AS total, byIndustry, byRegion,
       CASE WHEN $listAccounts THEN
         [a IN partnerAccounts WHERE a.account IN overlap |
           {account: a.account, theirs: a.theirs,
            mine: [r IN mine WHERE r.account = a.account | r.id]}]
       ELSE [] END AS accounts
"""

# Partnerships of the viewer's company counted by tier, structure and status.
PORTFOLIO_PARTNERSHIPS_QUERY: LiteralString = """
MATCH (:Company {id: $companyId})-[:VENDOR_IN|PARTNER_IN]->(p:Partnership)
RETURN p.tier AS tier, p.structure AS structure, p.status AS status, count(p) AS count
"""

# Won revenue per partner and currency (deals under the viewer's partnerships
# that its company sees, DEAL_OF_COMPANY), with each partner's share, the top
# $top partners and the Herfindahl index.
PORTFOLIO_WON_REVENUE_QUERY: LiteralString = (
    """
MATCH (:Company {id: $companyId})-[:VENDOR_IN|PARTNER_IN]->(p:Partnership)
      <-[:VENDOR_IN|PARTNER_IN]-(other:Company)
MATCH (o:Opportunity {status: 'WON'})-[:UNDER]->(p)
WHERE """
    + DEAL_OF_COMPANY
    + """
WITH o.currency AS currency, other.id AS partner, sum(o.amount) AS value
WITH currency, collect({partner: partner, value: value}) AS rows, sum(value) AS total
WITH currency, total,
     [r IN rows | r {.*, share: CASE WHEN total > 0 THEN r.value / total ELSE 0.0 END}] AS rows
CALL (rows) {
  UNWIND rows AS r
  WITH r ORDER BY r.value DESC, r.partner ASC LIMIT $top
  RETURN collect(r) AS top
}
RETURN currency, total, top,
       reduce(h = 0.0, r IN rows | h + r.share * r.share) AS herfindahl
ORDER BY currency
"""
)

# Links the viewer's company granted that can share anything: live, under an
# ACTIVE partnership of exactly the two companies (as VIEWER_QUERY reads the
# links it received), with the company's SharingPolicy for that tier, so that
# policy.effective_grants says what each lets its recipient read.
PORTFOLIO_GIVEN_LINKS_QUERY: LiteralString = """
MATCH (v:Company {id: $companyId})-[:GRANTS]->(l:DataLink)-[:TO]->(o:Company)
WHERE o <> v AND l.revokedAt IS NULL AND (l.expiresAt IS NULL OR l.expiresAt > datetime())
MATCH (l)-[:UNDER]->(p:Partnership {status: 'ACTIVE'})
WHERE (o)-[:VENDOR_IN|PARTNER_IN]->(p) AND (v)-[:VENDOR_IN|PARTNER_IN]->(p)
RETURN l.id AS id, v.id AS owner, o.id AS recipient, l.scope AS scope,
       l.allCustomers AS allCustomers, l.ceiling AS ceiling,
       l.ceilingAllCustomers AS ceilingAllCustomers,
       l.expiresAt.epochMillis AS expiresAt, p.tier AS tier,
       [(v)-[:HAS_POLICY]->(sp:SharingPolicy {tier: p.tier}) | sp.groups] AS overrides
"""

# Customers shared between the viewer's company and each ACTIVE partner: the
# $grants are every grant that lets one of the two read the other's customers
# (the viewer's own grants, and those its links give the partner), each
# {partner, owner, link, all}; a customer counts once per partner. Only
# customers that flow count: a link whose scope the tier's policy empties (any
# link at LOW by default) shares nothing and is not among the grants.
PORTFOLIO_SHARED_CUSTOMERS_QUERY: LiteralString = """
UNWIND $grants AS g
CALL (g) {
  MATCH (c:Customer)-[:OWNED_BY]->(:Company {id: g.owner})
  WHERE g.all
  RETURN c
  UNION ALL
  MATCH (:DataLink {id: g.link})-[:COVERS]->(c:Customer)-[:OWNED_BY]->(:Company {id: g.owner})
  WHERE NOT g.all
  RETURN c
}
WITH g.partner AS partner, count(DISTINCT c) AS value
WITH collect({partner: partner, value: toFloat(value)}) AS rows, sum(value) AS total
WITH total,
     [r IN rows | r {.*, share: CASE WHEN total > 0 THEN r.value / total ELSE 0.0 END}] AS rows
CALL (rows) {
  UNWIND rows AS r
  WITH r ORDER BY r.value DESC, r.partner ASC LIMIT $top
  RETURN collect(r) AS top
}
RETURN toFloat(total) AS total, top,
       reduce(h = 0.0, r IN rows | h + r.share * r.share) AS herfindahl
"""

# Accounts of the viewer's company also held by two or more of its ACTIVE
# partners: the number, and how many accounts per number of partners (every
# bucket: the reader suppresses).
PORTFOLIO_DUPLICATED_COVERAGE_QUERY: LiteralString = """
MATCH (v:Company {id: $companyId})<-[:OWNED_BY]-(m:Customer)
WITH v, collect(DISTINCT toLower(btrim(coalesce(m.domain, ''), $space))) AS ours
WITH v, [a IN ours WHERE a <> ''] AS ours
CALL (v, ours) {
  MATCH (v)-[:VENDOR_IN|PARTNER_IN]->(:Partnership {status: 'ACTIVE'})
        <-[:VENDOR_IN|PARTNER_IN]-(o:Company)
  WITH DISTINCT o
  MATCH (o)<-[:OWNED_BY]-(t:Customer)
  WITH o, toLower(btrim(coalesce(t.domain, ''), $space)) AS account
  WHERE account IN ours
  WITH account, count(DISTINCT o) AS partners WHERE partners >= 2
  RETURN account, partners
}
WITH partners, count(account) AS accounts
WITH collect({partners: partners, count: accounts}) AS rows
RETURN reduce(n = 0, r IN rows | n + r.count) AS accounts, rows AS byPartners
"""

# ACTIVE partnerships of the viewer's company with a warning sign: deals
# registered in the last $days down on the $days before, live data links
# expiring within $days, or nothing new (deal, link, MDF request, start) in $days.
# Only what the viewer sees counts: deals of its company (DEAL_OF_COMPANY), links
# it gave or received (a link filed under the partnership between the partner and
# a third company is neither), MDF requests only when it reads them ($mdf).
PORTFOLIO_AT_RISK_QUERY: LiteralString = (
    """
MATCH (v:Company {id: $companyId})-[:VENDOR_IN|PARTNER_IN]->(p:Partnership {status: 'ACTIVE'})
      <-[:VENDOR_IN|PARTNER_IN]-(other:Company)
WITH v, p, other, datetime() AS now, duration({days: $days}) AS window
CALL (p, now, window) {
  OPTIONAL MATCH (o:Opportunity)-[:UNDER]->(p) WHERE """
    + DEAL_OF_COMPANY
    + """
  RETURN sum(CASE WHEN o.registeredAt > now - window THEN o.amount ELSE 0.0 END) AS recent,
         sum(CASE WHEN o.registeredAt <= now - window
                   AND o.registeredAt > now - window - window THEN o.amount ELSE 0.0 END)
           AS previous,
         max(o.registeredAt) AS lastDeal
}
CALL (v, p, now, window) {
  OPTIONAL MATCH (l:DataLink)-[:UNDER]->(p)
  WHERE (v)-[:GRANTS]->(l) OR (l)-[:TO]->(v)
  RETURN count(CASE WHEN l.revokedAt IS NULL AND l.expiresAt > now
                     AND l.expiresAt <= now + window THEN l END) AS expiring,
         max(l.createdAt) AS lastLink
}
CALL (p) {
  OPTIONAL MATCH (m:MdfRequest)-[:UNDER]->(p)
  WHERE $mdf
  RETURN max(m.requestedAt) AS lastMdf
}
WITH p, other, now, window, recent, previous, expiring,
     reduce(last = null, x IN [lastDeal, lastLink, lastMdf, p.since] |
       CASE WHEN x IS NOT NULL AND (last IS NULL OR x > last) THEN x ELSE last END) AS lastActivity
WITH p, other, recent, previous, expiring, lastActivity,
     previous > 0 AND recent < previous AS declining,
     lastActivity IS NULL OR lastActivity <= now - window AS inactive
WHERE declining OR expiring > 0 OR inactive
RETURN p.id AS id, other.id AS partner, recent, previous, expiring, lastActivity,
       declining, inactive
ORDER BY p.id
"""
)
