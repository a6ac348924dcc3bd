"""Comparing the customers a response returned with what the reference expects."""

from __future__ import annotations

import base64
from typing import Any

from policy import CUSTOMER_PROPERTIES
from tests.support.client import Result
from tests.support.reference import FIELD_GROUP, Expected

#: Every plain Customer field; which group guards it is the reference's own (FIELD_GROUP).
SCALAR_FIELDS = CUSTOMER_PROPERTIES
CUSTOMER_SELECTION = "id " + " ".join(SCALAR_FIELDS) + " access { level groups }"


def gid(type_name: str, graph_id: str) -> str:
    return base64.b64encode(f"{type_name}:{graph_id}".encode()).decode()


def graph_id(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[1]


def check_customer(
    result: Result,
    path: tuple[str | int, ...],
    node: dict[str, Any],
    row: dict[str, Any],
    expected: Expected,
) -> None:
    """Every scalar field: its value if readable, else null with FORBIDDEN and its group."""
    assert node["id"] == gid("Customer", row["id"])
    assert set(node["access"]["groups"]) == set(expected.groups), (row["id"], node["access"])
    assert node["access"]["level"] == ("OWNER" if expected.owner else "SHARED")
    for field in SCALAR_FIELDS:
        group = FIELD_GROUP[field]
        errors = result.errors_at(*path, field)
        if group in expected.groups:
            assert node[field] == row.get(field), (row["id"], field)
            assert not errors, errors
        else:
            assert node[field] is None, (row["id"], field, "leaked")
            assert len(errors) == 1, (row["id"], field, result.errors)
            assert errors[0]["extensions"] == {"code": "FORBIDDEN", "group": group}


def unexpected_errors(result: Result) -> list[dict[str, Any]]:
    """Errors other than field-level FORBIDDEN ones."""
    return [e for e in result.errors if e.get("extensions", {}).get("code") != "FORBIDDEN"]
