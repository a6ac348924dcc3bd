"""Keyset pagination: pages concatenate to the full ordered list, without duplicates or gaps;
cursors that were tampered with or belong to another list are refused."""

from __future__ import annotations

from typing import Any

import pytest

from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import graph_id

b = Builder()
owner = b.company("Owner")
partner = b.company("Partner")
customers = []
for i in range(23):
    # Duplicate names and revenues, and missing values, stress the tie-breaks.
    customers.append(
        b.customer(
            owner,
            name=f"Acct {i % 7}",
            annualRevenue=None if i % 5 == 0 else float(i % 4),
            region=None if i % 6 == 0 else ["EMEA", "NA"][i % 2],
        )
    )
p = b.partnership(owner, partner, tier="MEDIUM")
b.link(owner, partner, p, covers=tuple(customers[::2]))
for _ in range(4):
    b.customer(partner)
for i in range(12):
    b.company(f"Listed {i % 3}")
owner_exec = b.user(owner)
partner_exec = b.user(partner)

PAGE = """query($first: Int, $after: String, $order: CustomerOrder) {
  customers(first: $first, after: $after, orderBy: $order) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } } } }"""
# Without totalCount the gateway pages with a top-N sort instead of gathering
# every row: the same pages must come out.
PAGE_UNCOUNTED = PAGE.replace("totalCount ", "")


@pytest.fixture(scope="module", autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


async def walk(
    gateway: Gateway, viewer: str, order: dict[str, str] | None, size: int, count: bool = True
) -> list[str]:
    seen: list[str] = []
    after = None
    total = None
    while True:
        data = await gateway.ok(
            viewer,
            PAGE if count else PAGE_UNCOUNTED,
            {"first": size, "after": after, "order": order},
        )
        conn = data["customers"]
        total = conn.get("totalCount", total)
        assert conn.get("totalCount", total) == total
        seen += [graph_id(e["node"]["id"]) for e in conn["edges"]]
        assert conn["pageInfo"]["hasPreviousPage"] is (after is not None)
        if conn["edges"]:
            assert conn["pageInfo"]["endCursor"] == conn["edges"][-1]["cursor"]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert total is None or len(seen) == total
    return seen


ORDERS: list[dict[str, str] | None] = [
    None,
    *(
        {"field": f, "direction": d}
        for f in ("NAME", "REGION", "ANNUAL_REVENUE", "CREATED_AT")
        for d in ("ASC", "DESC")
    ),
]


@pytest.mark.parametrize(
    "order", ORDERS, ids=lambda o: "default" if o is None else "-".join(o.values())
)
@pytest.mark.parametrize("viewer", [owner_exec, partner_exec], ids=["owner", "medium-partner"])
async def test_pages_concatenate_to_the_full_list_without_duplicates_or_gaps(
    gateway: Gateway, viewer: str, order: dict[str, str] | None
) -> None:
    full = await walk(gateway, viewer, order, 100)
    for size in (1, 4, 7):
        assert await walk(gateway, viewer, order, size) == full
        assert await walk(gateway, viewer, order, size, count=False) == full
    assert len(set(full)) == len(full)


async def test_company_list_pages_concatenate(gateway: Gateway) -> None:
    query = """query($after: String) { companies(first: 5, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id name } } } }"""
    names: list[tuple[str, str]] = []
    after = None
    while True:
        conn = (await gateway.ok(owner_exec, query, {"after": after}))["companies"]
        names += [(e["node"]["name"], graph_id(e["node"]["id"])) for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert names == sorted(names)
    assert len(names) == conn["totalCount"] == len(b.data.companies)


async def first_cursor(gateway: Gateway, order: dict[str, str] | None = None) -> str:
    data = await gateway.ok(owner_exec, PAGE, {"first": 2, "order": order})
    cursor: str = data["customers"]["pageInfo"]["endCursor"]
    return cursor


def tampered(cursor: str) -> str:
    middle = len(cursor) // 2
    return cursor[:middle] + ("A" if cursor[middle] != "A" else "B") + cursor[middle + 1 :]


@pytest.mark.parametrize("kind", ["tampered", "foreign-order", "garbage", "other-list"])
async def test_a_bad_cursor_is_bad_user_input(gateway: Gateway, kind: str) -> None:
    variables: dict[str, Any] = {"first": 2, "order": None}
    if kind == "tampered":
        variables["after"] = tampered(await first_cursor(gateway))
    elif kind == "foreign-order":
        variables["after"] = await first_cursor(gateway, {"field": "NAME", "direction": "ASC"})
        variables["order"] = {"field": "REGION", "direction": "ASC"}
    elif kind == "garbage":
        variables["after"] = "not a cursor!"
    else:
        data = await gateway.ok(owner_exec, "{ companies(first: 1) { pageInfo { endCursor } } }")
        variables["after"] = data["companies"]["pageInfo"]["endCursor"]
    result = await gateway.query(owner_exec, PAGE, variables)
    assert result.status == 200
    assert result.data is None
    assert result.codes() == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["argument"] == "after"


@pytest.mark.parametrize("first", [-1, 101])
async def test_first_out_of_range_is_bad_user_input(gateway: Gateway, first: int) -> None:
    result = await gateway.query(owner_exec, PAGE, {"first": first})
    assert result.codes() == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["argument"] == "first"
