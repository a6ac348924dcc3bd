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
        uri=TEST_URI, user="neo4j", password=settings.neo4j_password, query_timeout=0.5
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
