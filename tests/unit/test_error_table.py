"""The one table of errors: drawn in graph/errors.py, carried by the classes, and the only
source of every status and body the gateway answers an error with."""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable

import pytest

from gateway.errors import (
    PayloadTooLarge,
    PersistedQueryHashMismatch,
    PersistedQueryNotAllowed,
    PersistedQueryNotFound,
    PersistedQueryNotSupported,
    RateLimited,
    error_classes,
    error_response,
    formatted,
    result_status,
    socket_error,
)
from graph import (
    BadUserInput,
    BudgetExceeded,
    Forbidden,
    GatewayError,
    InvalidTransition,
    NotFound,
    QueryTimeout,
    ServiceUnavailable,
)

#: A row of the drawing: the tree's branch, the class, its code, its status, ``*``.
ROW = re.compile(r"^ {4}((?:[├└]── |│   | {4})*)(\w+) +([A-Z_]+) +(\d{3})( \*)?")

#: How to build an error whose constructor takes more (or less) than a message.
BUILD: dict[type[GatewayError], Callable[[], GatewayError]] = {
    BadUserInput: lambda: BadUserInput("Malformed id", argument="id"),
    Forbidden: lambda: Forbidden("FINANCIAL"),
    NotFound: lambda: NotFound("Customer", argument="id"),
    InvalidTransition: lambda: InvalidTransition("No", current="OPEN", requested="WON"),
    BudgetExceeded: lambda: BudgetExceeded("Over budget", remaining=12.5),
    ServiceUnavailable: ServiceUnavailable,
    QueryTimeout: QueryTimeout,
    PayloadTooLarge: lambda: PayloadTooLarge(100),
    PersistedQueryNotFound: PersistedQueryNotFound,
    PersistedQueryNotSupported: PersistedQueryNotSupported,
    PersistedQueryHashMismatch: PersistedQueryHashMismatch,
    PersistedQueryNotAllowed: PersistedQueryNotAllowed,
    RateLimited: lambda: RateLimited(2.2),
}


def an(cls: type[GatewayError]) -> GatewayError:
    build = BUILD.get(cls)
    return build() if build is not None else cls("Refused for a reason")


def drawn() -> dict[str, tuple[str, str, int, bool]]:
    """Each class of the drawing: its parent's name (the root's is its own), code, status
    and whether it fails the whole request."""
    rows: dict[str, tuple[str, str, int, bool]] = {}
    parents: list[str] = []
    # The module that defines the root draws the tree.
    for line in (inspect.getmodule(GatewayError).__doc__ or "").splitlines():
        match = ROW.match(line)
        if match is None:
            continue
        branch, name, code, status, star = match.groups()
        depth = len(branch) // 4
        del parents[depth:]
        rows[name] = (parents[-1] if parents else name, code, int(status), star is not None)
        parents.append(name)
    return rows


def test_the_drawn_tree_and_table_are_the_classes() -> None:
    classes = {
        cls.__name__: (
            cls.__bases__[0].__name__ if cls is not GatewayError else cls.__name__,
            cls.code,
            cls.status,
            cls.fails_request,
        )
        for cls in error_classes()
    }
    assert drawn() == classes


def test_a_code_has_one_status() -> None:
    statuses: dict[str, set[tuple[int, bool]]] = {}
    for cls in error_classes():
        statuses.setdefault(cls.code, set()).add((cls.status, cls.fails_request))
    assert {code: s for code, s in statuses.items() if len(s) > 1} == {}


@pytest.mark.parametrize("cls", error_classes(), ids=lambda cls: cls.__name__)
def test_an_error_answers_with_its_status_and_the_same_error_over_http_and_a_socket(
    cls: type[GatewayError],
) -> None:
    error = an(cls)
    response = error_response(error, "req-1")
    assert response.status_code == cls.status
    assert response.headers["x-request-id"] == "req-1"
    assert json.loads(bytes(response.body)) == {
        "data": None,
        "errors": [formatted(error)],
        "extensions": {"requestId": "req-1"},
    }
    assert formatted(error)["extensions"] == {"code": cls.code, **error.extensions}
    over_socket = socket_error(error)
    if error.retry_after is None:
        assert "retry-after" not in response.headers
        assert over_socket == formatted(error)
    else:
        # No headers on a socket: what Retry-After says travels in the extensions.
        assert response.headers["retry-after"] == str(error.retry_after)
        extensions = {**formatted(error)["extensions"], "retryAfter": error.retry_after}
        assert over_socket == {**formatted(error), "extensions": extensions}


@pytest.mark.parametrize("cls", error_classes(), ids=lambda cls: cls.__name__)
def test_an_executed_result_takes_the_status_only_of_an_error_that_fails_the_request(
    cls: type[GatewayError],
) -> None:
    errors = [{"message": "a field", "extensions": {"code": cls.code}}]
    assert result_status(errors) == (cls.status if cls.fails_request else None)


def test_a_rate_limited_retry_is_a_whole_second_at_least() -> None:
    assert RateLimited(0.01).retry_after == 1
    assert RateLimited(2.2).retry_after == 3
