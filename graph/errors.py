"""The one error hierarchy of the gateway; ``schema`` maps each class to a GraphQL code.

    GatewayError                      (never raised itself)
    ├── BadUserInput                  BAD_USER_INPUT: malformed id, cursor, argument
    ├── Unauthenticated               UNAUTHENTICATED: no, bad or unknown token (HTTP 401)
    ├── Forbidden                     FORBIDDEN: a visible row's field outside the viewer's groups
    ├── ActionForbidden               FORBIDDEN: the viewer's role or party may not do this
    ├── NotFound                      NOT_FOUND: no such object visible to the viewer
    ├── InvalidTransition             INVALID_TRANSITION: not allowed from the object's state
    ├── Conflict                      CONFLICT: would duplicate something that must be unique
    ├── BudgetExceeded                BUDGET_EXCEEDED: more than what is left of a budget
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


class ActionForbidden(GatewayError):
    """Raised when a mutation's actor lacks the role or party it needs (authorization.md)."""

    code = "FORBIDDEN"

    def __init__(self, message: str) -> None:
        super().__init__(message)


class NotFound(GatewayError):
    """Raised when a mutation names an object the viewer cannot see.

    The message is the same whether the object is missing or invisible, so an
    error never confirms that something exists.
    """

    code = "NOT_FOUND"

    def __init__(self, type_name: str, *, argument: str) -> None:
        super().__init__(f"No {type_name} with that id is visible to you", argument=argument)


class InvalidTransition(GatewayError):
    """Raised when an object's state does not allow the requested change."""

    code = "INVALID_TRANSITION"

    def __init__(self, message: str, *, current: str, requested: str) -> None:
        super().__init__(message, current=current, requested=requested)


class Conflict(GatewayError):
    """Raised when a write would duplicate what must exist once (e.g. a live partnership)."""

    code = "CONFLICT"


class BudgetExceeded(GatewayError):
    """Raised when an approval would spend more than the budget has left."""

    code = "BUDGET_EXCEEDED"

    def __init__(self, message: str, *, remaining: float) -> None:
        super().__init__(message, remaining=remaining)


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
