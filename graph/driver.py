"""The one async Neo4j driver of a process, and the only place a query is sent.

Reads go through managed read transactions (routable to replicas in a
cluster), writes through managed write transactions; the driver retries
transient failures, but only for ``retry_seconds`` so that a database that is
down turns into a fast SERVICE_UNAVAILABLE instead of a request blocked for
the driver's default 30 s. Every call counts one round trip in the request's
``QueryStats``: the number the no-N+1 tests assert on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, LiteralString, TypeVar

import neo4j
from neo4j import AsyncGraphDatabase, Query, RoutingControl
from neo4j import exceptions as neo4j_errors
from opentelemetry import trace

from graph.errors import QueryTimeout, ServiceUnavailable
from graph.queries.database import PING_QUERY

log = logging.getLogger("prm.graph")
# The OpenTelemetry API only: a no-op unless the process installs an SDK tracer
# provider (the gateway does when OTEL_ exporter variables are set).
_tracer = trace.get_tracer("prm.graph")

Params = Mapping[str, Any]
T = TypeVar("T")

# Worth another try within the retry budget: the connection, not the query, failed.
_RETRYABLE = (
    neo4j_errors.ServiceUnavailable,
    neo4j_errors.SessionExpired,
    neo4j_errors.TransientError,
)
_UNAVAILABLE = (
    neo4j_errors.ServiceUnavailable,
    neo4j_errors.SessionExpired,
    neo4j_errors.TransientError,
    neo4j_errors.SessionError,
    OSError,
    TimeoutError,
)


_TIMED_OUT = ("TransactionTimedOut", "LockClientStopped")


@dataclass
class QueryStats:
    """Per-request counters: how many Cypher round trips and how long they took.

    ``on_batch`` is told the name and size of every loader batch (the gateway
    sets it to feed a metric; ``graph`` knows nothing of metrics).
    """

    round_trips: int = 0
    db_seconds: float = 0.0
    queries: list[str] = field(default_factory=list[str])
    batches: int = 0
    on_batch: Callable[[str, int], None] | None = field(default=None, repr=False)

    def batch(self, loader: str, size: int) -> None:
        self.batches += 1
        if self.on_batch is not None:
            self.on_batch(loader, size)


@dataclass(frozen=True, kw_only=True)
class DatabaseConfig:
    """How to reach Neo4j: also the ``db`` section of the gateway's settings, so each
    default is written here only (the environment's names are gateway/settings.py's)."""

    uri: str = "bolt://127.0.0.1:7687"
    user: str = "neo4j"
    password: str = field(repr=False)
    database: str = "neo4j"
    retry_seconds: float = 2.0
    connect_timeout: float = 2.0
    acquire_timeout: float = 3.0
    query_timeout: float = 15.0
    pool_size: int = 100


class Database:
    """Owns the driver; opened and closed by the ASGI lifespan (or a CLI command)."""

    def __init__(self, config: DatabaseConfig) -> None:
        self.config = config
        self._driver = AsyncGraphDatabase.driver(
            config.uri,
            auth=(config.user, config.password),
            max_transaction_retry_time=config.retry_seconds,
            connection_timeout=config.connect_timeout,
            connection_acquisition_timeout=config.acquire_timeout,
            max_connection_pool_size=config.pool_size,
            liveness_check_timeout=30.0,
            notifications_min_severity="OFF",
        )
        # The whole call, retries included, may not outlast this: a stalled
        # server must not hold a request open.
        self._deadline = config.retry_seconds + config.query_timeout + config.acquire_timeout

    async def close(self) -> None:
        await self._driver.close()

    async def read(
        self, query: LiteralString, params: Params, stats: QueryStats | None = None
    ) -> list[dict[str, Any]]:
        """A read as one auto-commit query (RUN and PULL pipelined: one network round trip).

        A managed transaction adds BEGIN and COMMIT exchanges, about 0.6 ms a
        read here, and buys nothing for a single read statement. Connection
        failures are retried by hand within ``retry_seconds``; the session
        shares the driver's bookmark manager, so a read still sees this
        process's earlier writes on a cluster.
        """
        deadline = time.perf_counter() + self.config.retry_seconds
        delay = 0.05
        async with _round_trip(stats, query, "read"), asyncio.timeout(self._deadline):
            while True:
                try:
                    return await self._auto_commit_read(query, params)
                except _RETRYABLE:
                    if time.perf_counter() + delay > deadline:
                        raise
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 0.5)

    async def _auto_commit_read(self, query: LiteralString, params: Params) -> list[dict[str, Any]]:
        async with self._driver.session(
            database=self.config.database,
            default_access_mode=neo4j.READ_ACCESS,
            bookmark_manager=self._driver.execute_query_bookmark_manager,
        ) as session:
            result = await session.run(
                Query(query, timeout=self.config.query_timeout), dict(params)
            )
            return await _records(result)

    async def write(
        self, query: LiteralString, params: Params, stats: QueryStats | None = None
    ) -> list[dict[str, Any]]:
        """A write through a managed transaction: retried by the driver, bookmarked."""
        async with _round_trip(stats, query, "write"), asyncio.timeout(self._deadline):
            result: list[dict[str, Any]] = await self._driver.execute_query(
                Query(query, timeout=self.config.query_timeout),
                dict(params),
                routing_=RoutingControl.WRITE,
                database_=self.config.database,
                result_transformer_=_records,
            )
        return result

    async def transaction(
        self, work: Callable[[WriteTx], Awaitable[T]], stats: QueryStats | None = None
    ) -> T:
        """Run ``work`` in one managed write transaction: all its statements or none.

        ``work`` may read, decide in Python and write; raising anything rolls
        the whole transaction back. The driver reruns ``work`` from the start
        on a transient failure (a deadlock between two writers, a leader
        switch), so ``work`` must not have effects outside the transaction.
        """

        @neo4j.unit_of_work(timeout=self.config.query_timeout)
        async def unit(tx: neo4j.AsyncManagedTransaction) -> T:
            return await work(WriteTx(tx, stats))

        async with (
            _translated(),
            asyncio.timeout(self._deadline),
            self._driver.session(
                database=self.config.database,
                bookmark_manager=self._driver.execute_query_bookmark_manager,
            ) as session,
        ):
            return await session.execute_write(unit)

    async def check(self) -> None:
        """Raises what a trivial read raises now: ServiceUnavailable when the server does
        not answer, the driver's own error when it refuses (credentials, database)."""
        await self.read(PING_QUERY, {})

    async def ping(self) -> bool:
        """True when the server answers a trivial read now (readiness)."""
        try:
            await self.check()
        except ServiceUnavailable:
            return False
        return True


