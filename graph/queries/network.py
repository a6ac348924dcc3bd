"""The partner network as a viewer may see it: neighbourhoods, paths, graph measures.

A hop from company A to company B goes through one partnership between them,
and only through one the viewer may see (authorization.md, Partnerships): the
viewer's company is a party, or a party is one of its ACTIVE HIGH partners.
Every visible partnership therefore touches one of the ``$hubs`` (the viewer's
company and its ACTIVE HIGH partners), and that is the per-hop predicate of
every expansion below: the search never leaves the visible edges, so its size
is bounded by the hubs' degrees, not by the graph (Neo4j's shortest-path
search over a quantified path pattern with an inline predicate).
"""

from typing import LiteralString

# One visible hop, as a quantified path pattern body.
_HOP: LiteralString = """((a:Company)-[:VENDOR_IN|PARTNER_IN]->(hop:Partnership)
    <-[:VENDOR_IN|PARTNER_IN]-(b:Company)
    WHERE a.id IN $hubs OR b.id IN $hubs)"""

# Companies within $depth visible hops of $from (with their distance), and the
# visible partnerships expanded on the way (those touching a company closer
# than $depth). Nothing when $from is not a company.
NETWORK_QUERY: LiteralString = (
    """
MATCH (s:Company {id: $from})
CALL (s) {
  MATCH p = ANY SHORTEST (s)"""
    + _HOP
    + """+(t:Company)
  WHERE t <> s
  WITH t, length(p) / 2 AS d WHERE d <= $depth
  RETURN collect({id: t.id, d: d}) AS reached
}
WITH s, [{id: s.id, d: 0}] + reached AS nodes
CALL (nodes) {
  UNWIND nodes AS n
  WITH n WHERE n.d < $depth
  MATCH (c:Company {id: n.id})-[:VENDOR_IN|PARTNER_IN]->(ps:Partnership)
        <-[:VENDOR_IN|PARTNER_IN]-(o:Company)
  WHERE c.id IN $hubs OR o.id IN $hubs
  WITH DISTINCT ps
  MATCH (vendor:Company)-[:VENDOR_IN]->(ps)<-[:PARTNER_IN]-(partner:Company)
  WITH ps, vendor, partner ORDER BY ps.id
  RETURN collect({id: ps.id, props: ps {.*}, vendor: vendor.id, partner: partner.id}) AS edges
}
RETURN nodes, edges
"""
)

# The shortest chain of visible ACTIVE partnerships from $from to $to.
PARTNER_PATH_QUERY: LiteralString = """
MATCH (s:Company {id: $from}), (t:Company {id: $to})
MATCH p = ANY SHORTEST (s)((a:Company)-[:VENDOR_IN|PARTNER_IN]->(hop:Partnership)
    <-[:VENDOR_IN|PARTNER_IN]-(b:Company)
    WHERE hop.status = 'ACTIVE' AND (a.id IN $hubs OR b.id IN $hubs))*(t)
RETURN [n IN nodes(p) WHERE n:Company | n.id] AS companies,
       [n IN nodes(p) WHERE n:Partnership | n.id] AS partnerships
"""

# Degree (visible partnerships) of every company of the visible network, ordered
# by degree descending then id, paged with the keyset ($afterK, $afterId); the
# page's rows also get their harmonic closeness over the visible network.
NETWORK_MEASURES_QUERY: LiteralString = (
    """
CALL () {
  UNWIND $hubs AS h
  MATCH (:Company {id: h})-[:VENDOR_IN|PARTNER_IN]->(ps:Partnership)
  WITH DISTINCT ps
  MATCH (c:Company)-[:VENDOR_IN|PARTNER_IN]->(ps)
  WITH c.id AS id, count(ps) AS degree
  RETURN collect({id: id, k: degree}) AS counted
}
WITH CASE WHEN any(r IN counted WHERE r.id = $companyId) THEN counted
          ELSE counted + [{id: $companyId, k: 0}] END AS rows
WITH rows, size(rows) AS total
CALL (rows) {
  UNWIND rows AS r
  WITH r ORDER BY r.k DESC, r.id ASC
  WITH r WHERE $afterId IS NULL OR r.k < $afterK OR (r.k = $afterK AND r.id > $afterId)
  RETURN collect(r)[..$limit] AS window
}
UNWIND (CASE WHEN size(window) = 0 THEN [null] ELSE window END) AS r
CALL (r) {
  WITH r WHERE r IS NOT NULL
  MATCH (x:Company {id: r.id})
  OPTIONAL MATCH p = ANY SHORTEST (x)"""
    + _HOP
    + """+(t:Company)
  WHERE t <> x
  RETURN sum(CASE WHEN p IS NULL THEN 0.0 ELSE 2.0 / length(p) END) AS harmonic
}
WITH total, r, harmonic
RETURN total, collect(CASE WHEN r IS NULL THEN null ELSE r {.*, harmonic: harmonic} END) AS page
"""
)
