"""Random operations over the whole schema, random viewers: every object in every answer
agrees with the reference rules of authorization.md, wherever it appears.

The operations reach customers through every path (lists, lookups, ``node``,
``nodes``, companies, partnerships → data links, deals, a customer's owner
and back), nested and aliased; each customer, partnership, data link and deal
found anywhere in the response is checked: an invisible one must not appear,
and each customer field is its value when readable, else null with FORBIDDEN.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway, Result
from tests.support.customers import SCALAR_FIELDS, graph_id, unexpected_errors
from tests.support.random_graphs import deal_graphs
from tests.support.random_queries import operations
from tests.support.reference import FIELD_GROUP, Expected, Reference

#: CI keeps this short; PRM_FUZZ_EXAMPLES=2000 make test (or make fuzz) runs it long.
EXAMPLES = int(os.environ.get("PRM_FUZZ_EXAMPLES", "20"))


def walk(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], Any]]:
    """Every object with a ``__typename`` in a response, with its path."""
    found: list[tuple[tuple[str | int, ...], Any]] = []
    if isinstance(value, dict):
        if "__typename" in value:
            found.append((path, value))
        for key, item in value.items():
            found.extend(walk(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(walk(item, (*path, index)))
    return found


def check(result: Result, b: Builder, viewer: str) -> int:
    ref = Reference(b.data, datetime.now(UTC))
    customers = ref.customers(viewer)
    rows = {c["id"]: c for c in b.data.customers}
    links = {link["id"]: link for link in b.data.data_links}
    deals = ref.opportunities(viewer)
    company = ref.company_of(viewer)
    checked = 0
    for path, node in walk(result.data):
        kind, oid = node["__typename"], graph_id(node["id"])
        if kind == "Customer":
            assert oid in customers, (viewer, oid, path, "invisible customer returned")
            _check_fields(result, path, node, rows[oid], customers[oid])
        elif kind == "Partnership":
            assert ref.partnership_view(viewer, oid) is not None, (viewer, oid, path)
        elif kind == "DataLink":
            link = links[oid]
            assert company in (link["owner"], link["recipient"]), (viewer, oid, path)
        elif kind == "Opportunity":
            assert oid in deals, (viewer, oid, path)
            assert node["status"] == ref.deal_status(oid)
        checked += 1
    return checked


def _check_fields(
    result: Result, path: tuple[str | int, ...], node: dict[str, Any], row: Any, expected: Expected
) -> None:
    """Like check_customer, for the fields this operation happened to select."""
    if "access" in node:
        assert set(node["access"]["groups"]) == set(expected.groups)
    for field in SCALAR_FIELDS:
        if field not in node:
            continue
        errors = result.errors_at(*path, field)
        if FIELD_GROUP[field] in expected.groups:
            assert node[field] == row.get(field), (path, field)
            assert not errors, errors
        else:
            assert node[field] is None, (path, field, "leaked")
            assert [e["extensions"] for e in errors] == [
                {"code": "FORBIDDEN", "group": FIELD_GROUP[field]}
            ], (path, field)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), graph=deal_graphs())
async def test_random_operations_agree_with_the_reference(
    gateway: Gateway, load_graph: GraphLoader, data: st.DataObject, graph: Builder
) -> None:
    await load_graph(graph.data)
    ids = {
        "customers": [c["id"] for c in graph.data.customers],
        "companies": [c["id"] for c in graph.data.companies],
        "partnerships": [p["id"] for p in graph.data.partnerships],
        "links": [link["id"] for link in graph.data.data_links],
    }
    users = [u["id"] for u in graph.data.users]
    for _ in range(3):
        viewer = data.draw(st.sampled_from(users))
        query = data.draw(operations(ids))
        result = await gateway.query(viewer, query)
        assert result.status == 200, (query, result.body)
        assert not unexpected_errors(result), (query, result.errors)
        check(result, graph, viewer)
