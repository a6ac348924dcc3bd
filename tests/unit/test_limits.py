"""Query limits measured on the document alone."""

from __future__ import annotations

import pytest
from graphql import parse

from gateway.limits import Limits, check_limits

LIMITS = Limits()
NESTED = """query($id: ID!) { company(id: $id) { partnerships(first: 5) { edges { node {
  dataLinks(first: 5) { edges { node { customers(first: 10) { edges { node { id name } } } } } }
} } } } }"""


def code(
    query: str, limits: Limits = LIMITS, variables: dict[str, object] | None = None
) -> str | None:
    error = check_limits(parse(query), None, variables, limits)
    return None if error is None else str((error.extensions or {})["code"])


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
