"""Hostile or malformed requests are refused with their own code, before any database work."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from gateway.app import create_app
from gateway.auth import mint_token
from gateway.settings import Settings
from tests.conftest import PRODUCTION_LIMITS, make_settings
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway

b = Builder()
company = b.company("Acme")
user = b.user(company)
other = b.user(company, "REP")


@pytest.fixture(scope="module", autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


async def post(
    gateway: Gateway, content: bytes | str, content_type: str = "application/json"
) -> httpx.Response:
    return await gateway.client.post(
        "/graphql",
        content=content,
        headers={"authorization": f"Bearer {gateway.token(user)}", "content-type": content_type},
    )


def code_of(response: httpx.Response) -> str:
    body = response.json()
    assert body["data"] is None
    assert "Traceback" not in response.text
    return str(body["errors"][0]["extensions"]["code"])


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        ("{not json", "application/json", 400, "BAD_REQUEST"),
        ('"just a string"', "application/json", 400, "BAD_REQUEST"),
        ('{"query": 42}', "application/json", 400, "BAD_REQUEST"),
        (
            '{"query": "{ viewer { role } }", "variables": [1]}',
            "application/json",
            400,
            "BAD_REQUEST",
        ),
        ('[{"query": "{ viewer { role } }"}]', "application/json", 400, "BATCHING_NOT_SUPPORTED"),
        ("query { viewer { role } }", "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("query=x", "application/x-www-form-urlencoded", 415, "UNSUPPORTED_MEDIA_TYPE"),
        ('{"query": "{ viewer { role "}', "application/json", 400, "GRAPHQL_PARSE_FAILED"),
        (b'{"query": "\xff\xfe"}', "application/json", 400, "BAD_REQUEST"),
    ],
)
async def test_malformed_requests_get_a_client_error_with_a_code(
    gateway: Gateway, content: bytes | str, content_type: str, status: int, code: str
) -> None:
    response = await post(gateway, content, content_type)
    assert response.status_code == status
    assert code_of(response) == code


async def test_an_oversized_body_is_refused_with_413(gateway: Gateway) -> None:
    padding = " " * (gateway.settings.max_body_bytes + 1)
    response = await post(gateway, json.dumps({"query": "{ viewer { role } }" + padding}))
    assert response.status_code == 413
    assert code_of(response) == "PAYLOAD_TOO_LARGE"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ viewer { " + " ".join(f"a{i}: role" for i in range(16)) + " } }", "TOO_MANY_ALIASES"),
        (
            "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(11)) + " }",
            "TOO_MANY_ROOT_FIELDS",
        ),
        ("{ viewer { role " + "@include(if: true) " * 51 + "} }", "TOO_MANY_DIRECTIVES"),
        ("{ viewer { " + "role " * 1000 + "} }", "TOO_MANY_TOKENS"),
        (
            "{ customers(first: 100) { edges { node { contacts(first: 100) { edges { node "
            "{ id name email phone title } } } } } } }",
            "QUERY_TOO_COMPLEX",
        ),
        (
            "{ viewer { company { "
            + "partnerships { edges { node { vendor { " * 4
            + "id"
            + " } } } }" * 4
            + " } } }",
            "QUERY_TOO_DEEP",
        ),
    ],
)
async def test_queries_over_the_production_limits_are_refused_before_execution(
    limited: Gateway, query: str, code: str
) -> None:
    result = await limited.query(user, query)
    assert result.status == 400
    assert result.codes() == [code]
    assert "stats" not in result.body.get("extensions", {})  # no database work was done


async def test_the_readme_nested_query_passes_the_production_limits(limited: Gateway) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    query = readme.split("```graphql\n", 1)[1].split("```", 1)[0]
    assert "partnerships(first: 10)" in query
    result = await limited.query(user, query)
    assert result.status == 200, result.body
    assert result.data["viewer"]["company"]["partnerships"] is not None


@pytest.fixture(scope="module")
async def limited() -> AsyncIterator[Gateway]:
    """A gateway with the production limits (the shared test gateway raises the cost limit)."""
    settings = make_settings(**{**PRODUCTION_LIMITS, "PRM_RATE_LIMIT_PER_SECOND": "0"})
    async for gateway in serve(settings):
        yield gateway


async def serve(settings: Settings) -> AsyncIterator[Gateway]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            yield Gateway(client, settings)


async def test_a_user_over_the_rate_limit_gets_429_with_retry_after() -> None:
    settings = make_settings(PRM_RATE_LIMIT_PER_SECOND="0.5", PRM_RATE_LIMIT_BURST="3")
    async for gateway in serve(settings):
        statuses = [(await gateway.query(user, "{ viewer { role } }")).status for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        refused = await gateway.client.post(
            "/graphql",
            json={"query": "{ viewer { role } }"},
            headers={"authorization": f"Bearer {mint_token(settings, user)}"},
        )
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert code_of(refused) == "RATE_LIMITED"
        # Buckets are per user: a colleague is not throttled.
        assert (await gateway.query(other, "{ viewer { role } }")).status == 200


async def test_production_hides_the_schema_and_does_not_suggest_fields() -> None:
    # RS256 is production's only scheme; this checks the schema, with dev tokens.
    settings = make_settings(PRM_INTROSPECTION="false")
    async for gateway in serve(settings):
        result = await gateway.query(user, "{ __schema { types { name } } }")
        assert result.data is None
        assert "introspection" in result.errors[0]["message"].lower()
        typo = await gateway.query(user, "{ viewer { rol } }")
        assert typo.errors
        assert "Did you mean" not in typo.errors[0]["message"]
    async for gateway in serve(make_settings()):
        typo = await gateway.query(user, "{ viewer { rol } }")
        assert "Did you mean" in typo.errors[0]["message"]
