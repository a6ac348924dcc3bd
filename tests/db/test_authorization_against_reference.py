"""Random graphs, random viewers: every path to a customer agrees with the reference rules.

For each generated graph, each sampled viewer sends one operation that
reaches customers by every path the API has: the root list, lookups by id,
``node``/``nodes``, a company's customers, and partnership → data link →
customers. Every returned row, every field value and every FORBIDDEN error is
compared with ``tests.support.reference``, an implementation of
authorization.md that shares no code with the gateway.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway, Result
from tests.support.customers import (
    CUSTOMER_SELECTION,
    check_customer,
    gid,
    graph_id,
    unexpected_errors,
)
from tests.support.random_graphs import partner_graphs
from tests.support.reference import Expected, Reference

C = CUSTOMER_SELECTION


def operation(customer_ids: list[str]) -> str:
    lookups = " ".join(f"c{i}: customer(id: $c{i}) {{ {C} }}" for i in range(len(customer_ids)))
    variables = "".join(f", $c{i}: ID!" for i in range(len(customer_ids)))
    return f"""
    query($ids: [ID!]!{variables}) {{
      list: customers(first: 100) {{ totalCount edges {{ node {{ {C} }} }} }}
      uncounted: customers(first: 100) {{ edges {{ node {{ {C} }} }} }}
      nodes(ids: $ids) {{ ... on Customer {{ {C} }} }}
      {lookups}
      companies(first: 100) {{ edges {{ node {{ id
        customers(first: 100) {{ totalCount edges {{ node {{ {C} }} }} }}
        partnerships(first: 100) {{ edges {{ node {{ id
          dataLinks(first: 100) {{ edges {{ node {{ id
            customers(first: 100) {{ edges {{ node {{ {C} }} }} }}
          }} }} }}
        }} }} }}
      }} }} }}
    }}"""


def check_connection(
    result: Result,
    path: tuple[str | int, ...],
    connection: dict[str, Any],
    rows: dict[str, dict[str, Any]],
    expected: dict[str, Expected],
) -> None:
    ids = [graph_id(e["node"]["id"]) for e in connection["edges"]]
    assert sorted(ids) == sorted(expected), (path, ids, sorted(expected))
    assert len(ids) == len(set(ids))
    if "totalCount" in connection:
        assert connection["totalCount"] == len(expected)
    for index, cid in enumerate(ids):
        node = connection["edges"][index]["node"]
        check_customer(result, (*path, "edges", index, "node"), node, rows[cid], expected[cid])


async def check_viewer(gateway: Gateway, b: Builder, viewer: str) -> None:
    data = b.data
    ref = Reference(data, datetime.now(UTC))
    visible = ref.customers(viewer)
    rows = {c["id"]: c for c in data.customers}
    links = {link["id"]: link for link in data.data_links}
    all_ids = list(rows)
    variables: dict[str, Any] = {"ids": [gid("Customer", c) for c in all_ids]}
    variables.update({f"c{i}": gid("Customer", c) for i, c in enumerate(all_ids)})
    result = await gateway.query(viewer, operation(all_ids), variables)
    assert result.status == 200, result.body
    assert not unexpected_errors(result), result.errors
    out = result.data

    check_connection(result, ("list",), out["list"], rows, visible)
    check_connection(result, ("uncounted",), out["uncounted"], rows, visible)
    for i, cid in enumerate(all_ids):
        paths: list[tuple[tuple[str | int, ...], Any]] = [
            ((f"c{i}",), out[f"c{i}"]),
            (("nodes", i), out["nodes"][i]),
        ]
        for path, node in paths:
            if cid in visible:
                check_customer(result, path, node, rows[cid], visible[cid])
            else:
                assert node is None, (viewer, cid, path)
    for ci, company_edge in enumerate(out["companies"]["edges"]):
        company = company_edge["node"]
        company_id = graph_id(company["id"])
        owned = {c: e for c, e in visible.items() if rows[c]["owner"] == company_id}
        base: tuple[str | int, ...] = ("companies", "edges", ci, "node")
        check_connection(result, (*base, "customers"), company["customers"], rows, owned)
        for pi, p_edge in enumerate(company["partnerships"]["edges"]):
            partnership = graph_id(p_edge["node"]["id"])
            assert ref.partnership_view(viewer, partnership) is not None
            for li, l_edge in enumerate(p_edge["node"]["dataLinks"]["edges"]):
                link = links[graph_id(l_edge["node"]["id"])]
                assert ref.company_of(viewer) in (link["owner"], link["recipient"])
                covered = {
                    c: e
                    for c, e in visible.items()
                    if rows[c]["owner"] == link["owner"]
                    and (link["allCustomers"] or c in link["covers"])
                }
                path = (*base, "partnerships", "edges", pi, "node", "dataLinks", "edges", li)
                check_connection(
                    result, (*path, "node", "customers"), l_edge["node"]["customers"], rows, covered
                )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(graph=partner_graphs(), picks=st.lists(st.integers(0, 10_000), min_size=1, max_size=3))
async def test_every_path_to_a_customer_agrees_with_the_reference(
    gateway: Gateway, load_graph: GraphLoader, graph: Builder, picks: list[int]
) -> None:
    await load_graph(graph.data)
    users = [u["id"] for u in graph.data.users]
    for pick in picks:
        await check_viewer(gateway, graph, users[pick % len(users)])
