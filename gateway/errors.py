"""The gateway's branch of the error tree, and the one builder of error bodies.

The classes here are the refusals of a request before it executes: admission
(``gateway/admission.py``), the query limits (``gateway/limits.py``),
persisted queries (``gateway/persisted.py``), the rate limit and the
WebSocket's operation limits. Like every error, each carries its ``code`` and
``status``; graph/errors.py draws the whole tree and its table.

Every error body the gateway sends is built here, from the error alone:
``formatted`` is one error as a client reads it, ``error_response`` the HTTP
answer of /graphql and /export (``{"data": null, "errors": [...],
"extensions": {"requestId"}}`` with the error's status), ``socket_error`` the
payload of a graphql-transport-ws ``error`` message. ``result_status`` is the
status of an executed /graphql result, from the same table.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from graphql import GraphQLFormattedError
from starlette.responses import JSONResponse

from graph import GatewayError

# Imported for its classes: the table below is built once the whole tree is defined.
from schema import ValidationFailed  # noqa: F401

__all__ = [
    "BadRequest",
    "BatchingNotSupported",
    "MethodNotAllowed",
    "ParseFailed",
    "PayloadTooLarge",
    "PersistedQueryHashMismatch",
    "PersistedQueryNotAllowed",
    "PersistedQueryNotFound",
    "PersistedQueryNotSupported",
    "QueryTooComplex",
    "QueryTooDeep",
    "RateLimited",
    "RouteNotFound",
    "TooManyAliases",
    "TooManyDirectives",
    "TooManyOperations",
    "TooManyRootFields",
    "TooManyTokens",
    "UnsupportedMediaType",
    "error_classes",
    "error_response",
    "formatted",
    "result_status",
    "socket_error",
]


class BadRequest(GatewayError):
    """Raised when a body or a ``subscribe`` message is not a well-formed GraphQL request."""

    code = "BAD_REQUEST"
    status = 400


class RouteNotFound(GatewayError):
    """Raised for a page the gateway does not serve (GraphiQL when off, an export format)."""

    code = "NOT_FOUND"
    status = 404


class MethodNotAllowed(GatewayError):
    """Raised for an HTTP method GraphQL does not take."""

    code = "METHOD_NOT_ALLOWED"
    status = 405


class PayloadTooLarge(GatewayError):
    """Raised when a body is longer than ``PRM_MAX_BODY_BYTES``."""

    code = "PAYLOAD_TOO_LARGE"
    status = 413

    def __init__(self, limit: int) -> None:
        super().__init__(f"The body exceeds {limit} bytes")


class UnsupportedMediaType(GatewayError):
    """Raised when a POST body is not JSON."""

    code = "UNSUPPORTED_MEDIA_TYPE"
    status = 415


class BatchingNotSupported(GatewayError):
    """Raised when a body holds a list of operations."""

    code = "BATCHING_NOT_SUPPORTED"
    status = 400


class ParseFailed(GatewayError):
    """Raised when the query is not GraphQL."""

    code = "GRAPHQL_PARSE_FAILED"
    status = 400


class TooManyTokens(GatewayError):
    """Raised when the query text has more lexical tokens than ``PRM_MAX_TOKENS``."""

    code = "TOO_MANY_TOKENS"
    status = 400


class TooManyRootFields(GatewayError):
    """Raised when an operation selects more root fields than ``PRM_MAX_ROOT_FIELDS``."""

    code = "TOO_MANY_ROOT_FIELDS"
    status = 400


class QueryTooDeep(GatewayError):
    """Raised when an operation nests deeper than ``PRM_MAX_DEPTH``."""

    code = "QUERY_TOO_DEEP"
    status = 400


class TooManyAliases(GatewayError):
    """Raised when an operation has more aliases than ``PRM_MAX_ALIASES``."""

    code = "TOO_MANY_ALIASES"
    status = 400


class TooManyDirectives(GatewayError):
    """Raised when an operation has more directives than ``PRM_MAX_DIRECTIVES``."""

    code = "TOO_MANY_DIRECTIVES"
    status = 400


class QueryTooComplex(GatewayError):
    """Raised when an operation's cost (gateway/limits.py) is over ``PRM_MAX_COST``."""

    code = "QUERY_TOO_COMPLEX"
    status = 400


