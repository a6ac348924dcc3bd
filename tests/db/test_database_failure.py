"""A database that goes away gives a fast SERVICE_UNAVAILABLE (HTTP 503), and the
gateway serves again by itself when it is back."""

from __future__ import annotations

import time

import httpx
import pytest

from gateway.app import create_app
from tests.conftest import make_settings
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.proxy import TcpProxy

b = Builder()
company = b.company("Acme")
user = b.user(company)
QUERY = "{ viewer { company { name } } }"


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


async def test_neo4j_down_gives_a_fast_503_and_recovery_needs_no_restart(
    proxied: Gateway, proxy: TcpProxy
) -> None:
    assert (await proxied.ok(user, QUERY))["viewer"]["company"]["name"] == "Acme"
    ready = await proxied.client.get("/readyz")
    assert ready.status_code == 200

    await proxy.down()
    started = time.monotonic()
    result = await proxied.query(user, QUERY)
    elapsed = time.monotonic() - started
    assert result.status == 503
    assert result.codes() == ["SERVICE_UNAVAILABLE"]
    assert "Traceback" not in str(result.body)
    assert elapsed < 8, f"took {elapsed:.1f}s: the driver's 30 s retry is not bounded"
    not_ready = await proxied.client.get("/readyz")
    assert not_ready.status_code == 503
    assert not_ready.json() == {"ready": False, "neo4j": False, "migrations": True}
    assert (await proxied.client.get("/healthz")).status_code == 200  # alive, only not ready
    metrics = (await proxied.client.get("/metrics")).text
    assert 'prm_graphql_errors_total{code="SERVICE_UNAVAILABLE"} 1.0' in metrics

    await proxy.up()
    assert (await proxied.ok(user, QUERY))["viewer"]["company"]["name"] == "Acme"
    assert (await proxied.client.get("/readyz")).status_code == 200


async def test_an_unreachable_neo4j_at_start_up_still_serves_503s() -> None:
    settings = make_settings(NEO4J_URI="bolt://127.0.0.1:9")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            gateway = Gateway(client, settings)
            result = await gateway.query(user, QUERY)
            assert result.status == 503
            assert result.codes() == ["SERVICE_UNAVAILABLE"]
            assert (await client.get("/healthz")).status_code == 200
            assert (await client.get("/readyz")).json() == {
                "ready": False,
                "neo4j": False,
                "migrations": False,
            }
