"""Products of vendors, with what prices them for the viewer's company.

Row level: a vendor's products are read only when the viewer's company is the
vendor or one of its ACTIVE partners (``$activePartners``, from the viewer).
Each vendor's ``tiers`` (the tiers of the viewer's ACTIVE partnerships with
it) and ``discounts`` (its ``TierDiscount`` overrides) come back once per
vendor; ``policy.product_terms`` turns them into the viewer's price.
"""

from typing import LiteralString

from graph.queries.paging import page_return

_VISIBLE_VENDOR: LiteralString = "(v.id = $companyId OR v.id IN $activePartners)"

# Needs ``v`` (the vendor) in scope.
_TERMS: LiteralString = """
CALL (v) {
  OPTIONAL MATCH (v)-[:VENDOR_IN|PARTNER_IN]->(ps:Partnership {status: 'ACTIVE'})
                 <-[:VENDOR_IN|PARTNER_IN]-(me:Company {id: $companyId})
  WHERE me <> v
  RETURN collect(DISTINCT ps.tier) AS tiers
}
CALL (v) {
  OPTIONAL MATCH (v)-[:HAS_DISCOUNT]->(d:TierDiscount)
  RETURN collect(d {.tier, .discountPct}) AS discounts
}
"""

_PROPS: LiteralString = "pr {.id, .sku, .name, .description, .listPrice, .currency}"

PRODUCTS_BY_IDS_QUERY: LiteralString = (
    "MATCH (v:Company)-[:SELLS]->(pr:Product) WHERE pr.id IN $ids AND "
    + _VISIBLE_VENDOR
    + "\nWITH v, collect("
    + _PROPS
    + ") AS products\n"
    + _TERMS
    + "RETURN v.id AS vendor, products, tiers, discounts"
)

# Parents are vendor company ids; a page per vendor ordered by (name, id).
PRODUCTS_OF_COMPANIES_QUERY: LiteralString = (
    "UNWIND $parents AS p\n"
    "MATCH (v:Company {id: p.key}) WHERE " + _VISIBLE_VENDOR + "\nCALL (v) {\n"
    "  MATCH (v)-[:SELLS]->(pr:Product)\n"
    "  WITH pr ORDER BY pr.name, pr.id\n"
    "  WITH {id: pr.id, k: pr.name, props: "
    + _PROPS
    + "} AS row\n"
    + page_return()
    + "}\n"
    + _TERMS
    + "RETURN p.key AS key, total, page, tiers, discounts"
)

# The vendor's own discount overrides (its EXECUTIVE edits them).
DISCOUNTS_OF_COMPANIES_QUERY: LiteralString = """
UNWIND $ids AS id
MATCH (v:Company {id: id})
OPTIONAL MATCH (v)-[:HAS_DISCOUNT]->(d:TierDiscount)
RETURN id, collect(d {.tier, .discountPct, .updatedAt}) AS discounts
"""
