"""Persisted queries: Apollo's APQ protocol by POST and GET, and production's allow-list."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.app import create_app
from gateway.persisted import PersistedQueriesError, sha256_hex
from gateway.settings import Settings
from tests.conftest import make_settings
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway, Result
from tests.support.ws import served, subscribe

b = Builder()
company = b.company("Acme")
user = b.user(company)

ROLE = "query Role { viewer { role } }"
COMPANY = "query Company($id: ID!) { company(id: $id) { name } }"
UNLISTED = "{ viewer { company { name } } }"


def persisted(query_hash: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": query_hash}}


@pytest.fixture(scope="module", autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


async def post(gateway: Gateway, body: dict[str, Any]) -> Result:
    headers = {"authorization": f"Bearer {gateway.token(user)}"}
    response = await gateway.client.post("/graphql", json=body, headers=headers)
    return Result(response.status_code, response.json())


async def get(gateway: Gateway, params: dict[str, Any]) -> Result:
    headers = {"authorization": f"Bearer {gateway.token(user)}"}
    encoded = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    response = await gateway.client.get("/graphql", params=encoded, headers=headers)
    return Result(response.status_code, response.json())


@contextlib.asynccontextmanager
async def gateway_with(settings: Settings) -> AsyncIterator[Gateway]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            yield Gateway(client, settings)


# ---- automatic persisted queries ---------------------------------------------------------


async def test_an_unknown_hash_is_not_found_until_the_full_query_registers_it(
    gateway: Gateway,
) -> None:
    query = "query Fresh { viewer { role } }"  # a text no other test registers
    digest = sha256_hex(query)
    miss = await post(gateway, {"extensions": persisted(digest)})
    assert miss.status == 200  # what Apollo's clients expect before they retry
    assert miss.codes() == ["PERSISTED_QUERY_NOT_FOUND"]
    assert miss.errors[0]["message"] == "PersistedQueryNotFound"
    register = await post(gateway, {"query": query, "extensions": persisted(digest)})
    assert register.data == {"viewer": {"role": "EXECUTIVE"}}
    hit = await post(gateway, {"extensions": persisted(digest)})
    assert hit.status == 200
    assert hit.data == {"viewer": {"role": "EXECUTIVE"}}


async def test_a_registered_hash_runs_by_get_with_its_variables(gateway: Gateway) -> None:
    digest = sha256_hex(COMPANY)
    variables = {"id": gateway_company_id()}
    miss = await get(gateway, {"extensions": persisted(digest), "variables": variables})
    assert miss.codes() == ["PERSISTED_QUERY_NOT_FOUND"]
    register = await get(
        gateway, {"query": COMPANY, "extensions": persisted(digest), "variables": variables}
    )
    assert register.data == {"company": {"name": "Acme"}}
    hit = await get(gateway, {"extensions": persisted(digest), "variables": variables})
    assert hit.status == 200
    assert hit.data == {"company": {"name": "Acme"}}


def gateway_company_id() -> str:
    from tests.support.customers import gid

    return gid("Company", company)


async def test_a_hash_that_does_not_match_its_query_is_refused_and_not_registered(
    gateway: Gateway,
) -> None:
    wrong = sha256_hex("query Other { viewer { role } }")
    refused = await post(gateway, {"query": UNLISTED, "extensions": persisted(wrong)})
    assert refused.status == 400
    assert refused.codes() == ["PERSISTED_QUERY_HASH_MISMATCH"]
    still_unknown = await post(gateway, {"extensions": persisted(wrong)})
    assert still_unknown.codes() == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_a_malformed_persisted_query_extension_is_a_bad_request(gateway: Gateway) -> None:
    version_2 = {"persistedQuery": {"version": 2, "sha256Hash": sha256_hex(ROLE)}}
    short_hash = {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}
    for extensions in (version_2, short_hash):
        result = await post(gateway, {"extensions": extensions})
        assert result.status == 400
        assert result.codes() == ["BAD_REQUEST"]


async def test_a_query_that_fails_the_limits_is_not_registered(gateway: Gateway) -> None:
    broken = "query Broken { viewer { role }"  # does not parse
    digest = sha256_hex(broken)
    refused = await post(gateway, {"query": broken, "extensions": persisted(digest)})
    assert refused.codes() == ["GRAPHQL_PARSE_FAILED"]
    assert (await post(gateway, {"extensions": persisted(digest)})).codes() == [
        "PERSISTED_QUERY_NOT_FOUND"
    ]


async def test_with_apq_off_a_hash_is_not_supported() -> None:
    async with gateway_with(make_settings(PRM_APQ="false")) as off:
        result = await post(off, {"extensions": persisted(sha256_hex(ROLE))})
        assert result.status == 200
        assert result.codes() == ["PERSISTED_QUERY_NOT_SUPPORTED"]
        plain = await post(off, {"query": ROLE})
        assert plain.data == {"viewer": {"role": "EXECUTIVE"}}


async def test_the_cache_keeps_the_most_recently_used_hashes() -> None:
    async with gateway_with(make_settings(PRM_APQ_CACHE_SIZE="2")) as small:
        queries = [f"query Q{i} {{ viewer {{ role }} }}" for i in range(3)]
        for q in queries:
            assert (await post(small, {"query": q, "extensions": persisted(sha256_hex(q))})).data
        first = await post(small, {"extensions": persisted(sha256_hex(queries[0]))})
        last = await post(small, {"extensions": persisted(sha256_hex(queries[2]))})
        assert first.codes() == ["PERSISTED_QUERY_NOT_FOUND"]  # evicted: least recently used
        assert last.data == {"viewer": {"role": "EXECUTIVE"}}


# ---- the allow-list, in production mode ---------------------------------------------------

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC_PEM = (
    KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)


class ProductionGateway(Gateway):
    def token(self, user_id: str) -> str:
        now = int(time.time())
        claims = {"sub": user_id, "exp": now + 600, "iss": "https://idp.test", "aud": "prm"}
        return jwt.encode(claims, KEY, algorithm="RS256")


def manifest(tmp: Path, *queries: str) -> Path:
    path = tmp / "operations.json"
    operations = [
        {"id": sha256_hex(q), "name": q.split()[1], "type": "query", "body": q} for q in queries
    ]
    path.write_text(
        json.dumps(
            {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
        )
    )
    return path


def production(**extra: str) -> Settings:
    return make_settings(
        PRM_ENV="prod",
        PRM_JWT_SECRET="",
        PRM_JWT_PUBLIC_KEY=PUBLIC_PEM,
        PRM_JWT_ISSUER="https://idp.test",
        PRM_JWT_AUDIENCE="prm",
        **extra,
    )


@pytest.fixture(scope="module")
async def listed(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ProductionGateway]:
    path = manifest(tmp_path_factory.mktemp("pq"), ROLE, COMPANY)
    settings = production(PRM_PERSISTED_QUERIES_FILE=str(path))
    async with gateway_with(settings) as gw:
        yield ProductionGateway(gw.client, settings)


async def test_production_runs_listed_operations_by_hash_or_by_text(
    listed: ProductionGateway,
) -> None:
    by_hash = await post(listed, {"extensions": persisted(sha256_hex(ROLE))})
    assert by_hash.data == {"viewer": {"role": "EXECUTIVE"}}
    by_get = await get(
        listed,
        {"extensions": persisted(sha256_hex(COMPANY)), "variables": {"id": gateway_company_id()}},
    )
    assert by_get.data == {"company": {"name": "Acme"}}
    by_text = await post(listed, {"query": ROLE})
    assert by_text.data == {"viewer": {"role": "EXECUTIVE"}}


async def test_production_refuses_operations_outside_the_allow_list(
    listed: ProductionGateway,
) -> None:
    for body in (
        {"query": UNLISTED},
        {"extensions": persisted(sha256_hex(UNLISTED))},
        {"query": UNLISTED, "extensions": persisted(sha256_hex(UNLISTED))},  # no registering
        {"query": "{ __typename }"},
    ):
        refused = await post(listed, body)
        assert refused.status == 400, body
        assert refused.codes() == ["PERSISTED_QUERY_NOT_ALLOWED"], body
    assert (await post(listed, {"extensions": persisted(sha256_hex(UNLISTED))})).codes() == [
        "PERSISTED_QUERY_NOT_ALLOWED"
    ]


async def test_the_allow_list_holds_over_the_websocket_too(tmp_path: Path) -> None:
    settings = make_settings(PRM_PERSISTED_QUERIES_FILE=str(manifest(tmp_path, ROLE)))
    app = create_app(settings)
    async with app.router.lifespan_context(app), served(app) as url:
        token = Gateway(httpx.AsyncClient(), settings).token(user)
        async with subscribe(url, token, UNLISTED) as operation:
            message = await operation.next()
        assert message["type"] == "error"
        assert message["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
        async with subscribe(url, token, ROLE) as operation:
            message = await operation.next()
        assert message["type"] == "next"
        assert message["payload"]["data"] == {"viewer": {"role": "EXECUTIVE"}}


@pytest.mark.parametrize(
    "content",
    [
        '{"0000000000000000000000000000000000000000000000000000000000000000": "{ x }"}',
        "not json",
        '["a list"]',
    ],
)
def test_a_bad_allow_list_stops_the_start(tmp_path: Path, content: str) -> None:
    path = tmp_path / "operations.json"
    path.write_text(content)
    with pytest.raises(PersistedQueriesError):
        create_app(make_settings(PRM_PERSISTED_QUERIES_FILE=str(path)))
