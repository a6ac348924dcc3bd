"""The /graphql endpoint: admit, authenticate, build the request context, execute.

Authentication (gateway/authenticate.py) happens here, before Strawberry sees
the request, so an unauthenticated request never reaches a resolver: it gets
HTTP 401 with a GraphQL error ``UNAUTHENTICATED``. Every refusal is an error of
the tree answered by ``gateway.errors.error_response``; an executed result
takes the status of an error that fails the whole request (a database that is
down: 503 ``SERVICE_UNAVAILABLE``, whether it fails the viewer load or a
resolver), else 200.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Mapping
from typing import Any

from cross_web import HTTPException
from graphql import DocumentNode, OperationDefinitionNode
from opentelemetry import propagate, trace
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.http.base import BaseRequestProtocol
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from gateway.admission import admit
from gateway.auth import bearer_token
from gateway.authenticate import authenticate
from gateway.errors import BadRequest, RouteNotFound, error_response, result_status
from gateway.logs import request_id_var
from gateway.metrics import outcome_of
from gateway.state import AppState
from gateway.subscriptions import MAX_OPERATIONS_PER_SOCKET, AdmittedTransportWS, SocketRegistry
from gateway.tracing import tracer
from graph import GatewayError, GraphReader, QueryStats, ReadLog, Viewer
from graph.commands import GraphCommands
from schema import Context

log = logging.getLogger("prm.gateway")


class GraphQLEndpoint(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = AdmittedTransportWS

    def __init__(self, state: AppState) -> None:
        super().__init__(
            state.schema,
            graphql_ide="graphiql" if state.settings.graphiql else None,
            allow_queries_via_get=True,
            multipart_uploads_enabled=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            # Each subscription holds a feed listener; a client needs a handful, not
            # hundreds (an __init__ argument: strawberry's default would win over a
            # class attribute).
            max_subscriptions_per_connection=MAX_OPERATIONS_PER_SOCKET,
        )
        self.state = state
        #: This worker's sockets by user, for the per-user limits.
        self.sockets = SocketRegistry(
            state.settings.ws.max_sockets_per_user, state.settings.ws.max_operations_per_user
        )

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # A GET that carries only a persisted query's hash is an operation, not a browser.
        return "extensions" not in request.query_params and super().should_render_graphql_ide(
            request
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            # graphql-transport-ws: authenticated at connection_init, authorized again
            # for each operation and event (gateway/subscriptions.py).
            await self.run(WebSocket(scope, receive=receive, send=send))
            return
        request = Request(scope, receive)
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        request.state.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            with tracer.start_as_current_span(
                "graphql",
                context=propagate.extract(request.headers),
                kind=trace.SpanKind.SERVER,
                attributes={"prm.request_id": request_id},
            ) as span:
                response = await self._handle(request, request_id)
                self._observe(request, response, span, time.perf_counter() - started)
        finally:
            request_id_var.reset(token)
        response.headers.setdefault("x-request-id", request_id)
        await response(scope, receive, send)

    def _observe(
        self, request: Request, response: Response, span: trace.Span, seconds: float
    ) -> None:
        """Metrics, span attributes and one log line for a finished request."""
        if response.media_type == "text/html":
            return  # GraphiQL's page, not an operation
        kind, name = getattr(request.state, "operation", (None, None))
        codes: list[str] | None = getattr(request.state, "codes", None)
        has_data = bool(getattr(request.state, "has_data", False))
        if codes is None:  # refused before execution: a small error body
            codes = _codes_of(response)
        outcome = outcome_of(response.status_code, has_data, codes)
        stats: QueryStats | None = getattr(request.state, "stats", None)
        round_trips = stats.round_trips if stats else 0
        db_seconds = stats.db_seconds if stats else 0.0
        metrics = self.state.metrics
        operation = metrics.operation_label(name)
        metrics.observe_request(
            operation=operation,
            outcome=outcome,
            seconds=seconds,
            round_trips=round_trips,
            db_seconds=db_seconds,
            codes=codes,
        )
        if kind:
            span.update_name(f"{kind} {name}" if name else kind)
            span.set_attribute("graphql.operation.type", kind)
        if name:
            span.set_attribute("graphql.operation.name", name)
        span.set_attribute("http.response.status_code", response.status_code)
        span.set_attribute("prm.outcome", outcome)
        span.set_attribute("prm.cypher.round_trips", round_trips)
        if outcome == "error":
            span.set_status(trace.StatusCode.ERROR, ",".join(sorted(set(codes))) or None)
        log.info(
            "graphql %s",
            operation,
            extra={
                "operation": operation,
                "outcome": outcome,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 3),
                "cypher_round_trips": round_trips,
                "error_codes": sorted(set(codes)) or None,
            },
        )

    async def _handle(self, request: Request, request_id: str) -> Response:
        if self.should_render_graphql_ide(self.request_adapter_class(request)):
            if self.graphql_ide:
                return await self.render_graphql_ide(request)
            return error_response(RouteNotFound("GraphiQL is disabled"), request_id)
        state = self.state
        stats = QueryStats(on_batch=state.metrics.observe_batch)
        request.state.stats = stats
        try:
            admitted = await admit(
                request, state.limits, state.settings.max_body_bytes, state.persisted
            )
            request.state.operation = operation_of(admitted.document, admitted.operation_name)
            if request.state.operation[0] == "subscription":
                # An HTTP response cannot carry events; the socket authorizes each one.
                raise BadRequest(
                    "Subscriptions run over the WebSocket (graphql-transport-ws on /graphql)"
                )
            request.state.viewer = await authenticate(state, bearer_token(request), stats)
            response = await self.run(request)
            context: Context | None = getattr(request.state, "context", None)
            if context is not None:
                # Off the request path: the recorder writes in the background.
                state.recorder.record(context.reads)
            return response
        except GatewayError as exc:
            return error_response(exc, request_id)
        except HTTPException as exc:
            # Strawberry's own refusals of a request admission let through (all 400s:
            # admission answers the methods, media types and pages it would refuse).
            return error_response(BadRequest(exc.reason), request_id)

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        if isinstance(request, WebSocket):
            # The socket's own context holds no viewer: each operation on the socket
            # gets a context of its own (AdmittedTransportWS.fresh_context).
            return Context.pending(request_id=uuid.uuid4().hex, request=request, response=response)
        state = request.state
        context = self.context_for(request, state.viewer, state.stats, response, state.request_id)
        state.context = context  # its reads go to the access log when the request ends
        return context

    def context_for(
        self,
        request: Request | WebSocket,
        viewer: Viewer,
        stats: QueryStats,
        response: Any,
        request_id: str,
    ) -> Context:
        """One request's context: a reader (with its loaders) and commands for ``viewer``."""
        s = self.state
        reader = GraphReader(
            s.db,
            viewer,
            s.policy,
            s.codec,
            stats,
            default_first=s.settings.limits.default_first,
            max_first=s.settings.limits.max_first,
            max_network_depth=s.settings.max_network_depth,
            min_bucket=s.settings.min_bucket,
        )
        return Context(
            viewer=viewer,
            reader=reader,
            policy=s.policy,
            request_id=request_id,
            commands=GraphCommands(
                s.db,
                viewer,
                s.policy,
                stats,
                deal_protection_days=s.settings.deal_protection_days,
                consent_proposal_days=s.settings.consent_proposal_days,
                erasure_key=s.settings.erasure.key,
            ),
            reads=ReadLog(viewer),
            feed=s.feed,
            request=request,
            response=response,
        )

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        data = await super().process_result(request, result)
        request.state.has_data = data.get("data") is not None
        request.state.codes = [_code(e) for e in data.get("errors") or ()]
        extensions: dict[str, Any] = dict(data.get("extensions") or {})
        extensions["requestId"] = request.state.request_id
        if self.state.settings.expose_stats:
            stats: QueryStats = request.state.stats
            extensions["stats"] = {
                "cypherRoundTrips": stats.round_trips,
                "dbMilliseconds": round(stats.db_seconds * 1000, 3),
            }
        data["extensions"] = extensions
        return data

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        status = _status_for(response_data)
        if status is not None:
            response.status_code = status
        return response

    def encode_json(self, data: object) -> str:
        return json.dumps(data, separators=(",", ":"))


def operation_of(document: DocumentNode, name: str | None) -> tuple[str | None, str | None]:
    """(type, name) of the operation a request runs: the named one, or the only one."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    for op in operations:
        op_name = op.name.value if op.name else None
        if (name is not None and op_name == name) or (name is None and len(operations) == 1):
            return op.operation.value, op_name
    return None, name


def _code(error: object) -> str:
    extensions = error.get("extensions") if isinstance(error, Mapping) else None
    code = extensions.get("code") if isinstance(extensions, Mapping) else None
    return str(code) if code else "UNKNOWN"


def _codes_of(response: Response) -> list[str]:
    try:
        body = json.loads(bytes(response.body))
    except (ValueError, AttributeError):
        return []
    errors = body.get("errors") if isinstance(body, dict) else None
    return [_code(e) for e in errors or ()]


def _status_for(data: GraphQLHTTPResponse | list[GraphQLHTTPResponse]) -> int | None:
    results = data if isinstance(data, list) else [data]
    for result in results:
        status = result_status(e for e in result.get("errors") or () if isinstance(e, Mapping))
        if status is not None:
            return status
    return None
