"""A graphql-transport-ws client for tests, over a real socket to a served gateway.

``connect`` opens one authenticated socket on which a test runs several
operations, one after another or side by side (``execute`` for a query or a
mutation, ``start`` for a subscription); ``subscribe`` is the one-operation
shorthand. A reader task routes each message to its operation by id, answers
pings, and records how the server closed the socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
import websockets
from starlette.applications import Starlette

#: How long a test waits for one message before it fails (never a timing assertion).
WAIT = 10.0


@contextlib.asynccontextmanager
async def served(app: Starlette) -> AsyncIterator[str]:
    """The already started app behind Uvicorn on a free loopback port: its ws:// URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to wait on
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"ws://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        await task


class SocketClosed(Exception):
    """The server closed the socket while an operation waited for its next message."""

    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"socket closed: {code} {reason}")
        self.code = code
        self.reason = reason


class Subscription:
    """One operation on a socket: its messages (``next``, ``error``, ``complete``) in order."""

    def __init__(self, socket: Socket, operation_id: str) -> None:
        self.socket = socket
        self.id = operation_id
        self.messages: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()

    async def next(self) -> dict[str, Any]:
        """The next message of this operation; ``SocketClosed`` when the socket closes first."""
        message = await asyncio.wait_for(self.messages.get(), WAIT)
        if message is None:
            self.messages.put_nowait(None)  # every later call sees the close too
            raise SocketClosed(self.socket.close_code, self.socket.close_reason)
        return message

    async def complete(self) -> None:
        """Stop this operation (the client's ``complete`` message)."""
        await self.socket.send({"id": self.id, "type": "complete"})


class Socket:
    """An acknowledged graphql-transport-ws connection."""

    def __init__(self, connection: websockets.ClientConnection) -> None:
        self.connection = connection
        self._ids = itertools.count(1)
        self._operations: dict[str, Subscription] = {}
        self.close_code: int | None = None
        self.close_reason = ""
        self.closed = asyncio.Event()
        self._pongs: asyncio.Queue[None] = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def start(self, query: str, variables: dict[str, Any] | None = None) -> Subscription:
        """Send ``query`` as a ``subscribe`` message; its messages arrive on the result."""
        operation = Subscription(self, str(next(self._ids)))
        self._operations[operation.id] = operation
        payload = {"query": query, "variables": variables or {}}
        await self.send({"id": operation.id, "type": "subscribe", "payload": payload})
        return operation

    async def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """A query or mutation on this socket: its one ``next`` payload (data, errors),
        or ``{"errors": [...]}`` when the server refused it with an ``error`` message."""
        operation = await self.start(query, variables)
        message = await operation.next()
        if message["type"] == "error":
            return {"errors": message["payload"]}
        assert message["type"] == "next", message
        done = await operation.next()
        assert done["type"] == "complete", done
        payload: dict[str, Any] = message["payload"]
        return payload

    async def sync(self) -> None:
        """Returns once the server has handled every message sent before (a ping's pong:
        the server handles a socket's messages in order)."""
        await self.send({"type": "ping"})
        await asyncio.wait_for(self._pongs.get(), WAIT)

    async def wait_closed(self) -> int | None:
        """The close code the server sent, once it has closed the socket."""
        await asyncio.wait_for(self.closed.wait(), WAIT)
        return self.close_code

    async def _read(self) -> None:
        try:
            async for raw in self.connection:
                message = json.loads(raw)
                if message.get("type") == "ping":
                    await self.send({"type": "pong"})
                    continue
                if message.get("type") == "pong":
                    self._pongs.put_nowait(None)
                    continue
                operation = self._operations.get(str(message.get("id")))
                if operation is not None:
                    operation.messages.put_nowait(message)
        except websockets.ConnectionClosed:
            pass
        finally:
            self.close_code = self.connection.close_code
            self.close_reason = self.connection.close_reason or ""
            for operation in self._operations.values():
                operation.messages.put_nowait(None)
            self.closed.set()

    async def aclose(self) -> None:
        await self.connection.close()
        await self._reader


async def listening(app: Starlette, count: int) -> None:
    """Returns once exactly ``count`` subscriptions listen to the app's feed: an event
    written before a subscription listens is not its to hear."""
    feed = app.state.prm.feed
    async with asyncio.timeout(WAIT):
        while feed.listening != count:  # noqa: ASYNC110 - the feed offers no event to wait on
            await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def connect(url: str, token: str | None) -> AsyncIterator[Socket]:
    """A socket past ``connection_init``; a refused token raises ``ConnectionClosed``."""
    async with websockets.connect(
        url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
    ) as connection:
        payload = {"authorization": f"Bearer {token}"} if token else {}
        await connection.send(json.dumps({"type": "connection_init", "payload": payload}))
        ack = json.loads(await asyncio.wait_for(connection.recv(), WAIT))
        assert ack["type"] == "connection_ack", ack
        socket = Socket(connection)
        try:
            yield socket
        finally:
            await socket.aclose()


@contextlib.asynccontextmanager
async def subscribe(
    url: str, token: str | None, query: str, variables: dict[str, Any] | None = None
) -> AsyncIterator[Subscription]:
    """One operation on a socket of its own."""
    async with connect(url, token) as socket:
        yield await socket.start(query, variables)
