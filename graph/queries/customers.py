"""Customers a viewer's company can see, with the groups it may read on each.

Every statement is built from the same parts:

1. candidates: which customers to consider for one parent (the whole visible
   set, one owner's, one data link's, or given ids);
2. access: for each candidate, its owner and the union of the viewer's grants
   that cover it (authorization.md rule 2), or every group for the owner's
   own rows (rule 1); a candidate with no group is dropped (rule 3);
3. filters, each true only where the viewer may read the filtered field;
4. the sort key, null where the viewer may not read it;
5. per-parent ordering, total and keyset page (``paging.page_return``).

Only fixed fragments are concatenated (this module's, and the property names
of ``policy.CUSTOMER_PROPERTIES``, literals too); values are always
parameters. Grants come in as ``$grantsByOwner`` (owner id → grants) computed
per request from the viewer's live links.
"""

from enum import Enum
from typing import LiteralString

from graph.queries.paging import after
from policy import CUSTOMER_PROPERTIES


class CandidateScope(Enum):
    """What a batch of parents is: one query shape per scope."""

    VISIBLE = "visible"  # parent: {key, own: bool, grants: [...]}
    DATA_LINK = "data_link"  # parent: {key: data link id}
    IDS = "ids"  # parent: {key: customer id}


# Each branch yields a candidate and its owner (a covered customer must belong
# to the link's owner, whatever edges the graph has). UNION ALL, with the
# duplicates dropped by the `WITH DISTINCT c, ownerId` that follows: UNION's own
# de-duplication held each candidate row with the parent `p`, the viewer's
# whole grant list included (260 MB of transaction memory for the SF1 hub's
# 5,300 candidates, against 6 MB this way), and 64 such requests at once
# exhausted Neo4j's transaction memory pool (tests/db/test_statement_memory.py).
_CANDIDATES: dict[CandidateScope, LiteralString] = {
    CandidateScope.VISIBLE: """
    MATCH (v:Company {id: $companyId}) WHERE p.own
    MATCH (c:Customer)-[:OWNED_BY]->(v)
    RETURN c, v.id AS ownerId
    UNION ALL
    UNWIND p.grants AS g
    WITH g WHERE g.all
    MATCH (c:Customer)-[:OWNED_BY]->(o:Company {id: g.owner})
    RETURN c, o.id AS ownerId
    UNION ALL
    UNWIND p.grants AS g
    WITH g WHERE NOT g.all
    MATCH (:DataLink {id: g.link})-[:COVERS]->(c:Customer)-[:OWNED_BY]->(o:Company {id: g.owner})
    RETURN c, o.id AS ownerId
""",
    CandidateScope.DATA_LINK: """
    MATCH (l:DataLink {id: p.key})<-[:GRANTS]-(o:Company)
    WHERE NOT coalesce(l.allCustomers, false)
    MATCH (l)-[:COVERS]->(c:Customer)-[:OWNED_BY]->(o)
    RETURN c, o.id AS ownerId
    UNION ALL
    MATCH (l:DataLink {id: p.key})<-[:GRANTS]-(o:Company)
    WHERE l.allCustomers
    MATCH (c:Customer)-[:OWNED_BY]->(o)
    RETURN c, o.id AS ownerId
""",
    CandidateScope.IDS: """
    MATCH (c:Customer {id: p.key})-[:OWNED_BY]->(o:Company)
    RETURN c, o.id AS ownerId
""",
}

_ACCESS: LiteralString = """
  WITH c, ownerId,
       CASE WHEN ownerId = $companyId THEN null
            ELSE [g IN coalesce($grantsByOwner[ownerId], [])
                  WHERE g.all OR EXISTS { MATCH (c)<-[:COVERS]-(l:DataLink) WHERE l.id = g.link }]
       END AS hits
  WITH c, ownerId,
       CASE WHEN hits IS NULL THEN $ownerGroups
            ELSE reduce(acc = [], h IN hits | acc + [x IN h.groups WHERE NOT x IN acc])
       END AS groups,
       CASE WHEN hits IS NULL THEN [] ELSE [h IN hits | h.link] END AS via
  WHERE size(groups) > 0
"""

# What a row carries of a customer: the contract's fields, not record metadata
# such as createdAt (decoding datetimes nobody asked for is a measurable cost).
_PROPERTIES: LiteralString = "{" + ", ".join("." + p for p in CUSTOMER_PROPERTIES) + "}"


