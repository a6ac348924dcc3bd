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
from datetime import datetime, timedelta
from typing import Any

from graph.errors import BadUserInput

_MAC_BYTES = 12
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


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
        """The keyset a cursor holds; anything but a cursor this codec made for ``ordering``
        is BAD_USER_INPUT, whatever its bytes (and even signed, whatever its payload)."""
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        except (binascii.Error, ValueError) as exc:
            raise _invalid() from exc
        mac, payload = raw[:_MAC_BYTES], raw[_MAC_BYTES:]
        if len(mac) != _MAC_BYTES or not hmac.compare_digest(mac, self._mac(payload)):
            raise _invalid()
        # Past the MAC the payload is ours, unless the secret leaked or a bug wrote it:
        # still checked, so that nothing in it can turn into an internal error.
        try:
            decoded = json.loads(payload)
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            raise _invalid() from exc
        if not (isinstance(decoded, list) and len(decoded) == 3):
            raise _invalid()
        cursor_ordering, key, row_id = decoded
        if cursor_ordering != ordering:
            raise BadUserInput(
                "Cursor belongs to another list or ordering; restart paging without 'after'",
                argument="after",
            )
        if not _is_text(row_id):
            raise _invalid()
        return Keyset(_load(key), row_id)


def _invalid() -> BadUserInput:
    return BadUserInput("Invalid cursor", argument="after")


def _is_text(value: Any) -> bool:
    """A str the driver can send: UTF-8 encodable (JSON may hold lone surrogates)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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
    """A sort key as ``_dump`` wrote it: a scalar Neo4j can compare, or a datetime."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not _INT64_MIN <= value <= _INT64_MAX:  # Bolt has no bigger integer
            raise _invalid()
        return value
    if isinstance(value, float):
        return value  # NaN and infinities compare (as nothing) without an error
    if _is_text(value):
        return value
    if isinstance(value, dict) and value.keys() == {"dt"} and _is_text(value["dt"]):
        try:
            moment = datetime.fromisoformat(value["dt"])
        except ValueError as exc:
            raise _invalid() from exc
        # Bolt carries an offset in whole minutes: the driver refuses any other
        # (ValueError while sending), which would be an internal error.
        offset = moment.utcoffset()
        if offset is not None and offset % timedelta(minutes=1):
            raise _invalid()
        return moment
    raise _invalid()
