"""The one error hierarchy of the gateway, and the table of its codes and HTTP statuses.

Each class carries the ``code`` a client reads in ``extensions.code`` and the
HTTP ``status`` of a response that answers with that error alone (a request
refused before execution, on /graphql or /export; a WebSocket has no status
and sends the same error in its ``error`` message). A ``*`` marks the errors
that fail a request wherever they occur (``fails_request``): a /graphql result
carrying one, even beside data, answers with its status. Any other error in an
executed result is part of a GraphQL answer, HTTP 200.

The tree, with its table (tests/unit/test_error_table.py checks it against the
classes; a new error is a class here, in ``schema/errors.py`` or in
``gateway/errors.py``, and a row here):

    class                          code                          status raised when
    GatewayError                   INTERNAL_SERVER_ERROR         500    never raised; a masked bug
    ├── BadUserInput               BAD_USER_INPUT                400    a malformed id, cursor...
    ├── Unauthenticated            UNAUTHENTICATED               401 *  no, bad or unknown token
    ├── Forbidden                  FORBIDDEN                     403    a field outside the groups
    ├── ActionForbidden            FORBIDDEN                     403    the role may not do this
    ├── NotFound                   NOT_FOUND                     404    no such visible object
    ├── InvalidTransition          INVALID_TRANSITION            409    not from the current state
    ├── Conflict                   CONFLICT                      409    would duplicate a unique
    ├── BudgetExceeded             BUDGET_EXCEEDED               409    more than the budget left
    ├── ServiceUnavailable         SERVICE_UNAVAILABLE           503 *  Neo4j away or failing
    ├── QueryTimeout               QUERY_TIMEOUT                 504 *  a statement ran too long
    │   schema/errors.py: the GraphQL layer's own errors
    ├── ValidationFailed           GRAPHQL_VALIDATION_FAILED     200    does not fit the schema
    │   gateway/errors.py: requests refused before execution
    ├── BadRequest                 BAD_REQUEST                   400    a body of the wrong shape
    ├── RouteNotFound              NOT_FOUND                     404    no such page
    ├── MethodNotAllowed           METHOD_NOT_ALLOWED            405    not GET or POST
    ├── PayloadTooLarge            PAYLOAD_TOO_LARGE             413    over PRM_MAX_BODY_BYTES
    ├── UnsupportedMediaType       UNSUPPORTED_MEDIA_TYPE        415    a POST that is not JSON
    ├── BatchingNotSupported       BATCHING_NOT_SUPPORTED        400    a list of operations
    ├── ParseFailed                GRAPHQL_PARSE_FAILED          400    not GraphQL
    ├── TooManyTokens              TOO_MANY_TOKENS               400    the query limits
    ├── TooManyRootFields          TOO_MANY_ROOT_FIELDS          400
    ├── QueryTooDeep               QUERY_TOO_DEEP                400
    ├── TooManyAliases             TOO_MANY_ALIASES              400
    ├── TooManyDirectives          TOO_MANY_DIRECTIVES           400
    ├── QueryTooComplex            QUERY_TOO_COMPLEX             400
    ├── PersistedQueryNotFound     PERSISTED_QUERY_NOT_FOUND     200    APQ: send the text
    ├── PersistedQueryNotSupported PERSISTED_QUERY_NOT_SUPPORTED 200    APQ is off
    ├── PersistedQueryHashMismatch PERSISTED_QUERY_HASH_MISMATCH 400    not the hash's text
    ├── PersistedQueryNotAllowed   PERSISTED_QUERY_NOT_ALLOWED   400    not on the allow-list
    ├── RateLimited                RATE_LIMITED                  429    the bucket is empty
    └── TooManyOperations          TOO_MANY_OPERATIONS           429    too many running at once

Driver exceptions are translated into these inside ``graph`` (see ``driver.py``);
``schema/errors.py`` writes the code of each into the GraphQL result and masks
anything else; ``gateway/errors.py`` builds every error body the gateway sends.
"""

from __future__ import annotations

from typing import ClassVar


class GatewayError(Exception):
    """Base of every error the client may see; its code is also that of a masked bug."""

    #: ``extensions.code``.
    code: ClassVar[str] = "INTERNAL_SERVER_ERROR"
    #: The HTTP status of a response that answers with this error alone.
    status: ClassVar[int] = 500
    #: True: the error fails the whole request wherever it occurs, so a /graphql result
    #: that carries it (even beside data) answers with ``status``, not 200.
    fails_request: ClassVar[bool] = False

    def __init__(self, message: str, **extensions: object) -> None:
        super().__init__(message)
        self.message = message
        #: Structured data beside the code (``group``, ``argument``...).
        self.extensions = extensions
        #: Seconds after which the same request may succeed: the Retry-After header
        #: over HTTP, ``extensions.retryAfter`` over a WebSocket (it has no headers).
        self.retry_after: int | None = None

    def client_extensions(self) -> dict[str, object]:
        """``extensions`` as the client reads them: the code, then the structured data."""
        return {"code": self.code, **self.extensions}


class BadUserInput(GatewayError):
    """Raised when an argument is malformed: a global id, a cursor, a limit out of range."""

    code = "BAD_USER_INPUT"
    status = 400

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        if argument is None:
            super().__init__(message)
        else:
            super().__init__(message, argument=argument)


class Unauthenticated(GatewayError):
    """Raised when a request has no valid bearer token or its user does not exist."""

    code = "UNAUTHENTICATED"
    status = 401
    fails_request = True


class Forbidden(GatewayError):
    """Raised when a field of a visible row lies outside the viewer's groups for that row."""

    code = "FORBIDDEN"
    status = 403

    def __init__(self, group: str) -> None:
        super().__init__(f"Not authorized to read fields of group {group}", group=group)
        self.group = group


class ActionForbidden(GatewayError):
    """Raised when a mutation's actor lacks the role or party it needs (authorization.md)."""

    code = "FORBIDDEN"
    status = 403

    def __init__(self, message: str) -> None:
        super().__init__(message)


class NotFound(GatewayError):
    """Raised when a mutation names an object the viewer cannot see.

    The message is the same whether the object is missing or invisible, so an
    error never confirms that something exists.
    """

    code = "NOT_FOUND"
    status = 404

    def __init__(self, type_name: str, *, argument: str) -> None:
        super().__init__(f"No {type_name} with that id is visible to you", argument=argument)


class InvalidTransition(GatewayError):
    """Raised when an object's state does not allow the requested change."""

    code = "INVALID_TRANSITION"
    status = 409

    def __init__(self, message: str, *, current: str, requested: str) -> None:
        super().__init__(message, current=current, requested=requested)


class Conflict(GatewayError):
    """Raised when a write would duplicate what must exist once (e.g. a live partnership)."""

    code = "CONFLICT"
    status = 409


class BudgetExceeded(GatewayError):
    """Raised when an approval would spend more than the budget has left."""

    code = "BUDGET_EXCEEDED"
    status = 409

    def __init__(self, message: str, *, remaining: float) -> None:
        super().__init__(message, remaining=remaining)


class ServiceUnavailable(GatewayError):
    """Raised when the database cannot be reached or answers with a transient failure."""

    code = "SERVICE_UNAVAILABLE"
    status = 503
    fails_request = True

    def __init__(self, message: str = "The graph database is unavailable; retry shortly") -> None:
        super().__init__(message)


class QueryTimeout(GatewayError):
    """Raised when Neo4j terminated a statement at its transaction timeout."""

    code = "QUERY_TIMEOUT"
    status = 504
    fails_request = True

    def __init__(self) -> None:
        super().__init__("The query took too long and was cancelled; ask for less")