class FilterField(Enum):
    """Filterable Customer properties; the value is the only text that reaches Cypher."""

    NAME = "name"
    DOMAIN = "domain"
    INDUSTRY = "industry"
    REGION = "region"
    SEGMENT = "segment"
    EMAIL = "email"


class FilterOp(Enum):
    EQ = "eq"
    IN = "in"
    STARTS_WITH = "startsWith"
    CONTAINS = "contains"


# (field, op) → a predicate readable only where the viewer may read the field:
# `$g_<field>` is the field's group from the policy, passed as a parameter.
_PROPERTY: dict[FilterField, LiteralString] = {
    FilterField.NAME: "name",
    FilterField.DOMAIN: "domain",
    FilterField.INDUSTRY: "industry",
    FilterField.REGION: "region",
    FilterField.SEGMENT: "segment",
    FilterField.EMAIL: "email",
}
_OPERATOR: dict[FilterOp, tuple[LiteralString, LiteralString]] = {
    FilterOp.EQ: (" = ", "_eq"),
    FilterOp.IN: (" IN ", "_in"),
    FilterOp.STARTS_WITH: (" STARTS WITH ", "_startsWith"),
    FilterOp.CONTAINS: (" CONTAINS ", "_contains"),
}


def filter_param(field: FilterField, op: FilterOp) -> str:
    return "f_" + _PROPERTY[field] + _OPERATOR[op][1]


def group_param(field: FilterField) -> str:
    return "g_" + _PROPERTY[field]


def _predicate(field: FilterField, op: FilterOp) -> LiteralString:
    prop = _PROPERTY[field]
    operator, suffix = _OPERATOR[op]
    return "($g_" + prop + " IN groups AND c." + prop + operator + "$f_" + prop + suffix + ")"


class OrderField(Enum):
    """CustomerOrderField → (property, whether it is guarded by a group)."""

    NAME = "name"
    INDUSTRY = "industry"
    REGION = "region"
    ANNUAL_REVENUE = "annualRevenue"
    CREATED_AT = "createdAt"


_SORT_KEY: dict[OrderField, LiteralString] = {
    OrderField.NAME: "CASE WHEN $g_sort IN groups THEN c.name END",
    OrderField.INDUSTRY: "CASE WHEN $g_sort IN groups THEN c.industry END",
    OrderField.REGION: "CASE WHEN $g_sort IN groups THEN c.region END",
    OrderField.ANNUAL_REVENUE: "CASE WHEN $g_sort IN groups THEN c.annualRevenue END",
    # Record metadata, readable on every visible row: no group guards it.
    OrderField.CREATED_AT: "c.createdAt",
}


def customers_query(
    scope: CandidateScope,
    filters: tuple[tuple[FilterField, FilterOp], ...] = (),
    order: OrderField | None = None,
    descending: bool = False,
    *,
    count: bool = True,
) -> LiteralString:
    """One statement for a batch of parents: ``key, total, page`` per parent.

    The page is always a top-N sort after the cursor, so memory follows the
    page size, not the number of visible customers. With ``count`` a second
    subquery counts the visible rows as a streaming aggregate (the visibility
    work runs twice; gathering every row to count it exhausted Neo4j's
    transaction memory at SF10). Without, ``total`` is null.
    """
    where: LiteralString = ""
    for field, op in filters:
        where = where + "\n  AND " + _predicate(field, op)
    sort_key: LiteralString = "null" if order is None else _SORT_KEY[order]
    direction: LiteralString = "DESC" if descending else "ASC"
    visible: LiteralString = (
        "  CALL (p) {" + _CANDIDATES[scope] + "  }\n"
        "  WITH DISTINCT c, ownerId\n" + _ACCESS + where + "\n"
        "  WITH c, ownerId, groups, via, " + sort_key + " AS k\n"
    )
    page: LiteralString = (
        "CALL (p) {\n" + visible + "  WHERE " + after(descending, "k", "c.id") + "\n"
        "  WITH c, ownerId, groups, via, k ORDER BY k " + direction + ", c.id ASC LIMIT $limit\n"
        "  RETURN collect({id: c.id, k: k, owner: ownerId, groups: groups,\n"
        "                  via: via, props: c " + _PROPERTIES + "}) AS page\n"
        "}\n"
    )
    total: LiteralString = (
        "CALL (p) {\n" + visible + "  RETURN count(*) AS total\n}\n"
        if count
        else "WITH p, page, null AS total\n"
    )
    return "UNWIND $parents AS p\n" + page + total + "RETURN p.key AS key, total, page"
