"""Apollo Federation v2: this gateway as a subgraph, composed with a second subgraph and
served by a real @apollo/gateway; ``_entities`` applies the rules of ``node(id:)``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from gateway.app import create_app
from tests.conftest import make_settings
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway, Result
from tests.support.customers import gid
from tests.support.federation import federation_gateway, require_node_harness
from tests.support.ws import served

b = Builder()
vendor = b.company("Vendor")
partner = b.company("Partner")
v_exec = b.user(vendor, "EXECUTIVE")
p_rep = b.user(partner, "REP")
medium = b.partnership(vendor, partner, tier="MEDIUM")
shared = b.customer(vendor)
private = b.customer(vendor)
many = [b.customer(vendor) for _ in range(100)]
b.link(vendor, partner, medium, covers=(shared, *many))
product = b.product(vendor)

NOTES = [
    {"id": "n1", "text": "Renewal in May", "customerId": gid("Customer", shared)},
    {"id": "n2", "text": "Unhappy with support", "customerId": gid("Customer", private)},
]

ENTITIES = """query($r: [_Any!]!) { _entities(representations: $r) {
  __typename
  ... on Customer { id name }
  ... on Company { id companyName: name }
  ... on Partnership { id tier mdfBudget }
  ... on Product { id sku }
  ... on User { id userName: name } } }"""


def rep(type_name: str, graph_id: str) -> dict[str, str]:
    return {"__typename": type_name, "id": gid(type_name, graph_id)}


@pytest.fixture(scope="module", autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


# ---- _entities on the subgraph itself ---------------------------------------------------


async def entities(
    gateway: Gateway, user: str, reps: list[dict[str, str]], *, customer: str = "id name"
) -> Result:
    query = ENTITIES.replace("... on Customer { id name }", f"... on Customer {{ {customer} }}")
    return await gateway.query(user, query, {"r": reps})


async def test_entities_resolve_every_entity_type_by_its_global_id(gateway: Gateway) -> None:
    reps = [
        rep("Customer", shared),
        rep("Company", partner),
        rep("Partnership", medium),
        rep("Product", product),
        rep("User", v_exec),
    ]
    result = await entities(gateway, v_exec, reps)
    assert result.status == 200
    assert not result.errors, result.body
    got = result.data["_entities"]
    assert [(e["__typename"], e["id"]) for e in got] == [(r["__typename"], r["id"]) for r in reps]
    assert got[2]["mdfBudget"] == 50000.0  # the vendor's executive reads the financials


async def test_an_invisible_entity_resolves_to_null_without_an_error(gateway: Gateway) -> None:
    result = await entities(
        gateway, p_rep, [rep("Customer", private), rep("Customer", shared), rep("User", v_exec)]
    )
    assert result.status == 200
    assert not result.errors, result.body
    private_customer, shared_customer, vendor_user = result.data["_entities"]
    assert private_customer is None
    assert shared_customer["name"] is not None
    assert vendor_user is None  # users are visible to their own company only


async def test_forbidden_entity_fields_are_redacted_with_their_group(gateway: Gateway) -> None:
    result = await entities(
        gateway,
        p_rep,
        [rep("Customer", shared), rep("Partnership", medium)],
        customer="id name email",
    )
    customer, partnership = result.data["_entities"]
    assert customer["name"] is not None
    assert customer["email"] is None
    assert partnership["tier"] == "MEDIUM"
    assert partnership["mdfBudget"] is None
    assert [e["extensions"]["group"] for e in result.errors_at("_entities", 0, "email")] == [
        "CONTACT"
    ]
    assert [e["extensions"]["group"] for e in result.errors_at("_entities", 1, "mdfBudget")] == [
        "FINANCIAL"
    ]


async def test_a_hundred_representations_cost_the_round_trips_of_one(gateway: Gateway) -> None:
    one = await entities(gateway, p_rep, [rep("Customer", many[0])])
    hundred = await entities(gateway, p_rep, [rep("Customer", c) for c in many])
    assert not one.errors
    assert not hundred.errors, hundred.errors
    assert all(e is not None for e in hundred.data["_entities"])
    assert hundred.round_trips == one.round_trips
    mixed = await entities(  # at most 100 representations (schema/caps.py)
        gateway, p_rep, [rep("Customer", c) for c in many[:50]] + [rep("Company", vendor)] * 50
    )
    assert mixed.round_trips == one.round_trips + 1  # one more read: the companies, batched


async def test_a_representation_with_another_types_id_is_refused(gateway: Gateway) -> None:
    result = await entities(
        gateway, v_exec, [{"__typename": "Customer", "id": gid("Company", vendor)}]
    )
    assert result.data["_entities"] == [None]
    assert result.codes() == ["BAD_USER_INPUT"]


# ---- through a real @apollo/gateway ------------------------------------------------------


@pytest.fixture(scope="module")
async def subgraph() -> AsyncIterator[tuple[Starlette, str]]:
    """The gateway as production runs it as a subgraph: introspection (and suggestions)
    off, federation switched on (off by default in production)."""
    app = create_app(make_settings(PRM_INTROSPECTION="false", PRM_FEDERATION="true"))
    async with app.router.lifespan_context(app), served(app) as ws_url:
        yield app, "http" + ws_url.removeprefix("ws")


@pytest.fixture(scope="module")
async def supergraph(subgraph: tuple[Starlette, str]) -> AsyncIterator[str]:
    require_node_harness()
    app, url = subgraph
    async with httpx.AsyncClient() as client:
        token = Gateway(client, app.state.prm.settings).token(v_exec)
        response = await client.post(
            url, json={"query": "{ _service { sdl } }"}, headers=bearer(token)
        )
    assert response.status_code == 200, (response.status_code, response.text)
    sdl = response.json()["data"]["_service"]["sdl"]
    async with federation_gateway(url, sdl, NOTES) as gateway_url:
        yield gateway_url


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def through(
    supergraph: str, gateway: Gateway, user: str | None, query: str, **variables: Any
) -> dict[str, Any]:
    headers = bearer(gateway.token(user)) if user else {}
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            supergraph, json={"query": query, "variables": variables}, headers=headers
        )
    body: dict[str, Any] = response.json()
    return body


async def test_the_sdl_for_composition_is_served_with_introspection_off(
    subgraph: tuple[Starlette, str], gateway: Gateway
) -> None:
    _, url = subgraph
    async with httpx.AsyncClient() as client:
        headers = bearer(gateway.token(v_exec))
        service = await client.post(url, json={"query": "{ _service { sdl } }"}, headers=headers)
        schema = await client.post(
            url, json={"query": "{ __schema { types { name } } }"}, headers=headers
        )
    sdl = service.json()["data"]["_service"]["sdl"]
    assert '@link(url: "https://specs.apollo.dev/federation/v2.7"' in sdl
    for entity in ("Company", "Customer", "Partnership", "Product", "User"):
        assert f'type {entity} implements Node @key(fields: "id")' in sdl
    assert schema.json()["errors"], "introspection must stay off"


async def test_a_query_joins_both_subgraphs(supergraph: str, gateway: Gateway) -> None:
    body = await through(
        supergraph,
        gateway,
        v_exec,
        """query($id: ID!) { customer(id: $id) { name crmNotes { text } }
                             crmNotes { text customer { name notes } } }""",
        id=gid("Customer", shared),
    )
    assert "errors" not in body, body
    assert body["data"]["customer"]["crmNotes"] == [{"text": "Renewal in May"}]
    names = [n["customer"]["name"] for n in body["data"]["crmNotes"]]
    assert all(names)
    assert len(names) == 2
    assert all(n["customer"]["notes"] for n in body["data"]["crmNotes"])


async def test_a_customer_the_viewer_may_not_see_comes_back_null(
    supergraph: str, gateway: Gateway
) -> None:
    # Customer.access is non-null: Apollo Gateway nulls a reference whose entity is null
    # once the selection holds a non-null field of it (docs/federation.md).
    body = await through(
        supergraph, gateway, p_rep, "{ crmNotes { text customer { id access { level } name } } }"
    )
    assert "errors" not in body, body
    by_text = {n["text"]: n["customer"] for n in body["data"]["crmNotes"]}
    assert by_text["Unhappy with support"] is None
    assert by_text["Renewal in May"]["id"] == gid("Customer", shared)


async def test_forbidden_fields_come_back_redacted_through_the_gateway(
    supergraph: str, gateway: Gateway
) -> None:
    body = await through(
        supergraph, gateway, p_rep, "{ crmNotes { text customer { name email annualRevenue } } }"
    )
    shared_note = next(n for n in body["data"]["crmNotes"] if n["text"] == "Renewal in May")
    assert shared_note["customer"]["name"] is not None
    assert shared_note["customer"]["email"] is None
    assert shared_note["customer"]["annualRevenue"] is None
    groups = sorted(
        e["extensions"]["group"] for e in body["errors"] if e["extensions"]["code"] == "FORBIDDEN"
    )
    assert groups == ["CONTACT", "FINANCIAL"]


async def test_the_gateway_forwards_the_clients_token_to_the_subgraph(
    supergraph: str, gateway: Gateway
) -> None:
    # Without a token the PRM subgraph answers 401; with one, each viewer gets its own view.
    anonymous = await through(supergraph, gateway, None, "{ crmNotes { customer { name } } }")
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
    assert all(n["customer"]["name"] is None for n in anonymous["data"]["crmNotes"])
    owner = await through(supergraph, gateway, v_exec, "{ viewer { company { name } } }")
    partner_view = await through(supergraph, gateway, p_rep, "{ viewer { company { name } } }")
    assert owner["data"]["viewer"]["company"]["name"] == "Vendor"
    assert partner_view["data"]["viewer"]["company"]["name"] == "Partner"
