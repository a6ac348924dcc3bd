"""The benchmark's Bolt-counting proxy, against a scripted server on loopback (no Neo4j)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from scripts.bench.boltcount import BoltCounter

_MAGIC_AND_PROPOSALS = b"\x60\x60\xb0\x17" + b"\x00\x00\x01\xff" + bytes(12)
# Manifest marker, two version ranges, capabilities 0.
_MANIFEST = b"\x00\x00\x01\xff" + b"\x02" + b"\x00\x08\x08\x05" + b"\x00\x00\x04\x04" + b"\x00"

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


Client = tuple[BoltCounter, asyncio.StreamReader, asyncio.StreamWriter]


@contextlib.asynccontextmanager
async def client_through_proxy(handler: Handler) -> AsyncIterator[Client]:
    """A scripted server, the proxy in front of it, and a client that has sent its
    magic and version proposals through the proxy."""
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    proxy = BoltCounter("127.0.0.1", server.sockets[0].getsockname()[1])
    await proxy.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        writer.write(_MAGIC_AND_PROPOSALS)
        yield proxy, reader, writer
        writer.close()
    finally:
        await proxy.stop()
        server.close()


def _message(signature: int, body: bytes = b"") -> bytes:
    data = bytes([0xB1, signature]) + body
    return len(data).to_bytes(2, "big") + data + b"\x00\x00"


async def test_a_manifest_sent_in_pieces_reaches_the_client_in_one_piece() -> None:
    # The JavaScript driver reads the whole manifest from its first packet;
    # a proxy that forwarded the marker on its own broke it at random.
    async def slow_manifest(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readexactly(len(_MAGIC_AND_PROPOSALS))
        writer.write(_MANIFEST[:4])
        await writer.drain()
        await asyncio.sleep(0.2)
        writer.write(_MANIFEST[4:])
        await writer.drain()
        await reader.read()
        writer.close()

    async with client_through_proxy(slow_manifest) as (_, reader, _):
        first = await asyncio.wait_for(reader.read(1024), 5)
        assert first == _MANIFEST


@pytest.mark.parametrize("manifest", [True, False])
async def test_run_messages_are_counted_after_either_handshake(manifest: bool) -> None:
    answer = _MANIFEST if manifest else b"\x00\x00\x04\x04"
    received = asyncio.get_running_loop().create_future()

    async def server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readexactly(len(_MAGIC_AND_PROPOSALS))
        writer.write(answer)
        await writer.drain()
        received.set_result(await reader.read())
        writer.close()

    async with client_through_proxy(server) as (proxy, reader, writer):
        assert await asyncio.wait_for(reader.readexactly(len(answer)), 5) == answer
        if manifest:
            writer.write(b"\x08\x05\x00\x00" + b"\x00")  # chosen 5.8, no capabilities
        # HELLO, RUN, PULL, RUN: two statements.
        writer.write(_message(0x01) + _message(0x10) + _message(0x3F) + _message(0x10))
        await writer.drain()
        writer.write_eof()
        await asyncio.wait_for(received, 5)
        assert proxy.runs == 2
