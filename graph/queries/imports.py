"""Cypher of the CSV import: one statement per kind of row, MERGE on the derived id.

Each statement writes a whole batch of already validated rows and returns the
line numbers it wrote; a row whose reference is missing (a contact's customer,
a partnership's partner) matches nothing, is not written at all and is
reported by the caller. Labels and property names are fixed here; the values,
property maps included, are parameters whose keys come from the import's
allow-list, never from a CSV header.
"""

from __future__ import annotations

from typing import LiteralString

OWNER_EXISTS_QUERY: LiteralString = "MATCH (o:Company {id: $owner}) RETURN o.id AS id"

IMPORT_COMPANIES_QUERY: LiteralString = """
UNWIND $rows AS row
MERGE (c:Company {id: row.id})
ON CREATE SET c.createdAt = datetime()
SET c += row.props
RETURN row.line AS line
"""

IMPORT_CUSTOMERS_QUERY: LiteralString = """
MATCH (o:Company {id: $owner})
UNWIND $rows AS row
MERGE (c:Customer {id: row.id})
ON CREATE SET c.createdAt = datetime()
SET c += row.props
MERGE (c)-[:OWNED_BY]->(o)
RETURN row.line AS line
"""

IMPORT_CONTACTS_QUERY: LiteralString = """
UNWIND $rows AS row
OPTIONAL MATCH (cu:Customer {id: row.customer})-[:OWNED_BY]->(:Company {id: $owner})
OPTIONAL MATCH (co:Company {id: row.company})
WITH row, coalesce(cu, co) AS at
WHERE at IS NOT NULL
MERGE (c:Contact {id: row.id})
SET c += row.props
WITH row, c, at
OPTIONAL MATCH (c)-[old:WORKS_AT]->(elsewhere)
WHERE elsewhere <> at
DELETE old
WITH DISTINCT row, c, at
MERGE (c)-[:WORKS_AT]->(at)
RETURN row.line AS line
"""

IMPORT_PARTNERSHIPS_QUERY: LiteralString = """
MATCH (v:Company {id: $owner})
UNWIND $rows AS row
OPTIONAL MATCH (p:Company {id: row.partner})
WITH v, row, p
WHERE p IS NOT NULL AND p <> v
MERGE (pa:Partnership {id: row.id})
ON CREATE SET pa.since = datetime(), pa.status = 'PROSPECT'
SET pa += row.props
MERGE (v)-[:VENDOR_IN]->(pa)
MERGE (p)-[:PARTNER_IN]->(pa)
RETURN row.line AS line
"""
