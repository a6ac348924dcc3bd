"""Filters and sort keys are no oracle: they only see fields the viewer may read."""

from __future__ import annotations

from typing import Any

import pytest

from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid, graph_id

b = Builder()
owner = b.company("Owner")
medium = b.company("Medium partner")
shared = [b.customer(owner, annualRevenue=float(rev)) for rev in (500, 100, 900, 300)]
hidden = b.customer(owner)
mine = b.customer(medium, email="info@shared-domain.example")
p = b.partnership(owner, medium, tier="MEDIUM")
b.link(owner, medium, p, covers=tuple(shared))
owner_exec = b.user(owner)
medium_exec = b.user(medium)
ROWS = {c["id"]: c for c in b.data.customers}

LIST = """query($filter: CustomerFilter, $order: CustomerOrder) {
  customers(first: 50, filter: $filter, orderBy: $order) { totalCount edges { node { id } } } }"""


@pytest.fixture(scope="module", autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


async def ids(gateway: Gateway, viewer: str, **variables: Any) -> list[str]:
    data = await gateway.ok(viewer, LIST, variables)
    found = [graph_id(e["node"]["id"]) for e in data["customers"]["edges"]]
    assert data["customers"]["totalCount"] == len(found)
    return found


@pytest.mark.parametrize(
    "string_filter",
    [
        {"eq": "@"},  # replaced below by a real email
        {"contains": "@customer-"},
        {"startsWith": "info@"},
        {"in": []},
    ],
)
async def test_a_medium_partner_filtering_on_email_matches_only_its_own_customers(
    gateway: Gateway, string_filter: dict[str, Any]
) -> None:
    if "eq" in string_filter:
        string_filter = {"eq": ROWS[shared[0]]["email"]}
    if "in" in string_filter:
        string_filter = {"in": [ROWS[c]["email"] for c in shared]}
    owner_sees = await ids(gateway, owner_exec, filter={"email": string_filter})
    partner_sees = await ids(gateway, medium_exec, filter={"email": string_filter})
    assert set(owner_sees) & set(shared), "the filter does match the shared rows' emails"
    assert not set(partner_sees) & set(shared)
    assert set(partner_sees) <= {mine}


async def test_a_filter_on_a_readable_field_matches_shared_rows(gateway: Gateway) -> None:
    name = ROWS[shared[1]]["name"]
    assert await ids(gateway, medium_exec, filter={"name": {"eq": name}}) == [shared[1]]
    assert await ids(gateway, medium_exec, filter={"industry": {"in": ["Retail", "Banking"]}})


async def test_sorting_on_an_unreadable_field_treats_it_as_null(gateway: Gateway) -> None:
    by_revenue = await ids(gateway, owner_exec, order={"field": "ANNUAL_REVENUE"})
    owned = sorted([*shared, hidden], key=lambda c: ROWS[c]["annualRevenue"])
    assert by_revenue == owned
    for direction in ("ASC", "DESC"):
        partner_order = await ids(
            gateway, medium_exec, order={"field": "ANNUAL_REVENUE", "direction": direction}
        )
        # Revenue of the shared rows is null for the partner: those rows keep
        # id order whatever the direction; only its own row has a revenue.
        shared_part = [c for c in partner_order if c != mine]
        assert shared_part == sorted(shared)
        assert partner_order.index(mine) == (0 if direction == "ASC" else len(shared))


async def test_filtering_by_owner_id_narrows_to_that_owner(gateway: Gateway) -> None:
    assert await ids(gateway, medium_exec, filter={"ownerId": gid("Company", owner)}) == sorted(
        shared
    )
    assert await ids(gateway, medium_exec, filter={"ownerId": gid("Company", medium)}) == [mine]
