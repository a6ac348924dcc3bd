"""Query limits measured on the document alone."""

from __future__ import annotations

import pytest
from graphql import build_schema as build_sdl_schema
from graphql import parse

from gateway.limits import Limits, check_limits, measure_operation
from schema import build_schema
from schema.caps import uncapped

LIMITS = Limits()
NESTED = """query($id: ID!) { company(id: $id) { partnerships(first: 5) { edges { node {
  dataLinks(first: 5) { edges { node { customers(first: 10) { edges { node { id name } } } } } }
} } } } }"""


def code(
    query: str, limits: Limits = LIMITS, variables: dict[str, object] | None = None
) -> str | None:
    error = check_limits(parse(query), None, variables, limits)
    return None if error is None else error.code


def test_the_documented_nested_query_passes() -> None:
    assert code(NESTED) is None


def test_depth_beyond_the_limit_is_query_too_deep() -> None:
    hop = "partnerships { edges { node { vendor { "
    deep = "{ viewer { company { " + hop * 4 + "id" + " } } } }" * 4 + " } } }"
    assert code(deep) == "QUERY_TOO_DEEP"
    assert code(deep, Limits(max_depth=30, max_cost=10**9)) is None


def test_aliases_beyond_the_limit_are_refused() -> None:
    many = "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(16)) + " }"
    assert code(many, Limits(max_root_fields=100)) == "TOO_MANY_ALIASES"


def test_root_fields_beyond_the_limit_are_refused() -> None:
    many = "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(11)) + " }"
    assert code(many, Limits(max_aliases=100)) == "TOO_MANY_ROOT_FIELDS"


def test_directives_beyond_the_limit_are_refused() -> None:
    many = "{ viewer { role " + "@include(if: true) " * 51 + "} }"
    assert code(many) == "TOO_MANY_DIRECTIVES"


@pytest.mark.parametrize(("first", "expected"), [(10, None), (100, "QUERY_TOO_COMPLEX")])
def test_first_multiplies_the_cost_of_what_is_under_it(first: int, expected: str | None) -> None:
    query = """query($n: Int) { customers(first: $n) { edges { node {
      contacts(first: 20) { edges { node { id name email phone title } } } } } } }"""
    assert code(query, variables={"n": first}) == expected


def test_fragment_cycles_do_not_hang_the_walk() -> None:
    query = "{ viewer { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { ...A role }"
    assert code(query) is None


SCHEMA = build_schema()._schema


def cost(query: str, variables: dict[str, object] | None = None) -> int:
    return measure_operation(parse(query), None, variables, LIMITS).cost


def test_every_list_field_of_the_schema_has_a_cap() -> None:
    assert uncapped(SCHEMA) == []


def test_a_list_field_without_a_cap_is_found() -> None:
    schema = build_sdl_schema(
        """type Query { things: [Thing!]! pages: ThingConnection! }
        type Thing { id: ID! }
        type ThingConnection { edges: [Thing!]! }"""
    )
    assert uncapped(schema) == ["Query.things", "Query.pages (a connection without `first`)"]


NESTED_CONTACTS = """query($n: Int = 100) { customers(first: $n) { edges { node {
  contacts(first: 20) { edges { node { id name email phone title } } } } } } }"""


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, "QUERY_TOO_COMPLEX"),  # the variable's default, 100
        ({"n": 100.0}, "QUERY_TOO_COMPLEX"),  # a float execution reads as 100
        ({"n": 10.0}, None),
        ({"n": None}, None),  # null: the default page, 20
    ],
)
def test_first_as_a_variable_is_priced_as_execution_reads_it(
    variables: dict[str, object], expected: str | None
) -> None:
    assert code(NESTED_CONTACTS, variables=variables) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # a connection's edges: its `first`, or the default page (20) when absent
        ("{ opportunities { edges { node { id } } } }", 1 + 1 + 20 * 2),
        ("{ opportunities(first: 50) { totalCount edges { node { id } } } }", 1 + 1 + 1 + 50 * 2),
        ("{ auditEvents { edges { node { id } } } }", 1 + 1 + 20 * 2),
        ("{ networkMeasures { edges { node { degree } } } }", 1 + 1 + 20 * 2),
        ("{ viewer { user { completions { edges { node { score } } } } } }", 3 + 1 + 20 * 2),
        ("{ viewer { company { products { edges { node { id } } } } } }", 3 + 1 + 20 * 2),
        ("{ viewer { company { courses { edges { node { id } } } } } }", 3 + 1 + 20 * 2),
        ('{ partnership(id: "x") { mdfRequests { edges { node { id } } } } }', 2 + 1 + 20 * 2),
        # `first` beyond PRM_MAX_FIRST is refused at execution: priced at the maximum
        ("{ opportunities(first: 1000000) { edges { node { id } } } }", 1 + 1 + 100 * 2),
        # the lists the data decides: PRM_MAX_FIRST
        ("{ network { nodes { distance } } }", 1 + 1 + 100 * 1),
        ('{ accountOverlap(partnershipId: "x") { accounts { domain } } }', 1 + 1 + 100 * 1),
        ("{ portfolio { atRisk { reasons } } }", 1 + 1 + 100 * 1),
        # fixed bounds: one per enum value, the records of an overlap account
        ("{ oversight { deals { byStatus { count } } } }", 1 + 1 + 1 + 6 * 1),
        ('{ accountOverlap(partnershipId: "x") { accounts { ours { id } } } }', 2 + 100 * 11),
        # one item per id, one concentration entry per `top`
        ('{ nodes(ids: ["a", "b", "c"]) { id } }', 1 + 3 * 1),
        ("{ portfolio { sharedCustomerConcentration(top: 3) { top { value } } } }", 3 + 3),
        ("{ portfolio { sharedCustomerConcentration { top { value } } } }", 3 + 5),
    ],
)
def test_every_list_is_priced_at_the_most_items_it_can_return(query: str, expected: int) -> None:
    assert cost(query) == expected


def test_a_list_under_a_list_is_priced_per_item() -> None:
    query = "{ network { nodes { company { customers(first: 100) { edges { node { id } } } } } } }"
    assert cost(query) == 1 + 1 + 100 * (1 + 1 + 1 + 100 * 2)
    assert code(query) == "QUERY_TOO_COMPLEX"


def test_entities_are_priced_per_representation() -> None:
    query = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }"
    assert cost(query, {"r": [{"__typename": "Company", "id": "x"}] * 7}) == 1 + 7
    assert cost(query, {"r": [{"__typename": "Company", "id": "x"}] * 500}) == 1 + 100