class PersistedQueryNotFound(GatewayError):
    """Raised for an APQ hash this worker has not learnt: the client sends the text once.
    HTTP 200, as Apollo's clients expect."""

    code = "PERSISTED_QUERY_NOT_FOUND"
    status = 200

    def __init__(self) -> None:
        super().__init__("PersistedQueryNotFound")


class PersistedQueryNotSupported(GatewayError):
    """Raised for an APQ hash when APQ is off (HTTP 200, as Apollo's clients expect)."""

    code = "PERSISTED_QUERY_NOT_SUPPORTED"
    status = 200

    def __init__(self) -> None:
        super().__init__("PersistedQueryNotSupported")


class PersistedQueryHashMismatch(GatewayError):
    """Raised when a query's SHA-256 is not the hash it came with."""

    code = "PERSISTED_QUERY_HASH_MISMATCH"
    status = 400

    def __init__(self) -> None:
        super().__init__("provided sha does not match query")


class PersistedQueryNotAllowed(GatewayError):
    """Raised for an operation that is not on the allow-list (``PRM_PERSISTED_QUERIES_FILE``)."""

    code = "PERSISTED_QUERY_NOT_ALLOWED"
    status = 400

    def __init__(self) -> None:
        super().__init__("Only registered operations run on this gateway")


class RateLimited(GatewayError):
    """Raised when the user's token bucket cannot pay for the request (gateway/rate_limit.py)."""

    code = "RATE_LIMITED"
    status = 429

    def __init__(self, retry_after: float, message: str = "Too many requests; slow down") -> None:
        super().__init__(message)
        self.retry_after = max(1, math.ceil(retry_after))


class TooManyOperations(GatewayError):
    """Raised for a ``subscribe`` message beyond the operations a socket or a user may run
    at once (gateway/subscriptions.py); the socket stays open."""

    code = "TOO_MANY_OPERATIONS"
    status = 429


def error_classes() -> list[type[GatewayError]]:
    """Every class of the tree, the root first (graph's, schema's and this module's)."""
    found: list[type[GatewayError]] = []
    pending: list[type[GatewayError]] = [GatewayError]
    while pending:
        cls = pending.pop(0)
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def _by_code() -> dict[str, type[GatewayError]]:
    """The table by code; two classes may share a code only if they answer alike."""
    by_code: dict[str, type[GatewayError]] = {}
    for cls in error_classes():
        seen = by_code.setdefault(cls.code, cls)
        if (seen.status, seen.fails_request) != (cls.status, cls.fails_request):
            raise TypeError(
                f"{cls.__name__} and {seen.__name__} share {cls.code} but not its status"
            )
    return by_code


_BY_CODE = _by_code()


def formatted(error: GatewayError) -> GraphQLFormattedError:
    """One error as a client reads it, in an HTTP body or a socket's ``error`` message."""
    return {"message": error.message, "extensions": error.client_extensions()}


def error_response(error: GatewayError, request_id: str) -> JSONResponse:
    """The HTTP answer of a request that ``error`` ends, on /graphql and /export alike."""
    body = {
        "data": None,
        "errors": [formatted(error)],
        "extensions": {"requestId": request_id},
    }
    headers = {"x-request-id": request_id}
    if error.retry_after is not None:
        headers["retry-after"] = str(error.retry_after)
    return JSONResponse(body, status_code=error.status, headers=headers)


def socket_error(error: GatewayError) -> GraphQLFormattedError:
    """``error`` in a graphql-transport-ws ``error`` message: what HTTP says in its
    Retry-After header travels as ``extensions.retryAfter`` (a socket has no headers)."""
    payload = formatted(error)
    if error.retry_after is not None:
        payload["extensions"] = {**payload.get("extensions", {}), "retryAfter": error.retry_after}
    return payload


def result_status(errors: Iterable[Mapping[str, Any]]) -> int | None:
    """The HTTP status of an executed /graphql result with these errors: that of the first
    error that fails the whole request (``fails_request``), else None (200)."""
    for error in errors:
        extensions = error.get("extensions")
        code = extensions.get("code") if isinstance(extensions, Mapping) else None
        cls = _BY_CODE.get(code) if isinstance(code, str) else None
        if cls is not None and cls.fails_request:
            return cls.status
    return None
