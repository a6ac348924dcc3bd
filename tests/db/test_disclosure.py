"""What production discloses: no federation SDL unless federation is on, no metrics
without their token, and no response a cache may keep."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.conftest import make_settings
from tests.db.conftest import GraphLoader, serving
from tests.support.builder import Builder
from tests.support.client import Gateway, Result

b = Builder()
company = b.company("Acme")
user = b.user(company)
b.customer(company)

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC_PEM = (
    KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)
METRICS_TOKEN = "metrics-token-0123456789abcdef"
SDL = "{ _service { sdl } }"


class ProductionGateway(Gateway):
    def token(self, user_id: str) -> str:
        now = int(time.time())
        claims = {"sub": user_id, "exp": now + 600, "iss": "https://idp.test", "aud": "prm"}
        return jwt.encode(claims, KEY, algorithm="RS256")


def production(**extra: str) -> dict[str, str]:
    return {
        "PRM_ENV": "prod",
        "PRM_JWT_SECRET": "",
        "PRM_JWT_PUBLIC_KEY": PUBLIC_PEM,
        "PRM_JWT_ISSUER": "https://idp.test",
        "PRM_JWT_AUDIENCE": "prm",
        **extra,
    }


@pytest.fixture(scope="module", autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


async def sdl_answer(gateway: Gateway, query: str = SDL) -> Result:
    return await gateway.query(user, query)


# ---- _service { sdl } ---------------------------------------------------------------------


async def test_production_serves_no_sdl_and_refuses_it_as_a_field_that_does_not_exist() -> None:
    async with serving(make_settings(**production())) as gw:
        gateway = ProductionGateway(gw.client, gw.settings)
        for query in (
            SDL,
            "{ s: _service { sdl } }",
            "{ ...F } fragment F on Query { _service { sdl } }",
            "query { viewer { role } _service { __typename } }",
        ):
            refused = await sdl_answer(gateway, query)
            assert refused.data is None, query
            assert refused.codes() == ["GRAPHQL_VALIDATION_FAILED"], query
            assert refused.errors[0]["message"] == "Cannot query field '_service' on type 'Query'."
        missing = await sdl_answer(gateway, "{ _servicf { sdl } }")
        assert (missing.status, missing.codes()) == (refused.status, refused.codes())
        assert missing.errors[0]["message"] == refused.errors[0]["message"].replace(
            "_service", "_servicf"
        )
        over_get = await gateway.client.get(
            "/graphql",
            params={"query": SDL},
            headers={"authorization": f"Bearer {gateway.token(user)}"},
        )
        assert over_get.json()["data"] is None


@pytest.mark.parametrize(
    ("env", "served"),
    [
        (production(PRM_FEDERATION="true"), True),
        ({"PRM_FEDERATION": "false"}, False),
        ({}, True),  # development: on
    ],
)
async def test_the_sdl_follows_prm_federation(env: dict[str, str], served: bool) -> None:
    async with serving(make_settings(**env)) as gw:
        gateway = ProductionGateway(gw.client, gw.settings) if env.get("PRM_ENV") else gw
        answer = await sdl_answer(gateway)
        assert (answer.data is not None) is served, answer.body
        if served:
            assert "type Customer implements Node" in answer.data["_service"]["sdl"]


# ---- /metrics --------------------------------------------------------------------------


async def test_metrics_answer_only_their_bearer_token() -> None:
    async with serving(make_settings(PRM_METRICS_TOKEN=METRICS_TOKEN)) as gw:
        assert (await gw.client.get("/metrics")).status_code == 401
        for header in (
            "Bearer wrong",
            f"Basic {METRICS_TOKEN}",
            f"Bearer {gw.token(user)}",  # a user's token is not the scraper's
            f"Bearer {METRICS_TOKEN}x",
        ):
            response = await gw.client.get("/metrics", headers={"authorization": header})
            assert response.status_code == 401, header
            assert "prm_graphql" not in response.text
        scraped = await gw.client.get(
            "/metrics", headers={"authorization": f"Bearer {METRICS_TOKEN}"}
        )
        assert scraped.status_code == 200
        assert "prm_graphql_requests" in scraped.text


async def test_production_serves_metrics_only_behind_a_token() -> None:
    async with serving(make_settings(**production())) as gw:
        assert (await gw.client.get("/metrics")).status_code == 404
    async with serving(make_settings(**production(PRM_METRICS_TOKEN=METRICS_TOKEN))) as gw:
        assert (await gw.client.get("/metrics")).status_code == 401
        scraped = await gw.client.get(
            "/metrics", headers={"authorization": f"Bearer {METRICS_TOKEN}"}
        )
        assert scraped.status_code == 200


# ---- Cache-Control ------------------------------------------------------------------------


async def test_every_computed_response_says_private_no_store(gateway: Gateway) -> None:
    bearer = {"authorization": f"Bearer {gateway.token(user)}"}
    query = "{ viewer { role } }"
    responses = {
        "POST /graphql": await gateway.client.post(
            "/graphql", json={"query": query}, headers=bearer
        ),
        "GET /graphql": await gateway.client.get(
            "/graphql", params={"query": query}, headers=bearer
        ),
        "GET /graphql refused": await gateway.client.get("/graphql", params={"query": query}),
        "GET /export csv": await gateway.client.get("/export/customers.csv", headers=bearer),
        "GET /export jsonl": await gateway.client.get("/export/customers.jsonl", headers=bearer),
        "GET /export refused": await gateway.client.get("/export/customers.csv"),
        "GET /metrics": await gateway.client.get("/metrics"),
        "GET /readyz": await gateway.client.get("/readyz"),
    }
    assert responses["GET /graphql"].json()["data"] == {"viewer": {"role": "EXECUTIVE"}}
    assert responses["GET /export csv"].status_code == 200
    assert {name: r.headers.get("cache-control") for name, r in responses.items()} == {
        name: "private, no-store" for name in responses
    }
    static = await gateway.client.get("/explore/")
    assert static.status_code == 200
    assert static.headers.get("cache-control") != "private, no-store"
