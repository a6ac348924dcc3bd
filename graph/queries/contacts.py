"""Contacts of companies and of customers.

Whether the viewer may see them is decided before these run (company
contacts: the company and its ACTIVE partners; customer contacts: the
CONTACT group of that customer), so these only page.
"""

from typing import LiteralString

from graph.queries.paging import page_return


def _contacts_of(label: LiteralString) -> LiteralString:
    return (
        "UNWIND $parents AS p\n"
        "CALL (p) {\n"
        "  MATCH (ct:Contact)-[:WORKS_AT]->(:" + label + " {id: p.key})\n"
        "  WITH ct ORDER BY ct.name, ct.id\n"
        "  WITH {id: ct.id, k: ct.name, props: ct {.*}} AS row\n"
        + page_return()
        + "}\nRETURN p.key AS key, total, page"
    )


CONTACTS_OF_COMPANIES_QUERY: LiteralString = _contacts_of("Company")
CONTACTS_OF_CUSTOMERS_QUERY: LiteralString = _contacts_of("Customer")

# Where each contact works, so that the caller can apply the matching rule.
CONTACTS_BY_IDS_QUERY: LiteralString = """
MATCH (ct:Contact)-[:WORKS_AT]->(x) WHERE ct.id IN $ids
RETURN {id: ct.id, props: ct {.*}, company: CASE WHEN x:Company THEN x.id END,
        customer: CASE WHEN x:Customer THEN x.id END} AS row
"""
