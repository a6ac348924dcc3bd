"""Prometheus metrics of the gateway, served at ``/metrics``: behind a bearer token when
``PRM_METRICS_TOKEN`` is set, and in production only then.

Each app has its own registry (tests build many apps in one process). With
several Uvicorn workers every process counts for itself; set
``PROMETHEUS_MULTIPROC_DIR`` to an empty, writable directory before start-up
and ``/metrics`` then sums all workers (prometheus-client's multiprocess mode).

Label values are bounded: the operation name comes from the client, so it is
kept only if it is a GraphQL name and while fewer than ``MAX_OPERATIONS``
distinct names have been seen; beyond that it counts as ``other``.
"""

from __future__ import annotations

import hmac
import os
import re
import threading

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import Response

MAX_OPERATIONS = 200
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_COUNT_BUCKETS = (1, 2, 3, 5, 8, 13, 21, 34, 55, 100, 250, 1000)


class Metrics:
    def __init__(self, token: str | None = None) -> None:
        #: The bearer token /metrics requires (PRM_METRICS_TOKEN), if any.
        self._token = token
        self.registry = CollectorRegistry(auto_describe=True)
        self._operations: set[str] = set()
        self._lock = threading.Lock()
        r = self.registry
        self.requests = Counter(
            "prm_graphql_requests",
            "GraphQL requests by operation name and outcome (ok, partial, error).",
            ["operation", "outcome"],
            registry=r,
        )
        self.latency = Histogram(
            "prm_graphql_request_duration_seconds",
            "Wall time of a GraphQL request, admission to response.",
            ["operation", "outcome"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.round_trips = Histogram(
            "prm_cypher_round_trips_per_request",
            "Cypher round trips a GraphQL request made (bounded by query depth).",
            ["operation"],
            buckets=_COUNT_BUCKETS,
            registry=r,
        )
        self.round_trips_total = Counter(
            "prm_cypher_round_trips",
            "Cypher round trips made for GraphQL requests.",
            ["operation"],
            registry=r,
        )
        self.db_seconds = Histogram(
            "prm_cypher_seconds_per_request",
            "Time a GraphQL request spent waiting on Neo4j.",
            ["operation"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.errors = Counter(
            "prm_graphql_errors",
            "GraphQL errors by extensions.code (a response may carry several).",
            ["code"],
            registry=r,
        )
        self.batch_size = Histogram(
            "prm_loader_batch_size",
            "Keys per DataLoader batch (one Cypher read each), by loader.",
            ["loader"],
            buckets=_COUNT_BUCKETS,
            registry=r,
        )

        self.reads_recorded = Counter(
            "prm_access_log_reads_recorded",
            "Customer reads written to the access log (per link, user, day and customer).",
            registry=r,
        )
        self.reads_lost = Counter(
            "prm_access_log_reads_lost",
            "Customer reads the access log could not keep, by reason (queue_full: the "
            "recorder fell behind; write_failed: the database refused a batch; shutdown).",
            ["reason"],
            registry=r,
        )

    def observe_reads_lost(self, reason: str, count: int) -> None:
        self.reads_lost.labels(reason).inc(count)

    def observe_reads_recorded(self, count: int) -> None:
        self.reads_recorded.inc(count)

    def operation_label(self, name: str | None) -> str:
        if not name:
            return "anonymous"
        if not _NAME.fullmatch(name):
            return "other"
        with self._lock:
            if name in self._operations:
                return name
            if len(self._operations) >= MAX_OPERATIONS:
                return "other"
            self._operations.add(name)
            return name

    def observe_batch(self, loader: str, size: int) -> None:
        self.batch_size.labels(loader).observe(size)

    def observe_request(
        self,
        *,
        operation: str,
        outcome: str,
        seconds: float,
        round_trips: int,
        db_seconds: float,
        codes: list[str],
    ) -> None:
        self.requests.labels(operation, outcome).inc()
        self.latency.labels(operation, outcome).observe(seconds)
        self.round_trips.labels(operation).observe(round_trips)
        self.round_trips_total.labels(operation).inc(round_trips)
        self.db_seconds.labels(operation).observe(db_seconds)
        for code in codes:
            self.errors.labels(code).inc()

    def render(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped upstream
            return generate_latest(registry)
        return generate_latest(self.registry)

    async def endpoint(self, request: Request) -> Response:
        if self._token is not None and not _bearer_is(request, self._token):
            # Operation names, error codes and volumes are no one else's business.
            return Response(
                "metrics need the bearer token of PRM_METRICS_TOKEN\n",
                status_code=401,
                headers={"www-authenticate": 'Bearer realm="metrics"'},
            )
        return Response(self.render(), media_type=CONTENT_TYPE_LATEST)


def _bearer_is(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


def outcome_of(status: int, has_data: bool, codes: list[str]) -> str:
    """``ok`` (no error), ``partial`` (data with some errors, e.g. redacted fields), ``error``."""
    if status == 200 and not codes:
        return "ok"
    if status == 200 and has_data:
        return "partial"
    return "error"
