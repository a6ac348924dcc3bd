"""The typed request context every resolver receives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import strawberry

from graph import AuditFeed, GraphCommands, GraphReader, ReadLog, Viewer
from policy import Policy


@dataclass
class Context:
    """Built per request by the gateway: viewer, reader (loaders), commands, policy."""

    viewer: Viewer
    reader: GraphReader
    policy: Policy
    request_id: str
    commands: GraphCommands
    #: The shared customers this request returned (access transparency): the gateway
    #: hands it to the process's ReadRecorder when the request (or event) ends.
    reads: ReadLog
    #: The HTTP request/response or WebSocket (strawberry sets status codes on it).
    request: Any = None
    response: Any = None
    #: The live AuditEvent feed subscriptions listen to.
    feed: AuditFeed | None = None
    #: A subscription's connection_init payload (strawberry sets it).
    connection_params: dict[str, Any] | None = None
    #: Over a WebSocket: a whole new context for the same socket, authorized as a new
    #: request would be (the gateway's token check and viewer load, new loaders).
    renew: Callable[[], Awaitable[Context]] | None = None

    @classmethod
    def pending(cls, *, request_id: str, request: Any, response: Any) -> Context:
        """A WebSocket's own context: it never has a viewer, so nothing runs with it;
        each operation on the socket gets a context of its own (gateway/subscriptions.py)."""
        context = cls.__new__(cls)
        context.request_id = request_id
        context.request = request
        context.response = response
        context.feed = None
        context.connection_params = None
        context.renew = None
        return context

    def become(self, ready: Context) -> None:
        """Take over ``ready``'s viewer, reader and commands in place (a running
        subscription's resolvers hold on to this object)."""
        params = self.connection_params
        self.__dict__.update(ready.__dict__)
        self.connection_params = params

    async def refresh(self) -> None:
        """After a mutation: the viewer and every cached row are read again."""
        self.viewer = await self.reader.refresh()
        self.commands.use_viewer(self.viewer)
        self.reads.use_viewer(self.viewer)

    async def reauthorize(self) -> None:
        """Before each subscription event: everything a new request would build afresh
        (token still valid, viewer reloaded, new reader, loaders and commands)."""
        if self.renew is None:
            await self.refresh()
            return
        self.become(await self.renew())


Info = strawberry.Info[Context, None]
