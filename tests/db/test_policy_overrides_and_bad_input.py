"""An owner's SharingPolicy and a revoked link take effect on the very next request;
malformed ids and hostile strings are client errors or plain data, never Cypher."""

from __future__ import annotations

import pytest

from graph import Database
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid

b = Builder()
owner = b.company("Owner")
partner = b.company("Partner")
customer = b.customer(owner)
p = b.partnership(owner, partner, tier="HIGH")
link = b.link(owner, partner, p, covers=(customer,))
viewer = b.user(partner)
QUERY = "query($id: ID!) { customer(id: $id) { access { groups } } }"


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


async def groups(gateway: Gateway) -> list[str] | None:
    data = await gateway.ok(viewer, QUERY, {"id": gid("Customer", customer)})
    node = data["customer"]
    return None if node is None else list(node["access"]["groups"])


async def test_an_owners_sharing_policy_narrows_the_next_request(
    gateway: Gateway, db: Database
) -> None:
    assert await groups(gateway) == ["IDENTITY", "PROFILE", "CONTACT", "FINANCIAL"]
    await db.write(
        """MATCH (o:Company {id: $owner})
           CREATE (o)-[:HAS_POLICY]->(:SharingPolicy {id: 'sp-x', tier: 'HIGH',
                                                      groups: ['IDENTITY', 'INTERNAL']})""",
        {"owner": owner},
    )
    assert await groups(gateway) == ["IDENTITY"]
    await db.write("MATCH (s:SharingPolicy {id: 'sp-x'}) DETACH DELETE s", {})
    assert await groups(gateway) == ["IDENTITY", "PROFILE", "CONTACT", "FINANCIAL"]


async def test_a_revoked_link_hides_the_customer_on_the_next_request(
    gateway: Gateway, db: Database
) -> None:
    assert await groups(gateway) is not None
    await db.write("MATCH (l:DataLink {id: $id}) SET l.revokedAt = datetime()", {"id": link})
    assert await groups(gateway) is None


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("query($id: ID!) { customer(id: $id) { id } }", {"id": "garbage"}),
        ("query($id: ID!) { customer(id: $id) { id } }", {"id": gid("Company", "co-000001")}),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": gid("Unknown", "x")}),
        ("query($id: ID!) { company(id: $id) { id } }", {"id": "' OR 1=1 //"}),
        (
            "query($f: CustomerFilter) { customers(filter: $f) { totalCount } }",
            {"f": {"ownerId": "not-an-id"}},
        ),
        (
            "query($f: CustomerFilter) { customers(filter: $f) { totalCount } }",
            {"f": {"name": {"in": ["x"] * 101}}},
        ),
        ("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["x"] * 101}),
    ],
)
async def test_malformed_arguments_are_bad_user_input(
    gateway: Gateway, query: str, variables: dict[str, object]
) -> None:
    result = await gateway.query(viewer, query, variables)
    assert result.status == 200
    assert result.codes() == ["BAD_USER_INPUT"]
    assert "Traceback" not in str(result.body)


@pytest.mark.parametrize(
    "hostile",
    [
        "x' OR 1=1 //",
        '"}) MATCH (n) DETACH DELETE n //',
        "$companyId",
        "\u0000\ud7ff\U0001f600",
        "ＡＣＭＥ",
    ],
)
async def test_hostile_filter_strings_are_only_data(
    gateway: Gateway, db: Database, hostile: str
) -> None:
    query = "query($f: CustomerFilter) { customers(filter: $f) { totalCount } }"
    for op in ("eq", "contains", "startsWith"):
        data = await gateway.ok(viewer, query, {"f": {"name": {op: hostile}}})
        assert data["customers"]["totalCount"] == 0
    rows = await db.read("MATCH (c:Customer) RETURN count(c) AS n", {})
    assert rows[0]["n"] == 1
