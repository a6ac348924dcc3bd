"""Cypher of the CSV import: one statement per kind of row, MERGE on the derived id.

Each statement writes a whole batch of already validated rows and returns one
row per input row: its line and its ``outcome``, which is ``written``, or why
nothing of it was written (the caller reports those):

- ``missing``: a reference (a contact's customer or company, a partnership's
  partner) names nothing the importing company may use; the same answer for
  another tenant's company as for one that does not exist.
- ``taken``: the derived id is already a node that is not the importing
  company's (a collision, however it came about): never merged into.
- for partnerships also ``unchanged`` (it exists: import never changes a
  partnership), ``other_partner`` (the record id names one with another
  partner) and ``live`` (the two companies have a partnership that has not
  ended, the rule of ``recruitPartner``).

What is the importing company's ($company): a node it imported (``importedBy``)
and, for customers, one it owns, for partnerships one it is the vendor of. A
company it imported stops being its own once it has users (a tenant then).
Labels and property names are fixed here; the values, property maps included,
are parameters whose keys come from the import's allow-list, never from a CSV
header.
"""

from __future__ import annotations

from typing import LiteralString

COMPANY_EXISTS_QUERY: LiteralString = "MATCH (o:Company {id: $company}) RETURN o.id AS id"

IMPORT_COMPANIES_QUERY: LiteralString = """
UNWIND $rows AS row
MERGE (c:Company {id: row.id})
ON CREATE SET c.createdAt = datetime(), c.importedBy = $company
WITH row, c,
     coalesce(c.importedBy = $company, false) AND NOT EXISTS { (:User)-[:MEMBER_OF]->(c) }
       AS own
CALL (row, c, own) {
  WITH row, c WHERE own
  SET c += row.props
}
RETURN row.line AS line, CASE WHEN own THEN 'written' ELSE 'taken' END AS outcome
"""

IMPORT_CUSTOMERS_QUERY: LiteralString = """
MATCH (o:Company {id: $company})
UNWIND $rows AS row
MERGE (c:Customer {id: row.id})
ON CREATE SET c.createdAt = datetime(), c.importedBy = $company
WITH o, row, c,
     (coalesce(c.importedBy = $company, false) OR EXISTS { (c)-[:OWNED_BY]->(o) })
     AND NOT EXISTS { (c)-[:OWNED_BY]->(x) WHERE x <> o } AS own
CALL (o, row, c, own) {
  WITH o, row, c WHERE own
  SET c += row.props, c.importedBy = $company
  MERGE (c)-[:OWNED_BY]->(o)
}
RETURN row.line AS line, CASE WHEN own THEN 'written' ELSE 'taken' END AS outcome
"""

# A contact's place: a customer the company owns, the company itself, or a company it
# imported that has no users. A contact is the company's when it imported it, or (made
# before imports recorded `importedBy`) when it works at one of the company's customers.
IMPORT_CONTACTS_QUERY: LiteralString = """
UNWIND $rows AS row
OPTIONAL MATCH (cu:Customer {id: row.customer})-[:OWNED_BY]->(:Company {id: $company})
OPTIONAL MATCH (co:Company {id: row.company})
  WHERE co.id = $company
     OR (coalesce(co.importedBy = $company, false)
         AND NOT EXISTS { (:User)-[:MEMBER_OF]->(co) })
WITH row, coalesce(cu, co) AS at
OPTIONAL MATCH (old:Contact {id: row.id})
WITH row, at, old IS NULL OR coalesce(old.importedBy = $company, false)
     OR (old.importedBy IS NULL
         AND EXISTS { (old)-[:WORKS_AT]->(:Customer)-[:OWNED_BY]->(:Company {id: $company}) })
     AS own
CALL (row, at, own) {
  WITH row, at WHERE at IS NOT NULL AND own
  MERGE (c:Contact {id: row.id})
  SET c += row.props, c.importedBy = $company
  WITH row, c, at
  CALL (c, at) {
    MATCH (c)-[old:WORKS_AT]->(elsewhere) WHERE elsewhere <> at
    DELETE old
  }
  MERGE (c)-[:WORKS_AT]->(at)
}
RETURN row.line AS line,
       CASE WHEN at IS NULL THEN 'missing' WHEN NOT own THEN 'taken' ELSE 'written' END
         AS outcome
"""

# The importing company is always the vendor. The write lock on it serializes this
# check-then-create with recruitPartner and with other imports of the same company
# (both lock it before they look for a live partnership). A new partnership is a
# PROSPECT with the vendor's onboarding checklist, exactly as recruitPartner makes it:
# activation then goes through the lifecycle and its checklist. An existing one is left
# exactly as it is, whatever its status (an ENDED one is never revived).
IMPORT_PARTNERSHIPS_QUERY: LiteralString = """
MATCH (v:Company {id: $company})
SET v._lock = true REMOVE v._lock
WITH v
UNWIND $rows AS row
OPTIONAL MATCH (p:Company {id: row.partner}) WHERE p <> v
OPTIONAL MATCH (old:Partnership {id: row.id})
WITH v, row, p, old,
     CASE WHEN old IS NOT NULL AND NOT EXISTS { (v)-[:VENDOR_IN]->(old) } THEN 'taken'
          WHEN p IS NULL THEN 'missing'
          WHEN old IS NOT NULL AND EXISTS { (p)-[:PARTNER_IN]->(old) } THEN 'unchanged'
          WHEN old IS NOT NULL THEN 'other_partner'
          WHEN EXISTS { (v)-[:VENDOR_IN|PARTNER_IN]->(x:Partnership)<-[:VENDOR_IN|PARTNER_IN]-(p)
                        WHERE x.status <> 'ENDED' } THEN 'live'
          ELSE 'written' END AS outcome
CALL (v, row, p, outcome) {
  WITH v, row, p WHERE outcome = 'written'
  CREATE (v)-[:VENDOR_IN]->(pa:Partnership {id: row.id})<-[:PARTNER_IN]-(p)
  SET pa += row.props
  SET pa.status = 'PROSPECT', pa.createdAt = datetime(), pa.importedBy = $company
  WITH v, pa
  CALL (v, pa) {
    MATCH (v)-[:REQUIRES]->(r:OnboardingRequirement)
    CREATE (pa)-[:HAS_ITEM]->(:OnboardingItem {
      id: pa.id + ':' + r.key, key: r.key, title: r.title, required: r.required
    })
  }
}
RETURN row.line AS line, outcome
"""
