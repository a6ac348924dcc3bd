"""Converting driver values into plain Python ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def native(value: Any) -> Any:
    """neo4j.time.DateTime → datetime; everything else as it is."""
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native is not None else value


def as_datetime(value: Any) -> datetime | None:
    """A driver DateTime, or epoch milliseconds (how hot statements project their
    datetimes: the driver decodes a DateTime in pure Python, about 40 µs each)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return _EPOCH + timedelta(milliseconds=value)
    value = native(value)
    return value if isinstance(value, datetime) else None
