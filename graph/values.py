"""Converting driver values into plain Python ones."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def native(value: Any) -> Any:
    """neo4j.time.DateTime → datetime; everything else as it is."""
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native is not None else value


def as_datetime(value: Any) -> datetime | None:
    value = native(value)
    return value if isinstance(value, datetime) else None
