"""The real Neo4j stopped under the gateway: fast 503s, readiness false, and service again
after it restarts, without restarting the gateway."""

from __future__ import annotations

import asyncio
import os
import sys
import time

import pytest

from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway

b = Builder()
company = b.company("Acme")
user = b.user(company)
QUERY = "{ viewer { company { name } } }"

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("NEO4J_TEST_URI")),
    reason="needs the Neo4j that make test provisions, which it may stop and start",
)


async def neo4j(action: str) -> None:
    """What `make neo4j-test-up` / a stop does, as the operator would run it."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gateway.neo4j_local", action, "--instance", "test"
    )
    assert await process.wait() == 0


async def test_stopping_and_restarting_neo4j_needs_no_gateway_restart(
    gateway: Gateway, load_graph: GraphLoader
) -> None:
    await load_graph(b.data)
    assert (await gateway.ok(user, QUERY))["viewer"]["company"]["name"] == "Acme"
    await neo4j("down")
    try:
        started = time.monotonic()
        result = await gateway.query(user, QUERY)
        assert result.status == 503
        assert result.codes() == ["SERVICE_UNAVAILABLE"]
        assert time.monotonic() - started < 8
        ready = await gateway.client.get("/readyz")
        assert ready.status_code == 503
    finally:
        await neo4j("up")
    deadline = time.monotonic() + 60
    while (await gateway.client.get("/readyz")).status_code != 200:
        assert time.monotonic() < deadline, "the gateway did not see Neo4j come back"
        await asyncio.sleep(0.5)
    assert (await gateway.ok(user, QUERY))["viewer"]["company"]["name"] == "Acme"
