"""Partnerships: parties see them, executives and the managing manager see the money,
a HIGH partner of a party sees the network view, everyone else sees nothing."""

from __future__ import annotations

import pytest

from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid

b = Builder()
vendor = b.company("Vendor")
partner = b.company("Partner")
high_friend = b.company("High friend of partner")
medium_friend = b.company("Medium friend of partner")
suspended_friend = b.company("Suspended high friend of partner")
stranger = b.company("Stranger")
v_exec = b.user(vendor, "EXECUTIVE")
v_manager = b.user(vendor, "MANAGER")
v_other_manager = b.user(vendor, "MANAGER")
v_rep = b.user(vendor, "REP")
v_analyst = b.user(vendor, "ANALYST")
p_exec = b.user(partner, "EXECUTIVE")
p_rep = b.user(partner, "REP")
deal = b.partnership(vendor, partner, tier="MEDIUM", managers=(v_manager,))
link = b.link(partner, vendor, deal, covers=(), all_customers=True)
b.partnership(partner, high_friend, tier="HIGH")
b.partnership(medium_friend, partner, tier="MEDIUM")
b.partnership(partner, suspended_friend, tier="HIGH", status="SUSPENDED")
friend_exec = b.user(high_friend, "EXECUTIVE")
medium_exec = b.user(medium_friend, "EXECUTIVE")
suspended_exec = b.user(suspended_friend, "EXECUTIVE")
stranger_exec = b.user(stranger, "EXECUTIVE")

QUERY = """query($id: ID!) { partnership(id: $id) {
  id tier structure status vendor { name } partner { name }
  since currency revenueSharePct mdfBudget
  access { level groups }
  dataLinks { totalCount edges { node { id } } }
} }"""


@pytest.fixture(scope="module", autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


@pytest.mark.parametrize(
    ("viewer", "financials"),
    [
        (v_exec, True),
        (v_manager, True),
        (p_exec, True),
        (v_other_manager, False),
        (v_rep, False),
        (v_analyst, False),
        (p_rep, False),
    ],
)
async def test_parties_see_the_partnership_and_only_executives_and_its_manager_the_money(
    gateway: Gateway, viewer: str, financials: bool
) -> None:
    result = await gateway.query(viewer, QUERY, {"id": gid("Partnership", deal)})
    node = result.data["partnership"]
    assert (node["tier"], node["vendor"]["name"]) == ("MEDIUM", "Vendor")
    assert node["currency"] == "EUR"
    assert node["since"] is not None
    assert node["dataLinks"]["totalCount"] == 1
    assert node["access"]["level"] == "OWNER"
    if financials:
        assert (node["revenueSharePct"], node["mdfBudget"]) == (12.5, 50000.0)
        assert result.errors == []
        assert "FINANCIAL" in node["access"]["groups"]
    else:
        assert (node["revenueSharePct"], node["mdfBudget"]) == (None, None)
        assert {tuple(e["path"]) for e in result.errors} == {
            ("partnership", "revenueSharePct"),
            ("partnership", "mdfBudget"),
        }
        assert all(
            e["extensions"] == {"code": "FORBIDDEN", "group": "FINANCIAL"} for e in result.errors
        )


async def test_a_high_partner_of_a_party_sees_the_network_view_only(gateway: Gateway) -> None:
    result = await gateway.query(friend_exec, QUERY, {"id": gid("Partnership", deal)})
    node = result.data["partnership"]
    assert node["id"] == gid("Partnership", deal)
    assert (node["tier"], node["status"], node["structure"]) == ("MEDIUM", "ACTIVE", "RESELLER")
    assert node["partner"]["name"] == "Partner"
    for field in ("since", "currency", "revenueSharePct", "mdfBudget"):
        assert node[field] is None
    assert node["dataLinks"] == {"totalCount": 0, "edges": []}
    assert node["access"] == {"level": "SHARED", "groups": []}
    assert {e["extensions"]["group"] for e in result.errors} == {"PARTY", "FINANCIAL"}
    assert len(result.errors) == 4


@pytest.mark.parametrize("viewer", [medium_exec, suspended_exec, stranger_exec])
async def test_anyone_else_cannot_tell_the_partnership_exists(
    gateway: Gateway, viewer: str
) -> None:
    for query, variables in (
        (QUERY, {"id": gid("Partnership", deal)}),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": gid("Partnership", deal)}),
        ("query($id: ID!) { dataLink(id: $id) { id } }", {"id": gid("DataLink", link)}),
    ):
        result = await gateway.query(viewer, query, variables)
        assert result.status == 200
        assert result.errors == []
        assert next(iter(result.data.values())) is None


async def test_a_companys_partnership_list_applies_the_same_rule(gateway: Gateway) -> None:
    query = """query($id: ID!) { company(id: $id) {
      partnerships { totalCount edges { node { id partner { name } vendor { name } } } } } }"""
    seen = {}
    for viewer in (p_exec, friend_exec, medium_exec, stranger_exec):
        data = await gateway.ok(viewer, query, {"id": gid("Company", partner)})
        seen[viewer] = data["company"]["partnerships"]["totalCount"]
    # The partner sees its four; its HIGH friend sees all four through it;
    # the MEDIUM friend sees only its own; a stranger sees none.
    assert seen == {p_exec: 4, friend_exec: 4, medium_exec: 1, stranger_exec: 0}