class WriteTx:
    """One statement after another inside a write transaction; each is a counted round trip."""

    def __init__(self, tx: neo4j.AsyncManagedTransaction, stats: QueryStats | None) -> None:
        self._tx = tx
        self._stats = stats

    async def run(self, query: LiteralString, params: Params) -> list[dict[str, Any]]:
        # Counted but not translated: the driver must still see a deadlock as
        # transient to rerun the transaction; ``Database.transaction`` translates.
        started = time.perf_counter()
        try:
            with _span(query, "transaction"):
                return await _records(await self._tx.run(query, dict(params)))
        finally:
            if self._stats is not None:
                self._stats.round_trips += 1
                self._stats.db_seconds += time.perf_counter() - started


@contextlib.asynccontextmanager
async def _translated() -> AsyncGenerator[None, None]:
    """Driver errors translated into the gateway's."""
    try:
        yield
    except neo4j_errors.ClientError as exc:
        # A transaction past its timeout is terminated; one that was waiting for a
        # lock then reports LockClientStopped instead of TransactionTimedOut.
        # (The code is never None: driver 6 reports an unknown one as ...General.UnknownError.)
        if any(part in exc.code for part in _TIMED_OUT):
            raise QueryTimeout() from exc
        raise
    except _UNAVAILABLE as exc:
        log.warning("neo4j unavailable: %s: %s", type(exc).__name__, exc)
        raise ServiceUnavailable() from exc


def _span(query: LiteralString, kind: str) -> contextlib.AbstractContextManager[trace.Span]:
    """A child span of the current one for one Cypher round trip.

    The statement is a parameterized constant (no values), so its text is safe
    to export; the span is named after its first line.
    """
    first = query.lstrip().split("\n", 1)[0][:80]
    return _tracer.start_as_current_span(
        f"cypher {kind}",
        kind=trace.SpanKind.CLIENT,
        attributes={
            "db.system": "neo4j",
            "db.operation.name": first,
            "db.query.text": query,
            "prm.cypher.mode": kind,
        },
    )


@contextlib.asynccontextmanager
async def _round_trip(
    stats: QueryStats | None, query: LiteralString = "", kind: str = "read"
) -> AsyncGenerator[None, None]:
    """One counted round trip (a span too), with driver errors translated into the gateway's."""
    started = time.perf_counter()
    try:
        with _span(query, kind):
            async with _translated():
                yield
    finally:
        if stats is not None:
            stats.round_trips += 1
            stats.db_seconds += time.perf_counter() - started


async def _records(result: neo4j.AsyncResult) -> list[dict[str, Any]]:
    # Queries return maps and scalars, never Node objects, so the recursive
    # conversion of Record.data() (a tenth of the decode time) is not needed.
    keys = result.keys()
    # iter(record), what zip calls anyway: a Record is typed as a bare tuple, whose items
    # are unknown to the type checker, but its __iter__ as an iterator of Any.
    return [dict(zip(keys, iter(record), strict=True)) async for record in result]
