"""The canonical form of bench/SUITE.md: what every system's answer is normalized to.

Ids are graph ids (``cu-000123``), never global ids; customer rows carry
``CUSTOMER_FIELDS`` with null where the viewer may not read them; lists keep
the suite's order. Pure functions, no I/O: unit-tested in tests/unit.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from policy import CUSTOMER_PROPERTIES

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]

#: Fields of a customer row, in the suite's order: the id and every plain field but
#: ``notes``, which no viewer of another company ever reads (bench/SUITE.md).
CUSTOMER_FIELDS: tuple[str, ...] = ("id", *(f for f in CUSTOMER_PROPERTIES if f != "notes"))
#: Fields of a customer in the nested query.
NESTED_CUSTOMER_FIELDS: tuple[str, ...] = ("id", "name", "email", "annualRevenue")
#: Fields of a row of the filtered and sorted list.
FILTER_SORT_FIELDS: tuple[str, ...] = ("id", "name", "industry")
#: Fields of a partnership of ``company_partnerships``.
PARTNERSHIP_FIELDS: tuple[str, ...] = ("id", "tier", "status", "structure", "vendor", "partner")
#: Fields of a registered deal (``register_deal``): graph ids, and whether the
#: automatic DataLink was created (its id is random, so only its existence).
DEAL_FIELDS: tuple[str, ...] = (
    "status",
    "rejectionReason",
    "registrant",
    "registeredBy",
    "vendor",
    "partnership",
    "customer",
    "amount",
    "dataLink",
)
#: Fields of a company of ``network``, and of a partnership met on the way.
NETWORK_NODE_FIELDS: tuple[str, ...] = ("id", "distance")
NETWORK_EDGE_FIELDS: tuple[str, ...] = ("id", "tier", "status", "vendor", "partner")


class AnswerError(ValueError):
    """A response that cannot be normalized: an unexpected error, a missing field."""


def to_global_id(type_name: str, graph_id: str) -> str:
    return base64.b64encode(f"{type_name}:{graph_id}".encode()).decode()


def graph_id(global_id: object, type_name: str) -> str:
    """``cu-000123`` from base64 ``Customer:cu-000123``; a graph id passes through."""
    if not isinstance(global_id, str):
        raise AnswerError(f"expected a {type_name} id, got {global_id!r}")
    try:
        decoded = base64.b64decode(global_id.encode("ascii"), validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        return global_id
    kind, sep, value = decoded.partition(":")
    if not sep or kind != type_name or not value:
        return global_id
    return value


def row(source: Mapping[str, Any], fields: Sequence[str], id_type: str = "Customer") -> JsonValue:
    """A row with exactly ``fields``, in order; ``id`` as a graph id."""
    missing = [f for f in fields if f not in source]
    if missing:
        raise AnswerError(f"row lacks {missing}: {dict(source)!r:.200}")
    out: dict[str, JsonValue] = {}
    for field in fields:
        value = source[field]
        out[field] = graph_id(value, id_type) if field == "id" else value
    return out


def number_equal(a: object, b: object) -> bool:
    """1000 and 1000.0 are the same answer (JSON has one number type)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return False


def first_difference(a: JsonValue, b: JsonValue, path: str = "$") -> str | None:
    """Where two canonical answers first differ, or None when they are equal."""
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return f"{path}: keys {list(a)} != {list(b)}"
        for key in a:
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)} items"
        return None
    if a == b and type(a) is type(b):
        return None
    if number_equal(a, b):
        return None
    return f"{path}: {json.dumps(a)[:120]} != {json.dumps(b)[:120]}"


def _plain(value: JsonValue) -> JsonValue:
    """Integral floats as ints, so that equal answers hash equally."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def fingerprint(value: JsonValue) -> str:
    """A short hash of a canonical answer, for the results file."""
    text = json.dumps(_plain(value), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def size(value: JsonValue) -> int:
    """Rows in an answer: list items (nested: customers), network nodes + edges, or 1."""
    if isinstance(value, list):
        total = 0
        for item in value:
            links = item.get("links") if isinstance(item, dict) else None
            if isinstance(links, list):
                total += 1 + sum(
                    1 + len(c) if isinstance(c, list) else 1
                    for link in links
                    if isinstance(link, dict)
                    for c in [link.get("customers")]
                )
            else:
                total += 1
        return total
    if isinstance(value, dict) and isinstance(value.get("nodes"), list):
        nodes, edges = value["nodes"], value.get("edges")
        assert isinstance(nodes, list)
        return len(nodes) + (len(edges) if isinstance(edges, list) else 0)
    if isinstance(value, dict) and isinstance(value.get("partnerships"), list):
        partnerships = value["partnerships"]
        assert isinstance(partnerships, list)
        return 1 + len(partnerships)
    return 1
