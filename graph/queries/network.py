"""The partner network as a viewer may see it: neighbourhoods, paths, graph measures.

A hop from company A to company B goes through one partnership between them,
and only through one the viewer may see (authorization.md, Partnerships): the
viewer's company is a party, or a party is one of its ACTIVE HIGH partners.
Every visible partnership therefore touches one of the ``$hubs`` (the viewer's
company and its ACTIVE HIGH partners), and that is the per-hop predicate of
every expansion below.

Expansions go hop by hop from a frontier of company ids (index seeks, then
the frontier's partnerships filtered on the hubs), so the work is bounded by
the degrees of the companies reached, never by the graph. Neo4j's
shortest-path operator over a quantified pattern with this predicate was
measured first: 0.7 s for depth 2 from the SF1 hub, and minutes for a path
that does not exist (it explores trails, not companies).

Because every visible edge touches a hub and every hub is one ACTIVE hop from
the viewer's company, every company of the visible network is within two hops
of the viewer's company: any shortest visible path has at most four hops.
"""

from typing import LiteralString

from graph.queries.companies import COMPANY_PROFILE
from graph.queries.partnerships import PARTNERSHIP_PROPS

#: Longest shortest path through visible partnerships (see above).
MAX_VISIBLE_HOPS = 4


def _network_level(level: LiteralString) -> LiteralString:
    """Level ``level`` of the breadth-first search in NETWORK_QUERY: the visible
    partnerships of the frontier (nothing beyond $depth), and the companies they
    reach for the first time, which become the next frontier. An aggregate
    without grouping keys always yields one row, so an empty level keeps the row."""
    return (
        """CALL (frontier) {
  UNWIND CASE WHEN $depth >= """
        + level
        + """ THEN frontier ELSE [] END AS id
  MATCH (c:Company {id: id})-[:VENDOR_IN|PARTNER_IN]->(ps:Partnership)
        <-[:VENDOR_IN|PARTNER_IN]-(o:Company)
  WHERE c.id IN $hubs OR o.id IN $hubs
  RETURN collect(DISTINCT ps) AS met, collect(DISTINCT o.id) AS reached
}
WITH s, met, seen, nodes, edges, [x IN reached WHERE NOT x IN seen] AS fresh
WITH s, edges + met AS edges, seen + fresh AS seen, fresh AS frontier,
     nodes + [x IN fresh | {id: x, distance: """
        + level
        + """}] AS nodes
"""
    )


# The network within $depth (at most MAX_VISIBLE_HOPS) visible hops of the
# $start company in one statement: each company reached with its distance and
# public profile, and every visible partnership met with both parties. No row
# when the start company does not exist.
NETWORK_QUERY: LiteralString = (
    """MATCH (s:Company {id: $start})
WITH s, [s.id] AS frontier, [s.id] AS seen, [{id: s.id, distance: 0}] AS nodes, [] AS edges
"""
    + _network_level("1")
    + _network_level("2")
    + _network_level("3")
    + _network_level("4")
    + """CALL (edges) {
  UNWIND edges AS ps
  WITH DISTINCT ps
  MATCH (vendor:Company)-[:VENDOR_IN]->(ps)<-[:PARTNER_IN]-(partner:Company)
  RETURN collect({id: ps.id, props: """
    + PARTNERSHIP_PROPS
    + """, vendor: vendor.id, partner: partner.id})
         AS partnerships
}
CALL (nodes) {
  UNWIND nodes AS node
  MATCH (c:Company {id: node.id})
  RETURN collect({distance: node.distance, row: c """
    + COMPANY_PROFILE
    + """}) AS companies
}
RETURN companies, partnerships
"""
)

# One hop from the $frontier companies through visible partnerships (only
# ACTIVE ones when $activeOnly): the partnerships with both parties.
NETWORK_HOP_QUERY: LiteralString = (
    """
UNWIND $frontier AS id
MATCH (c:Company {id: id})-[:VENDOR_IN|PARTNER_IN]->(ps:Partnership)
      <-[:VENDOR_IN|PARTNER_IN]-(o:Company)
WHERE (c.id IN $hubs OR o.id IN $hubs) AND (NOT $activeOnly OR ps.status = 'ACTIVE')
WITH DISTINCT ps
MATCH (vendor:Company)-[:VENDOR_IN]->(ps)<-[:PARTNER_IN]-(partner:Company)
RETURN ps.id AS id, """
    + PARTNERSHIP_PROPS
    + """ AS props, vendor.id AS vendor, partner.id AS partner
ORDER BY ps.id
"""
)

# One level of a breadth-first search from x, over visible partnerships,
# skipping the companies already seen.
_LEVEL: LiteralString = """
  CALL (prev, seen) {
    UNWIND prev AS y
    MATCH (:Company {id: y})-[:VENDOR_IN|PARTNER_IN]->(:Partnership)
          <-[:VENDOR_IN|PARTNER_IN]-(o:Company)
    WHERE (y IN $hubs OR o.id IN $hubs) AND NOT o.id IN seen
    RETURN collect(DISTINCT o.id) AS next
  }
"""

# Degree (visible partnerships) of every company of the visible network, ordered
# by degree descending then id, paged with the keyset ($afterK, $afterId); the
# page's rows also get their harmonic closeness (sum of 1/distance to every other
# company of the visible network: four levels reach them all).
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
  WITH [r.id] AS prev, [r.id] AS seen"""
    + _LEVEL
    + "  WITH next AS l1, seen + next AS seen, next AS prev"
    + _LEVEL
    + "  WITH l1, next AS l2, seen + next AS seen, next AS prev"
    + _LEVEL
    + "  WITH l1, l2, next AS l3, seen + next AS seen, next AS prev"
    + _LEVEL
    + """  RETURN size(l1) + size(l2) / 2.0 + size(l3) / 3.0 + size(next) / 4.0 AS harmonic
}
WITH total, r, harmonic
RETURN total, collect(CASE WHEN r IS NULL THEN null ELSE r {.*, harmonic: harmonic} END) AS page
"""
)
