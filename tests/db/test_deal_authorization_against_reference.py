"""Random graphs with deals, random viewers: every path to an opportunity agrees with the
reference implementation of authorization.md "Opportunities" (tests/support/reference.py).

Each viewer lists its deals, looks every deal up by ``opportunity(id)`` and
``nodes``; the returned ids, statuses (lazy expiry), the conflict flag (the
vendor's only: null with FORBIDDEN for the registrant), the deal's customer
(null unless the customer rules show it) and registering user (own company
only) are compared with the reference.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid, graph_id
from tests.support.random_graphs import deal_graphs
from tests.support.reference import Reference

D = "id status conflict customer { id } registeredBy { id }"


def operation(count: int) -> str:
    lookups = " ".join(f"d{i}: opportunity(id: $d{i}) {{ {D} }}" for i in range(count))
    variables = "".join(f", $d{i}: ID!" for i in range(count))
    return f"""query($ids: [ID!]!{variables}) {{
      list: opportunities(first: 100) {{ totalCount edges {{ node {{ {D} }} }} }}
      nodes(ids: $ids) {{ ... on Opportunity {{ {D} }} }}
      {lookups}
    }}"""


def check_deal(ref: Reference, viewer: str, node: dict[str, Any], deal: dict[str, Any]) -> None:
    assert node["id"] == gid("Opportunity", deal["id"])
    assert node["status"] == ref.deal_status(deal["id"]), (viewer, deal)
    assert node["conflict"] == ref.deal_conflict(viewer, deal["id"]), (viewer, deal)
    customers = ref.customers(viewer)
    expected_customer = gid("Customer", deal["customer"]) if deal["customer"] in customers else None
    assert (node["customer"] or {}).get("id") == expected_customer, (viewer, deal)
    same_company = ref.company_of(viewer) == ref.company_of(deal["user"])
    expected_user = gid("User", deal["user"]) if same_company else None
    assert (node["registeredBy"] or {}).get("id") == expected_user, (viewer, deal)


async def check_viewer(gateway: Gateway, b: Builder, viewer: str) -> None:
    ref = Reference(b.data, datetime.now(UTC))
    visible = ref.opportunities(viewer)
    deals = {d["id"]: d for d in b.data.opportunities}
    ids = list(deals)
    variables: dict[str, Any] = {"ids": [gid("Opportunity", d) for d in ids]}
    variables.update({f"d{i}": gid("Opportunity", d) for i, d in enumerate(ids)})
    result = await gateway.query(viewer, operation(len(ids)), variables)
    assert result.status == 200, result.body
    unexpected = [e for e in result.errors if e.get("extensions", {}).get("code") != "FORBIDDEN"]
    assert not unexpected, unexpected
    # Every null conflict flag is explained by a FORBIDDEN error at its path, no other.
    hidden = {tuple(e["path"]) for e in result.errors if e["path"][-1] == "conflict"}
    assert all(
        e["extensions"] == {"code": "FORBIDDEN", "group": "INTERNAL"}
        for e in result.errors
        if e["path"][-1] == "conflict"
    )
    out = result.data
    listed = [e["node"] for e in out["list"]["edges"]]
    assert sorted(graph_id(n["id"]) for n in listed) == sorted(visible), viewer
    assert out["list"]["totalCount"] == len(visible)
    expected_hidden: set[tuple[str | int, ...]] = set()
    for index, node in enumerate(listed):
        check_deal(ref, viewer, node, deals[graph_id(node["id"])])
        if node["conflict"] is None:
            expected_hidden.add(("list", "edges", index, "node", "conflict"))
    for i, deal_id in enumerate(ids):
        for path, node in (((f"d{i}",), out[f"d{i}"]), (("nodes", i), out["nodes"][i])):
            if deal_id in visible:
                check_deal(ref, viewer, node, deals[deal_id])
                if node["conflict"] is None:
                    expected_hidden.add((*path, "conflict"))
            else:
                assert node is None, (viewer, deal_id)
    assert hidden == expected_hidden, viewer


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(graph=deal_graphs(), picks=st.lists(st.integers(0, 10_000), min_size=1, max_size=3))
async def test_every_path_to_an_opportunity_agrees_with_the_reference(
    gateway: Gateway, load_graph: GraphLoader, graph: Builder, picks: list[int]
) -> None:
    await load_graph(graph.data)
    users = [u["id"] for u in graph.data.users]
    for pick in picks:
        await check_viewer(gateway, graph, users[pick % len(users)])
