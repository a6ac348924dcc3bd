"""Keyset cursors: the sort key and id of the last row, signed, bound to one ordering.

A cursor says "after (k, id) in ordering O", never "skip N rows", so a page
costs the same wherever it starts. The HMAC makes a tampered cursor, or one
taken from another ordering, a BAD_USER_INPUT error rather than a silent
wrong page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph.errors import BadUserInput

_MAC_BYTES = 12


@dataclass(frozen=True, slots=True)
class Keyset:
    """Where a page starts: strictly after the row with this sort key and id."""

    key: Any
    id: str


class CursorCodec:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()[:_MAC_BYTES]

    def encode(self, ordering: str, key: Any, row_id: str) -> str:
        payload = json.dumps([ordering, _dump(key), row_id], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(self._mac(payload) + payload).decode().rstrip("=")

    def decode(self, ordering: str, cursor: str) -> Keyset:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        except (binascii.Error, ValueError) as exc:
            raise BadUserInput("Invalid cursor", argument="after") from exc
        mac, payload = raw[:_MAC_BYTES], raw[_MAC_BYTES:]
        if len(mac) != _MAC_BYTES or not hmac.compare_digest(mac, self._mac(payload)):
            raise BadUserInput("Invalid cursor", argument="after")
        try:
            cursor_ordering, key, row_id = json.loads(payload)
        except (ValueError, TypeError) as exc:
            raise BadUserInput("Invalid cursor", argument="after") from exc
        if cursor_ordering != ordering:
            raise BadUserInput(
                "Cursor belongs to another list or ordering; restart paging without 'after'",
                argument="after",
            )
        if not isinstance(row_id, str):
            raise BadUserInput("Invalid cursor", argument="after")
        return Keyset(_load(key), row_id)


def _dump(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    # neo4j.time.DateTime and friends
    to_native = getattr(value, "to_native", None)
    if to_native is not None:
        return _dump(to_native())
    raise TypeError(f"unsupported sort key {type(value).__name__}")


def _load(value: Any) -> Any:
    if isinstance(value, dict):
        return datetime.fromisoformat(str(value["dt"]))
    return value
