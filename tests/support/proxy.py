"""A loopback TCP proxy in front of the real Neo4j, to cut, stall, slow and break the connection."""

from __future__ import annotations

import asyncio
import contextlib
import re

# A Bolt COMMIT message in one chunk: size 2, struct of 0 fields with signature
# 0x12, end-of-message marker.
BOLT_COMMIT = b"\x00\x02\xb0\x12\x00\x00"
# The start of a Bolt PULL message (a one-field struct, signature 0x3F) in a chunk shorter
# than 256 bytes, at the start of what the client sent or right after another message's
# end-of-message marker.
BOLT_PULL = re.compile(rb"(?:^|(?<=\x00\x00))\x00[\x01-\xff]\xb1\x3f")


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        #: Set: the server's answers flow; cleared: they are held (a stalled server).
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._cut_after_commit = False
        #: How many connections were dropped right after a COMMIT went through.
        self.commits_cut = 0
        #: Seconds each statement's PULL is held back (0: none).
        self._pull_delay = 0.0

    async def up(self) -> None:
        self._flowing.set()
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def down(self) -> None:
        """Refuse new connections and drop the open ones, as a dead server would."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    def stall(self) -> None:
        """Hold every answer of the server: requests stay in flight."""
        self._flowing.clear()

    def hold_pulls(self, seconds: float) -> None:
        """Deliver each statement (RUN) at once but its PULL only ``seconds`` later (0:
        at once again): the server holds the statement's transaction open meanwhile, so
        one that outlives its timeout is terminated by Neo4j, a real QUERY_TIMEOUT."""
        self._pull_delay = seconds

    def cut_after_next_commit(self) -> None:
        """Let the next COMMIT reach the server, then drop that connection before its
        answer comes back: the client cannot know whether the write happened."""
        self._cut_after_commit = True

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update({writer, up_writer})

        async def to_server() -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await reader.read(65536):
                    pull = BOLT_PULL.search(data) if self._pull_delay else None
                    if pull is not None:
                        up_writer.write(data[: pull.start()])
                        await up_writer.drain()
                        await asyncio.sleep(self._pull_delay)
                        data = data[pull.start() :]
                    up_writer.write(data)
                    await up_writer.drain()
                    if self._cut_after_commit and BOLT_COMMIT in data:
                        self._cut_after_commit = False
                        self.commits_cut += 1
                        await asyncio.sleep(0.5)  # the server commits meanwhile
                        writer.transport.abort()
                        break
            up_writer.transport.abort()

        async def to_client() -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await up_reader.read(65536):
                    await self._flowing.wait()
                    if writer.transport.is_closing():
                        break
                    writer.write(data)
                    await writer.drain()
            writer.transport.abort()

        await asyncio.gather(to_server(), to_client())
        self._writers.difference_update({writer, up_writer})
