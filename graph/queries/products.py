"""Products of vendors, with what prices them for the viewer's company.

Row level: a vendor's products are read only when the viewer's company is the
vendor or one of its ACTIVE partners (``$activePartners``, from the viewer).
Each vendor's ``tiers`` (the tiers of the viewer's ACTIVE partnerships with
it) and ``discounts`` (its ``TierDiscount`` overrides) come back once per
vendor; ``policy.product_terms`` turns them into the viewer's price.

The writes (graph/commands/products.py) change products and discount schedules.
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

# -- writes (graph/commands/products.py) ------------------------------------

# Locks the vendor so two creates with one SKU cannot both pass the check.
SKU_TAKEN_QUERY: LiteralString = """
MATCH (v:Company {id: $vendor})
SET v._lock = true REMOVE v._lock
RETURN [(v)-[:SELLS]->(p:Product {sku: $sku}) WHERE p.id <> $except | p.id] AS taken
"""

CREATED_PRODUCT_QUERY: LiteralString = """
MATCH (v:Company {id: $vendor})
CREATE (v)-[:SELLS]->(p:Product {
  id: $id, sku: $sku, name: $name, description: $description, listPrice: $listPrice,
  currency: $currency, createdAt: datetime()
})
RETURN p.id AS id
"""

PRODUCT_FOR_UPDATE_QUERY: LiteralString = """
MATCH (v:Company)-[:SELLS]->(p:Product {id: $id})
SET p._lock = true REMOVE p._lock
RETURN v.id AS vendor, p {.sku, .name, .description, .listPrice, .currency} AS props
"""

# $changes holds only keys this module names (see ProductChanges.as_props).
PRODUCT_UPDATED_QUERY: LiteralString = """
MATCH (p:Product {id: $id})
SET p += $changes, p.updatedAt = datetime()
RETURN p.id AS id
"""

DISCOUNTS_LOCKED_QUERY: LiteralString = """
MATCH (v:Company {id: $vendor})
SET v._lock = true REMOVE v._lock
RETURN [(v)-[:HAS_DISCOUNT]->(d:TierDiscount) | d {.tier, .discountPct}] AS current
"""

DISCOUNTS_SET_QUERY: LiteralString = """
MATCH (v:Company {id: $vendor})
UNWIND $set AS s
MERGE (d:TierDiscount {id: $vendor + ':' + s.tier})
ON CREATE SET d.tier = s.tier
MERGE (v)-[:HAS_DISCOUNT]->(d)
SET d.discountPct = s.discountPct, d.updatedAt = datetime(), d.updatedById = $userId
RETURN count(d) AS set
"""

DISCOUNTS_CLEARED_QUERY: LiteralString = """
MATCH (v:Company {id: $vendor})-[:HAS_DISCOUNT]->(d:TierDiscount)
WHERE d.tier IN $clear
DETACH DELETE d
RETURN count(*) AS cleared
"""
