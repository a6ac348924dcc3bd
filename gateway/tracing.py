"""OpenTelemetry tracing: a span per GraphQL request, child spans per Cypher round trip.

Off by default. The standard variables turn it on: ``OTEL_TRACES_EXPORTER``
(``otlp``, ``console`` or ``none``) or ``OTEL_EXPORTER_OTLP_ENDPOINT`` /
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` (OTLP over HTTP/protobuf), and the
SDK reads the rest itself (``OTEL_SERVICE_NAME``, ``OTEL_RESOURCE_ATTRIBUTES``,
``OTEL_TRACES_SAMPLER``, headers, timeouts). ``OTEL_SDK_DISABLED=true`` wins.
A process that already installed a tracer provider (a test, an agent) keeps it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
)

log = logging.getLogger("prm.gateway")

tracer = trace.get_tracer("prm.gateway")

_configured = False


def exporter_from_env(env: Mapping[str, str]) -> SpanExporter | None:
    """The exporter the standard variables ask for, or None (tracing off)."""
    if env.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return None
    names = env.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if not names:
        endpoint = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or env.get(
            "OTEL_EXPORTER_OTLP_ENDPOINT"
        )
        names = "otlp" if endpoint else "none"
    name = names.split(",")[0].strip()
    if name == "none":
        return None
    if name == "console":
        return ConsoleSpanExporter()
    if name == "otlp":
        protocol = env.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or env.get(
            "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"
        )
        if protocol != "http/protobuf":
            log.warning("OTLP protocol %r not installed; using http/protobuf", protocol)
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    raise ValueError(f"OTEL_TRACES_EXPORTER={name!r}: use otlp, console or none")


def configure_tracing(env: Mapping[str, str] | None = None) -> bool:
    """Install an SDK tracer provider once per process if the environment asks for one."""
    global _configured
    if _configured:
        return True
    exporter = exporter_from_env(os.environ if env is None else env)
    if exporter is None:
        return False
    resource = Resource.create({SERVICE_NAME: os.environ.get("OTEL_SERVICE_NAME", "prm-gateway")})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _configured = True
    log.info("tracing on: %s", type(exporter).__name__)
    return True
