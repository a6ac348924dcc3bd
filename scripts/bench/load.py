"""The load driver: N concurrent workers send one operation a fixed number of times.

Bounded twice: by a request count and by a time budget (whichever ends
first), and every request by a timeout. HTTP goes to loopback addresses only.
Each sample is the client-side latency of one operation, plus what the
server reported about it (the gateway's Cypher round trips and DB time).
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

REQUEST_TIMEOUT = 60.0
_STATS = re.compile(rb'"cypherRoundTrips":(\d+),"dbMilliseconds":([0-9.eE+-]+)')


@dataclass(frozen=True)
class Reported:
    """What the server said about one operation (the gateway's extensions.stats)."""

    round_trips: int | None = None
    db_ms: float | None = None


Operation = Callable[[], Awaitable[Reported]]


@dataclass
class LoadResult:
    concurrency: int
    latencies: list[float] = field(default_factory=list)  # seconds, in completion order
    reported: list[Reported] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0

    @property
    def ops(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.ops / self.wall_seconds if self.wall_seconds > 0 else 0.0


async def run_load(
    operation: Operation,
    *,
    concurrency: int,
    requests: int,
    max_seconds: float,
    request_timeout: float = REQUEST_TIMEOUT,
) -> LoadResult:
    """``requests`` operations by ``concurrency`` workers; none starts after ``max_seconds``."""
    if concurrency < 1 or requests < 1 or max_seconds <= 0:
        raise ValueError("concurrency, requests and max_seconds must be positive")
    result = LoadResult(concurrency=concurrency)
    issued = 0
    started = time.perf_counter()
    deadline = started + max_seconds

    async def worker() -> None:
        nonlocal issued
        while issued < requests and time.perf_counter() < deadline:
            issued += 1
            begin = time.perf_counter()
            try:
                async with asyncio.timeout(request_timeout):
                    reported = await operation()
            except Exception as exc:
                result.errors.append(f"{type(exc).__name__}: {exc}"[:300])
                continue
            result.latencies.append(time.perf_counter() - begin)
            result.reported.append(reported)

    async with asyncio.timeout(max_seconds + request_timeout + 5):
        await asyncio.gather(*(worker() for _ in range(min(concurrency, requests))))
    result.wall_seconds = time.perf_counter() - started
    return result


def require_loopback(url: str) -> None:
    """Load goes to this machine only."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"refusing to send load to {host!r}: loopback addresses only")


def http_client(concurrency: int, request_timeout: float = REQUEST_TIMEOUT) -> httpx.AsyncClient:
    """One keep-alive connection per worker."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(limits=limits, timeout=request_timeout + 5, trust_env=False)


class GraphQLError(RuntimeError):
    """A non-200 answer during a timed run."""


def graphql_operation(
    client: httpx.AsyncClient, url: str, token: str, body: bytes | Callable[[], bytes]
) -> Operation:
    """POST one prepared GraphQL request (or the next of ``body()``, when each call must
    differ, e.g. a mutation); read the gateway's stats from the end of the body."""
    require_loopback(url)
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}

    async def call() -> Reported:
        content = body() if callable(body) else body
        response = await client.post(url, content=content, headers=headers)
        if response.status_code != 200:
            raise GraphQLError(f"HTTP {response.status_code}: {response.text[:200]}")
        found = _STATS.search(response.content, max(0, len(response.content) - 300))
        if found is None:
            return Reported()
        return Reported(int(found.group(1)), float(found.group(2)))

    return call
