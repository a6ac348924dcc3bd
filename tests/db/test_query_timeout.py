"""A statement that outruns its budget is cancelled in Neo4j and reported as QUERY_TIMEOUT."""

from __future__ import annotations

import time

import pytest

from graph import Database, DatabaseConfig, QueryTimeout
from tests.conftest import TEST_URI, make_settings

SLOW = "UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 0 RETURN count(x) AS n"


@pytest.mark.parametrize("mode", ["read", "write"])
async def test_a_slow_statement_is_cancelled_at_its_timeout(db: Database, mode: str) -> None:
    settings = make_settings()
    config = DatabaseConfig(
        uri=TEST_URI, user="neo4j", password=settings.db.password, query_timeout=0.5
    )
    short = Database(config)
    try:
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            await (short.read if mode == "read" else short.write)(SLOW, {})
        assert time.monotonic() - started < 10
    finally:
        await short.close()
    running = await db.read(
        "SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery = $slow RETURN count(*) AS n",
        {"slow": SLOW},
    )
    assert running[0]["n"] == 0


async def test_a_write_waiting_too_long_for_a_lock_is_a_query_timeout(db: Database) -> None:
    """Neo4j ends a transaction stuck on a lock past its timeout with LockClientStopped."""
    import asyncio

    import neo4j

    from graph.driver import WriteTx

    settings = make_settings()
    await db.write("MERGE (:Company {id: 'co-lock-test'})", {})
    holder_driver = neo4j.AsyncGraphDatabase.driver(TEST_URI, auth=("neo4j", settings.db.password))
    short = Database(
        DatabaseConfig(uri=TEST_URI, user="neo4j", password=settings.db.password, query_timeout=1.0)
    )

    async def lock_it(tx: WriteTx) -> None:
        await tx.run("MATCH (c:Company {id: 'co-lock-test'}) SET c.touched = true", {})

    try:
        async with holder_driver.session() as session:
            holder = await session.begin_transaction()
            await holder.run("MATCH (c:Company {id: 'co-lock-test'}) SET c._held = true")
            started = time.monotonic()
            with pytest.raises(QueryTimeout):
                await short.transaction(lock_it)
            assert time.monotonic() - started < 10
            await holder.rollback()
        await asyncio.sleep(0)
    finally:
        await short.close()
        await holder_driver.close()
