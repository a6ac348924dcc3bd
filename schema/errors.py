"""Domain errors → GraphQL ``extensions.code``, in one place; everything else is masked.

A resolver raises a ``graph.GatewayError`` subclass; this extension writes
its code (and structured data such as the forbidden ``group``) into the
error, from the class (the table of graph/errors.py). Errors of the GraphQL
layer itself (validation, variables) keep their message and get
``ValidationFailed``'s code. Any other exception is a bug: the client gets
"Internal server error" with the root's code and the request id, the log gets
the stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from graph import GatewayError

log = logging.getLogger("prm.schema")


class ValidationFailed(GatewayError):
    """The code of an error of the GraphQL layer itself: the operation does not fit the
    schema, or its variables do not fit the operation. Never raised: graphql-core reports
    these; HTTP 200, the status of a GraphQL answer with ``application/json``."""

    code = "GRAPHQL_VALIDATION_FAILED"
    status = 200


def coded(error: GraphQLError, request_id: str | None = None) -> GraphQLError:
    """The client-facing form of one error."""
    original = error.original_error
    if isinstance(original, GatewayError):
        # In place: a response can carry hundreds of FORBIDDEN errors, and a
        # new GraphQLError would locate each one in the query text again.
        error.extensions = original.client_extensions()
        return error
    if original is None:
        if error.extensions and "code" in error.extensions:
            return error
        return GraphQLError(
            error.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={**(error.extensions or {}), "code": ValidationFailed.code},
        )
    log.error(
        "unexpected error at %s (request %s)",
        error.path,
        request_id,
        exc_info=(type(original), original, original.__traceback__),
    )
    return GraphQLError(
        "Internal server error",
        nodes=error.nodes,
        positions=error.positions,
        path=error.path,
        extensions={"code": GatewayError.code, "requestId": request_id},
    )


class ErrorCodes(SchemaExtension):
    """Applies ``coded`` to every error of the operation's result, and of each result
    a stream sends (a subscription's events, or any operation over the WebSocket:
    ``on_operation`` ends only after those have gone out)."""

    def on_operation(self) -> Iterator[None]:
        yield
        self._code(self.execution_context.result)

    def on_stream_result(self, result: object) -> Iterator[None]:
        self._code(result)
        yield

    def _code(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if result is None or not errors:
            return
        context = self.execution_context.context
        request_id = getattr(context, "request_id", None)
        result.errors = [coded(e, request_id) for e in errors]  # type: ignore[attr-defined]
