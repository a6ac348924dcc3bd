"""What an operator sees: Prometheus metrics, tracing spans, JSON logs with the request id,
CORS for configured web origins, GraphiQL on in development only."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.logs import configure_logging
from tests.conftest import make_settings
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway

b = Builder()
vendor = b.company("Vendor")
partner = b.company("Partner")
v_exec = b.user(vendor)
p_exec = b.user(partner)
medium = b.partnership(vendor, partner, tier="MEDIUM")
customers = [b.customer(vendor) for _ in range(4)]
b.link(vendor, partner, medium, scope=("IDENTITY", "PROFILE"), covers=tuple(customers))

VIEWER = "query Viewer { viewer { company { name } } }"
CUSTOMERS = "query Customers { customers(first: 10) { edges { node { name email } } } }"
NESTED = """query Nested { viewer { company { partnerships(first: 5) { edges { node {
  partner { name } vendor { name } } } } } } }"""


@pytest.fixture
async def observed(load_graph: GraphLoader) -> AsyncIterator[tuple[Starlette, Gateway]]:
    await load_graph(b.data)
    settings = make_settings(PRM_CORS_ORIGINS="https://portal.example, https://crm.example/")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            yield app, Gateway(client, settings)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            found[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return found


def value(
    found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_count_requests_round_trips_errors_and_loader_batches(
    observed: tuple[Starlette, Gateway],
) -> None:
    _, gateway = observed
    trips = 0
    for _ in range(2):
        result = await gateway.query(v_exec, VIEWER)
        assert result.status == 200
        assert not result.errors
        trips += result.round_trips
    partial = await gateway.query(p_exec, CUSTOMERS)  # email is CONTACT: redacted
    assert partial.codes() == ["FORBIDDEN"] * 4
    nested = await gateway.ok(v_exec, NESTED)
    assert nested["viewer"]["company"]["partnerships"]["edges"]
    unauthenticated = await gateway.query(None, VIEWER)
    assert unauthenticated.status == 401
    broken = await gateway.query(v_exec, "query Broken { viewer {")
    assert broken.codes() == ["GRAPHQL_PARSE_FAILED"]

    response = await gateway.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found = samples(response.text)
    requests = "prm_graphql_requests_total"
    assert value(found, requests, operation="Viewer", outcome="ok") == 2
    assert value(found, requests, operation="Customers", outcome="partial") == 1
    assert value(found, requests, operation="Nested", outcome="ok") == 1
    assert value(found, requests, operation="Viewer", outcome="error") == 1
    assert value(found, requests, operation="anonymous", outcome="error") == 1
    assert value(found, "prm_cypher_round_trips_total", operation="Viewer") == trips > 0
    assert value(found, "prm_cypher_round_trips_per_request_count", operation="Viewer") == 3
    assert value(found, "prm_graphql_errors_total", code="FORBIDDEN") == 4
    assert value(found, "prm_graphql_errors_total", code="UNAUTHENTICATED") == 1
    assert value(found, "prm_graphql_errors_total", code="GRAPHQL_PARSE_FAILED") == 1
    latency = value(
        found, "prm_graphql_request_duration_seconds_sum", operation="Viewer", outcome="ok"
    )
    assert 0 < latency < 10
    # The nested query asked for the partner and the vendor of each partnership:
    # one companies batch for both (a batch of 2 distinct keys), never one per row.
    batches = value(found, "prm_loader_batch_size_count", loader="companies")
    keys = value(found, "prm_loader_batch_size_sum", loader="companies")
    assert batches >= 1
    assert 1 <= keys / batches <= 2
    assert value(found, "prm_loader_batch_size_count", loader="customer_pages") == 1
    assert value(found, "prm_loader_batch_size_bucket", loader="customer_pages", le="1.0") == 1


@pytest.fixture(scope="module")
def spans() -> Iterator[InMemorySpanExporter]:
    """The SDK with an in-memory exporter as the process's tracer provider (settable once
    per process, so it is shut down afterwards: later spans are dropped, not kept)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    if trace.get_tracer_provider() is not provider:
        pytest.skip("another tracer provider is installed in this process")
    yield exporter
    exporter.clear()
    provider.shutdown()


