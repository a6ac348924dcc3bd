"""The typed request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry

from graph import AuditFeed, GraphCommands, GraphReader, Viewer
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
    #: The live AuditEvent feed subscriptions listen to.
    feed: AuditFeed | None = None
    #: A subscription's connection_init payload (strawberry sets it).
    connection_params: dict[str, Any] | None = None

    @classmethod
    def pending(cls, *, request_id: str, request: Any, response: Any) -> Context:
        """A WebSocket's context before connection_init: no viewer yet, so nothing runs
        (the protocol refuses operations before the connection is acknowledged)."""
        context = cls.__new__(cls)
        context.request_id = request_id
        context.request = request
        context.response = response
        context.feed = None
        context.connection_params = None
        return context

    def become(self, ready: Context) -> None:
        """Fill a pending context in place (strawberry holds on to this object)."""
        params = self.connection_params
        self.__dict__.update(ready.__dict__)
        self.connection_params = params

    async def refresh(self) -> None:
        """After a mutation: the viewer and every cached row are read again."""
        self.viewer = await self.reader.refresh()
        self.commands.use_viewer(self.viewer)


Info = strawberry.Info[Context, None]
