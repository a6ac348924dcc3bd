"""A loopback TCP proxy in front of Neo4j that counts Cypher statements (Bolt RUN messages).

Used only while the answers are checked, never while timing: each system
(the floor's driver, the gateway, the Node server) is pointed at the proxy,
one operation is sent at a time, and the RUN messages the client sent for it
are its Cypher round trips, counted on the wire rather than taken on trust.

Bolt framing (client to server): a 4-byte magic and 16 bytes of version
proposals; if the server answers with the manifest marker 0x000001FF, the
client then sends its chosen version (4 bytes) and a capability varint. After
that every message is a run of chunks (2-byte big-endian size, then data),
ended by a zero-size chunk; a message's first bytes are a PackStream struct
marker (0xB0-0xBF) and its signature (RUN = 0x10).
"""

from __future__ import annotations

import asyncio
import contextlib

from graph.queries.access_log import RECORD_READS_STATEMENT

_MANIFEST = b"\x00\x00\x01\xff"
_RUN = 0x10
#: The start of the access log's batch write (graph/queries/access_log.py).
_ACCESS_LOG_PREFIX = RECORD_READS_STATEMENT[:40].encode()


def _query_text(chunk: bytes) -> bytes:
    """The start of a RUN message's query: a PackStream string after the signature."""
    marker = chunk[2] if len(chunk) > 2 else 0
    if 0x80 <= marker <= 0x8F:
        return chunk[3 : 3 + (marker - 0x80)]
    widths = {0xD0: 1, 0xD1: 2, 0xD2: 4}
    width = widths.get(marker)
    if width is None:
        return b""
    length = int.from_bytes(chunk[3 : 3 + width], "big")
    return chunk[3 + width : 3 + width + length]


class BoltCounter:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.runs = 0
        #: The access log's writes seen (not counted in runs).
        self.background = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await task
        if self._server is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 5)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.close()
            self._tasks.discard(task)
            return
        manifest = asyncio.get_running_loop().create_future()
        try:
            await asyncio.gather(
                self._client_to_server(reader, up_writer, manifest),
                self._server_to_client(up_reader, writer, manifest),
            )
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            for w in (writer, up_writer):
                w.close()
            self._tasks.discard(task)

    async def _server_to_client(
        self,
        up_reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        manifest: asyncio.Future[bool],
    ) -> None:
        first = await up_reader.readexactly(4)
        is_manifest = first == _MANIFEST
        if not manifest.done():
            manifest.set_result(is_manifest)
        if is_manifest:
            # The JavaScript driver parses the whole manifest from the first
            # packet it receives, so it is forwarded in a single write.
            first += await self._read_manifest(up_reader)
        writer.write(first)
        await writer.drain()
        while data := await up_reader.read(65536):
            writer.write(data)
            await writer.drain()
        writer.close()

    @staticmethod
    async def _read_manifest(up_reader: asyncio.StreamReader) -> bytes:
        """The rest of a manifest handshake: a varint count, that many 4-byte
        version ranges, then a capabilities varint."""

        async def varint() -> tuple[int, bytes]:
            value, shift, raw = 0, 0, b""
            while True:
                byte = await up_reader.readexactly(1)
                raw += byte
                value |= (byte[0] & 0x7F) << shift
                shift += 7
                if not byte[0] & 0x80:
                    return value, raw

        count, raw = await varint()
        raw += await up_reader.readexactly(4 * count)
        return raw + (await varint())[1]

    async def _client_to_server(
        self,
        reader: asyncio.StreamReader,
        up_writer: asyncio.StreamWriter,
        manifest: asyncio.Future[bool],
    ) -> None:
        async def forward(n: int) -> bytes:
            data = await reader.readexactly(n)
            up_writer.write(data)
            await up_writer.drain()
            return data

        await forward(20)  # magic + four version proposals
        if await manifest:
            await forward(4)  # the chosen version
            while (await forward(1))[0] & 0x80:  # capabilities varint
                pass
        at_message_start = True
        while True:
            size = int.from_bytes(await forward(2), "big")
            if size == 0:
                at_message_start = True
                continue
            chunk = await forward(size)
            if at_message_start and size >= 2 and 0xB0 <= chunk[0] <= 0xBF and chunk[1] == _RUN:
                # The access log's writes run after a request, off its path: they are
                # the gateway's own bookkeeping, not a round trip of the query measured.
                if _query_text(chunk).startswith(_ACCESS_LOG_PREFIX):
                    self.background += 1
                else:
                    self.runs += 1
            at_message_start = False
