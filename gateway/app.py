"""The ASGI application: routes, lifespan (driver, migrations, policy check), logging."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from importlib.resources import files
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from gateway.auth import TokenVerifier
from gateway.export import export_endpoint
from gateway.graphql_view import GraphQLEndpoint
from gateway.logs import configure_logging
from gateway.metrics import Metrics
from gateway.no_store import NoStore
from gateway.persisted import PersistedQueries
from gateway.rate_limit import RateLimiter
from gateway.settings import Settings
from gateway.state import AppState
from gateway.sweeper import (
    start_audit_sweeper,
    start_deal_sweeper,
    start_read_sweeper,
    stop_sweeper,
)
from gateway.tracing import configure_tracing
from graph import CursorCodec, Database, ReadRecorder, ServiceUnavailable, migrate
from graph.feed import AuditFeed
from policy import default_pricing, default_scorecard, load_policy
from schema import build_schema, customer_graphql_fields

log = logging.getLogger("prm.gateway")


class PackageDataError(RuntimeError):
    """A file the gateway ships with is missing: the package was installed incompletely."""


def explore_page() -> Path:
    """The analysts' network explorer (gateway/explore): static files calling /graphql only.

    Package data, found through importlib.resources. StaticFiles serves a directory, and pip
    installs a wheel unpacked (an editable install points at the checkout), so the resource
    is a directory on disk; a zipped import of the gateway is not supported and says so.
    """
    page = files("gateway").joinpath("explore")
    if not isinstance(page, Path) or not page.joinpath("index.html").is_file():
        raise PackageDataError(f"the /explore page is missing from the installed gateway: {page}")
    return page


def build_state(settings: Settings) -> AppState:
    """Everything that can be checked without the database; a bad policy stops here."""
    policy = load_policy(settings.policy_file)
    schema = build_schema(introspection=settings.introspection, federation=settings.federation)
    policy.check_customer_fields(customer_graphql_fields(schema))
    default_scorecard()  # a bad scorecard defaults file stops the start too
    default_pricing()  # and so does a bad policy/defaults/pricing.toml
    explore_page()  # and an install without the /explore page
    persisted = PersistedQueries.from_settings(settings)  # and a bad allow-list file
    db = Database(settings.db)
    metrics = Metrics(token=settings.metrics_token)
    return AppState(
        settings=settings,
        db=db,
        policy=policy,
        schema=schema,
        verifier=TokenVerifier(settings),
        codec=CursorCodec(settings.cursor_secret.encode()),
        # The settings' limits, with the schema whose list caps price the cost.
        limits=replace(settings.limits, schema=schema._schema),
        rate_limiter=RateLimiter(settings.rate.per_second, settings.rate.burst),
        feed=AuditFeed(db, overlap=settings.db.query_timeout + 5),
        metrics=metrics,
        recorder=ReadRecorder(
            db,
            max_pending=settings.access_log.max_pending,
            on_lost=metrics.observe_reads_lost,
            on_written=metrics.observe_reads_recorded,
        ),
        persisted=persisted,
    )


def cors_middleware(settings: Settings) -> list[Middleware]:
    """Browsers on the configured origins may call the API; others get no CORS headers
    (and a 400 on preflight). Tokens travel in a header, never in cookies."""
    if not settings.cors_origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type", "x-request-id", "traceparent"],
            expose_headers=[
                "x-request-id",
                "retry-after",
                "x-export-rows",
                "x-export-page-size",
                "x-export-cost",
            ],
            allow_credentials=False,
            max_age=600,
        )
    ]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
    configure_tracing()
    state = build_state(settings)
    migrated = False

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        nonlocal migrated
        try:
            await migrate(state.db)
            migrated = True
        except ServiceUnavailable:
            # Serve anyway: /readyz says false, requests get 503, and the
            # migration runs again on the first readiness check that succeeds.
            log.warning("Neo4j unreachable at start-up; migrations deferred")
        sweeper = start_deal_sweeper(state.db, state.settings.deal_sweep_seconds)
        read_sweeper = start_read_sweeper(state.db, state.settings.access_log)
        audit = state.settings.audit
        retention = start_audit_sweeper(state.db, audit.sweep_seconds, audit.retention_days)
        yield
        await stop_sweeper(retention)
        await stop_sweeper(sweeper)
        await stop_sweeper(read_sweeper)
        await state.recorder.close()
        await state.feed.close()
        await state.db.close()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        nonlocal migrated
        ready = await state.db.ping()
        if ready and not migrated:
            try:
                await migrate(state.db)
                migrated = True
            except ServiceUnavailable:
                ready = False
        body = {"ready": ready and migrated, "neo4j": ready, "migrations": migrated}
        return JSONResponse(body, status_code=200 if body["ready"] else 503)

    async def root(request: Request) -> Response:
        return RedirectResponse("/graphql")

    graphql = GraphQLEndpoint(state)
    app = Starlette(
        routes=[
            Route("/", root),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Mount("/explore", StaticFiles(directory=explore_page(), html=True), name="explore"),
            Route("/export/customers.{format}", export_endpoint),
            *([Route("/metrics", state.metrics.endpoint)] if settings.metrics else []),
        ],
        middleware=[*cors_middleware(settings), Middleware(NoStore)],
        lifespan=lifespan,
    )
    app.state.prm = state
    return app
