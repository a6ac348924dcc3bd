"""What a GraphQL request must satisfy before authentication or any database work.

In order: method, body size, content type, JSON shape (one operation, no
batch), then the persisted-query lookup of ``gateway.persisted`` (a hash
becomes its query), then parsing within token and length bounds, then the
query limits of ``gateway.limits``. Each refusal raises its class of the error tree
(gateway/errors.py), which carries its HTTP status and GraphQL code; the endpoint
turns it into a response with ``gateway.errors.error_response``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from graphql import DocumentNode, GraphQLSyntaxError, parse
from starlette.datastructures import QueryParams
from starlette.requests import Request

from gateway.errors import (
    BadRequest,
    BatchingNotSupported,
    MethodNotAllowed,
    ParseFailed,
    PayloadTooLarge,
    TooManyTokens,
    UnsupportedMediaType,
)
from gateway.limits import Limits, check_limits

if TYPE_CHECKING:
    from gateway.persisted import PersistedQueries


@dataclass(frozen=True)
class Admitted:
    query: str
    variables: Mapping[str, Any] | None
    operation_name: str | None
    document: DocumentNode


_JSON_TYPES = ("application/json", "application/graphql-response+json")


async def admit(
    request: Request,
    limits: Limits,
    max_body_bytes: int,
    persisted: PersistedQueries | None = None,
) -> Admitted:
    if request.method == "GET":
        params = request.query_params
        raw_variables = params.get("variables")
        variables: object = None
        if raw_variables:
            variables = _json(raw_variables.encode())
        raw_extensions = params.get("extensions")
        payload: object = {
            "query": params.get("query"),
            "variables": variables,
            "operationName": params.get("operationName"),
            "extensions": _json(raw_extensions.encode()) if raw_extensions else None,
        }
    elif request.method == "POST":
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type not in _JSON_TYPES:
            raise UnsupportedMediaType("Send the operation as application/json")
        payload = _json(await _body(request, max_body_bytes))
    else:
        raise MethodNotAllowed("GraphQL takes GET and POST")
    if isinstance(payload, list):
        raise BatchingNotSupported("Send one operation per request")
    admitted = admit_operation(payload, limits, max_body_bytes, persisted)
    if isinstance(payload, dict) and payload.get("query") != admitted.query:
        # A persisted query: Strawberry reads the request again, so it must find the text.
        if request.method == "GET":
            request._query_params = QueryParams({**request.query_params, "query": admitted.query})
        else:
            request._body = json.dumps({**payload, "query": admitted.query}).encode()
    return admitted


def admit_operation(
    payload: object,
    limits: Limits,
    max_length: int,
    persisted: PersistedQueries | None = None,
) -> Admitted:
    """One operation's payload (an HTTP body, or a WebSocket ``subscribe`` message)."""
    if not isinstance(payload, dict):
        raise BadRequest("The body must be a JSON object")
    lookup = persisted.lookup(payload) if persisted is not None else None
    query = lookup.query if lookup is not None else payload.get("query")
    variables = payload.get("variables")
    operation_name = payload.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise BadRequest("'query' must be a non-empty string")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest("'variables' must be an object")
    if operation_name is not None and not isinstance(operation_name, str):
        raise BadRequest("'operationName' must be a string")
    document = _parse(query, limits.max_tokens, max_length)
    exceeded = check_limits(document, operation_name, variables, limits)
    if exceeded is not None:
        raise exceeded
    if persisted is not None and lookup is not None:
        persisted.remember(lookup)
    return Admitted(query, variables, operation_name, document)


async def _body(request: Request, max_body_bytes: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            too_large = int(declared) > max_body_bytes
        except ValueError as exc:
            raise BadRequest("Invalid Content-Length") from exc
        if too_large:
            raise PayloadTooLarge(max_body_bytes)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_body_bytes:
            raise PayloadTooLarge(max_body_bytes)
    # Strawberry reads the body again from the request later.
    request._body = bytes(body)
    return bytes(body)


def _json(raw: bytes) -> object:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("Malformed JSON") from exc


@lru_cache(maxsize=512)
def _parse(query: str, max_tokens: int, max_length: int) -> DocumentNode:
    try:
        return parse(query, max_lexical_tokens=max_tokens, max_source_length=max_length)
    except GraphQLSyntaxError as exc:
        if "tokens" in exc.message:
            raise TooManyTokens(exc.message) from exc
        raise ParseFailed(exc.message) from exc
