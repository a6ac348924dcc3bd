"""The one error hierarchy of the gateway; ``schema`` maps each class to a GraphQL code.

    GatewayError                      (never raised itself)
    ├── BadUserInput                  BAD_USER_INPUT: malformed id, cursor, argument
    ├── Unauthenticated               UNAUTHENTICATED: no, bad or unknown token (HTTP 401)
    ├── Forbidden                     FORBIDDEN: a visible row's field outside the viewer's groups
    ├── ServiceUnavailable            SERVICE_UNAVAILABLE: Neo4j unreachable or failing (HTTP 503)
    └── QueryTimeout                  QUERY_TIMEOUT: a statement outran its time budget (HTTP 504)

Driver exceptions are translated into these inside ``graph`` (see ``driver.py``);
anything that is not a ``GatewayError`` reaching the client is masked.
"""

from __future__ import annotations


class GatewayError(Exception):
    """Base of every error the client may see; ``code`` is its GraphQL extensions code."""

    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **extensions: object) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = extensions


class BadUserInput(GatewayError):
    """Raised when an argument is malformed: a global id, a cursor, a limit out of range."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        if argument is None:
            super().__init__(message)
        else:
            super().__init__(message, argument=argument)


class Unauthenticated(GatewayError):
    """Raised when a request has no valid bearer token or its user does not exist."""

    code = "UNAUTHENTICATED"


class Forbidden(GatewayError):
    """Raised when a field of a visible row lies outside the viewer's groups for that row."""

    code = "FORBIDDEN"

    def __init__(self, group: str) -> None:
        super().__init__(f"Not authorized to read fields of group {group}", group=group)
        self.group = group


class ServiceUnavailable(GatewayError):
    """Raised when the database cannot be reached or answers with a transient failure."""

    code = "SERVICE_UNAVAILABLE"

    def __init__(self, message: str = "The graph database is unavailable; retry shortly") -> None:
        super().__init__(message)


class QueryTimeout(GatewayError):
    """Raised when Neo4j terminated a statement at its transaction timeout."""

    code = "QUERY_TIMEOUT"

    def __init__(self) -> None:
        super().__init__("The query took too long and was cancelled; ask for less")
