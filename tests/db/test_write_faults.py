"""Faults under load: requests in flight when Neo4j goes away fail fast; a write cut
anywhere is all or nothing; retrying it with its idempotency key applies it once."""

from __future__ import annotations

import asyncio
import time

import pytest

from graph import Database
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid
from tests.support.proxy import TcpProxy

b = Builder()
vendor = b.company("Vendor")
prospect = b.company("Prospect")
v_exec = b.user(vendor, "EXECUTIVE")
for _ in range(30):
    b.customer(vendor)

READ = "{ customers(first: 50) { totalCount edges { node { name } } } }"
EARLY = {"partner": gid("Company", prospect), "key": "cut-early"}
LATE = {"partner": gid("Company", prospect), "key": "cut-late"}
RECRUIT = """mutation($partner: ID!, $key: String) { recruitPartner(input: {
  partnerId: $partner, tier: MEDIUM, idempotencyKey: $key}) { id status } }"""


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


async def recruited(db: Database) -> tuple[int, int]:
    """(partnerships between the two companies, their recruit AuditEvents)."""
    rows = await db.read(
        "OPTIONAL MATCH (:Company {id: $v})-[:VENDOR_IN]->(p:Partnership)"
        "<-[:PARTNER_IN]-(:Company {id: $p}) "
        "WITH count(p) AS partnerships "
        # The partner's copy of the event (docs/consent.md) is the same event.
        "OPTIONAL MATCH (a:AuditEvent {action: 'partnership.recruit'}) WHERE a.copyOf IS NULL "
        "RETURN partnerships, count(a) AS events",
        {"v": vendor, "p": prospect},
    )
    return int(rows[0]["partnerships"]), int(rows[0]["events"])


async def test_requests_in_flight_when_neo4j_dies_fail_fast_with_503(
    proxied: Gateway, proxy: TcpProxy
) -> None:
    await proxied.ok(v_exec, READ)  # warm: the viewer and pool are there
    proxy.stall()
    in_flight = [asyncio.create_task(proxied.query(v_exec, READ)) for _ in range(6)]
    await asyncio.sleep(0.5)
    assert not any(t.done() for t in in_flight), "the stall did not hold the requests"
    cut = time.monotonic()
    await proxy.down()
    results = await asyncio.wait_for(asyncio.gather(*in_flight), timeout=15)
    elapsed = time.monotonic() - cut
    assert [r.status for r in results] == [503] * 6
    assert all(r.codes() == ["SERVICE_UNAVAILABLE"] for r in results)
    assert elapsed < 8, f"in-flight requests took {elapsed:.1f}s to fail"
    await proxy.up()
    assert (await proxied.ok(v_exec, READ))["customers"]["totalCount"] == 30


async def test_a_write_cut_before_its_commit_leaves_nothing_and_its_retry_applies_once(
    proxied: Gateway, proxy: TcpProxy, db: Database
) -> None:
    await proxied.ok(v_exec, READ)
    proxy.stall()
    write = asyncio.create_task(proxied.query(v_exec, RECRUIT, EARLY))
    await asyncio.sleep(0.5)
    await proxy.down()
    result = await asyncio.wait_for(write, timeout=15)
    assert result.status == 503, result.body
    assert await recruited(db) == (0, 0)  # nothing half-written: no node, no event
    await proxy.up()
    first = await proxied.ok(v_exec, RECRUIT, EARLY)
    again = await proxied.ok(v_exec, RECRUIT, EARLY)
    assert first["recruitPartner"]["id"] == again["recruitPartner"]["id"]
    assert await recruited(db) == (1, 1)


async def test_a_write_whose_commit_answer_is_lost_is_applied_once_with_its_key(
    proxied: Gateway, proxy: TcpProxy, db: Database
) -> None:
    await proxied.ok(v_exec, READ)
    proxy.cut_after_next_commit()
    lost = await proxied.query(v_exec, RECRUIT, LATE)
    assert proxy.commits_cut == 1
    # The client could not know: an error (503), or the driver's own retry found it done.
    assert lost.status in (200, 503), lost.body
    assert await recruited(db) == (1, 1)  # the commit reached Neo4j: all of it
    retried = await proxied.ok(v_exec, RECRUIT, LATE)
    assert await recruited(db) == (1, 1)  # the retry did not apply it again
    if lost.status == 200:
        assert lost.data["recruitPartner"]["id"] == retried["recruitPartner"]["id"]
