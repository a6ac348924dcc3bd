"""The typed request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry

from graph import GraphReader, Viewer
from policy import Policy


@dataclass
class Context:
    """Built per request by the gateway: the viewer, its reader (loaders), the policy."""

    viewer: Viewer
    reader: GraphReader
    policy: Policy
    request_id: str
    #: The HTTP request/response or WebSocket (strawberry sets status codes on it).
    request: Any = None
    response: Any = None


Info = strawberry.Info[Context, None]