async def test_a_span_per_request_named_for_the_operation_with_a_child_per_cypher_round_trip(
    observed: tuple[Starlette, Gateway], spans: InMemorySpanExporter
) -> None:
    _, gateway = observed
    spans.clear()
    result = await gateway.query(v_exec, NESTED)
    assert not result.errors
    finished: tuple[ReadableSpan, ...] = spans.get_finished_spans()
    roots = [s for s in finished if s.name == "query Nested"]
    assert len(roots) == 1
    root = roots[0]
    assert root.attributes is not None
    assert root.attributes["graphql.operation.name"] == "Nested"
    assert root.attributes["graphql.operation.type"] == "query"
    assert root.attributes["prm.outcome"] == "ok"
    assert root.attributes["prm.request_id"] == result.body["extensions"]["requestId"]
    cypher = [s for s in finished if s.name.startswith("cypher ")]
    assert cypher, [s.name for s in finished]
    assert all(s.parent is not None and s.parent.span_id == root.context.span_id for s in cypher)
    assert all(s.context.trace_id == root.context.trace_id for s in cypher)
    assert len(cypher) == result.round_trips
    assert all((s.attributes or {}).get("db.system") == "neo4j" for s in cypher)


async def test_an_incoming_traceparent_continues_the_callers_trace(
    observed: tuple[Starlette, Gateway], spans: InMemorySpanExporter
) -> None:
    _, gateway = observed
    spans.clear()
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    header = {"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"}
    result = await gateway.query(v_exec, VIEWER, headers=header)
    assert not result.errors
    root = next(s for s in spans.get_finished_spans() if s.name == "query Viewer")
    assert f"{root.context.trace_id:032x}" == trace_id


async def test_json_log_lines_carry_the_request_id(observed: tuple[Starlette, Gateway]) -> None:
    _, gateway = observed
    stream = io.StringIO()
    handler = configure_logging("INFO", "json")
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    try:
        result = await gateway.query(v_exec, VIEWER, headers={"x-request-id": "req-abc-123"})
        failed = await gateway.query(None, VIEWER)
    finally:
        logging.getLogger().removeHandler(handler)
    assert result.body["extensions"]["requestId"] == "req-abc-123"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    mine = [entry for entry in lines if entry.get("request_id") == "req-abc-123"]
    assert mine, lines
    access = [e for e in mine if e["logger"] == "prm.gateway" and e.get("operation") == "Viewer"]
    assert len(access) == 1
    assert access[0]["outcome"] == "ok"
    assert access[0]["status"] == 200
    assert access[0]["cypher_round_trips"] == result.round_trips
    assert {"time", "level", "message"} <= set(access[0])
    refused_id = failed.body["extensions"]["requestId"]
    refused = [e for e in lines if e.get("request_id") == refused_id]
    assert refused
    assert refused[-1]["error_codes"] == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://portal.example", True),
        ("https://crm.example", True),
        ("https://evil.example", False),
    ],
)
async def test_cors_preflight_allows_configured_origins_only(
    observed: tuple[Starlette, Gateway], origin: str, allowed: bool
) -> None:
    _, gateway = observed
    response = await gateway.client.options(
        "/graphql",
        headers={
            "origin": origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
        },
    )
    if allowed:
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == origin
        assert "authorization" in response.headers["access-control-allow-headers"].lower()
    else:
        assert response.status_code == 400
        assert "access-control-allow-origin" not in response.headers
    actual = await gateway.client.post(
        "/graphql",
        json={"query": VIEWER},
        headers={"origin": origin, "authorization": f"Bearer {gateway.token(v_exec)}"},
    )
    assert actual.status_code == 200
    assert (actual.headers.get("access-control-allow-origin") == origin) is allowed
