"""The typed request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry

from graph import GraphReader, Viewer
from graph.commands import GraphCommands
from policy import Policy


@dataclass
class Context:
    """Built per request by the gateway: viewer, reader (loaders), commands, policy."""

    viewer: Viewer
    reader: GraphReader
    policy: Policy
    request_id: str
    commands: GraphCommands
    #: The HTTP request/response or WebSocket (strawberry sets status codes on it).
    request: Any = None
    response: Any = None

    async def refresh(self) -> None:
        """After a mutation: the viewer and every cached row are read again."""
        self.viewer = await self.reader.refresh()
        self.commands.use_viewer(self.viewer)


Info = strawberry.Info[Context, None]
