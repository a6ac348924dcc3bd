"""No N+1: the Cypher round trips of a nested query depend on its depth, not on its rows."""

from __future__ import annotations

import pytest

from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid

NESTED = """query($id: ID!) {
  company(id: $id) {
    name
    partnerships(first: 100) { totalCount edges { node {
      tier vendor { name } partner { name }
      dataLinks(first: 100) { edges { node {
        scope owner { name } recipient { name }
        customers(first: 100) { totalCount edges { node {
          id name email owner { name }
          access { level groups via { id } }
          contacts(first: 5) { totalCount edges { node { name } } }
        } } }
      } } }
    } } }
  }
}"""
# Levels that can each need one batched read, plus the viewer load: viewer,
# company, partnerships, data links, companies (vendor/partner/owner/recipient),
# customers, via links, contacts, and the owners of customers.
MAX_ROUND_TRIPS = 10


def fan_out(partners: int, customers_per_link: int) -> tuple[Builder, str, str]:
    b = Builder()
    vendor = b.company("Vendor")
    viewer = b.user(vendor, "EXECUTIVE")
    for _ in range(partners):
        partner = b.company()
        p = b.partnership(vendor, partner, tier="HIGH")
        covered = [b.customer(partner) for _ in range(customers_per_link)]
        for c in covered:
            b.contact(customer=c)
        b.link(partner, vendor, p, covers=tuple(covered))
        b.link(partner, vendor, p, covers=tuple(covered[:2]), scope=("IDENTITY",))
    return b, vendor, viewer


async def round_trips(gateway: Gateway, load_graph: GraphLoader, partners: int, per: int) -> int:
    b, vendor, viewer = fan_out(partners, per)
    await load_graph(b.data)
    result = await gateway.query(viewer, NESTED, {"id": gid("Company", vendor)})
    assert result.status == 200
    assert not result.errors, result.errors
    rows = sum(
        len(link["node"]["customers"]["edges"])
        for p in result.data["company"]["partnerships"]["edges"]
        for link in p["node"]["dataLinks"]["edges"]
    )
    assert rows == partners * (per + 2)
    return result.round_trips


@pytest.mark.parametrize(("partners", "per"), [(2, 3), (25, 20)])
async def test_round_trips_are_bounded_by_depth_not_rows(
    gateway: Gateway, load_graph: GraphLoader, partners: int, per: int
) -> None:
    assert await round_trips(gateway, load_graph, partners, per) <= MAX_ROUND_TRIPS


async def test_ten_times_the_rows_costs_no_extra_round_trip(
    gateway: Gateway, load_graph: GraphLoader
) -> None:
    small = await round_trips(gateway, load_graph, 2, 3)
    large = await round_trips(gateway, load_graph, 25, 20)
    assert large == small


REFERENCES = """query($id: ID!) { company(id: $id) {
  partnerships(first: 100) { edges { node { id vendor { id __typename } partner { ...Ref } } } }
} }
fragment Ref on Company { id }"""


async def test_a_company_reference_asking_only_its_id_reads_no_company(
    gateway: Gateway, load_graph: GraphLoader
) -> None:
    b, vendor, viewer = fan_out(3, 1)
    await load_graph(b.data)
    variables = {"id": gid("Company", vendor)}
    result = await gateway.query(viewer, REFERENCES, variables)
    edges = result.data["company"]["partnerships"]["edges"]
    assert len(edges) == 3
    assert {e["node"]["vendor"]["id"] for e in edges} == {gid("Company", vendor)}
    assert len({e["node"]["partner"]["id"] for e in edges}) == 3
    # the viewer (with its company, the one looked up), the partnerships
    assert result.round_trips == 2
    # one more field than the id: the companies are read, in one batch
    named = await gateway.query(viewer, REFERENCES.replace("{ id }", "{ id name }"), variables)
    names = {e["node"]["partner"]["name"] for e in named.data["company"]["partnerships"]["edges"]}
    assert len(names) == 3
    assert "" not in names
    assert named.round_trips == 3


async def test_the_viewers_company_comes_with_the_viewer(
    gateway: Gateway, load_graph: GraphLoader
) -> None:
    b, vendor, viewer = fan_out(1, 1)
    await load_graph(b.data)
    query = "{ viewer { role company { id name domain } user { id } } }"
    result = await gateway.query(viewer, query)
    assert result.data["viewer"]["company"]["name"] == "Vendor"
    assert result.data["viewer"]["company"]["id"] == gid("Company", vendor)
    assert result.round_trips == 1
