"""Companies: the public profile, readable by any signed-in user."""

from enum import Enum
from typing import LiteralString

# The profile fields the API exposes, projected by name: a company node holds
# more (createdAt), and decoding datetimes nobody reads is a measurable cost.
COMPANY_PROFILE: LiteralString = (
    "{.id, .name, .domain, .industry, .country, .employees, .description}"
)

COMPANIES_BY_IDS_QUERY: LiteralString = (
    """
MATCH (c:Company) WHERE c.id IN $ids
RETURN c """
    + COMPANY_PROFILE
    + """ AS row
"""
)


class CompanyFilterField(Enum):
    NAME = "name"
    INDUSTRY = "industry"
    COUNTRY = "country"


_PROPERTY: dict[CompanyFilterField, LiteralString] = {
    CompanyFilterField.NAME: "name",
    CompanyFilterField.INDUSTRY: "industry",
    CompanyFilterField.COUNTRY: "country",
}
_OPERATOR: dict[str, tuple[LiteralString, LiteralString]] = {
    "eq": (" = ", "_eq"),
    "in": (" IN ", "_in"),
    "startsWith": (" STARTS WITH ", "_startsWith"),
    "contains": (" CONTAINS ", "_contains"),
}


def company_filter_param(field: CompanyFilterField, op: str) -> str:
    return "f_" + _PROPERTY[field] + _OPERATOR[op][1]


def companies_page_query(filters: tuple[tuple[CompanyFilterField, str], ...]) -> LiteralString:
    """Companies ordered by (name, id): a true keyset scan, then a separate count."""
    where: LiteralString = "true"
    for field, op in filters:
        prop = _PROPERTY[field]
        operator, suffix = _OPERATOR[op]
        where = where + " AND c." + prop + operator + "$f_" + prop + suffix
    return (
        "CALL () { MATCH (c:Company) WHERE " + where + " RETURN count(c) AS total }\n"
        "CALL () {\n"
        "  MATCH (c:Company) WHERE " + where + "\n"
        "    AND ($afterId IS NULL OR c.name > $afterK"
        " OR (c.name = $afterK AND c.id > $afterId))\n"
        "  WITH c ORDER BY c.name, c.id LIMIT $limit\n"
        "  RETURN collect({id: c.id, k: c.name, props: c " + COMPANY_PROFILE + "}) AS page\n"
        "}\n"
        "RETURN total, page"
    )


#: How many companies there are (``prm seed --if-empty``).
COMPANY_COUNT_QUERY: LiteralString = "MATCH (c:Company) RETURN count(c) AS n"
