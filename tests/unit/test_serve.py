"""Connections served by several Uvicorn workers get TCP_NODELAY (no 40 ms delayed-ACK stall)."""

from __future__ import annotations

import asyncio
import socket

import uvicorn.config

from gateway.serve import _bind_tcp_socket


async def nodelay_of_accepted(listener: socket.socket) -> int:
    listener.listen()
    listener.setblocking(False)
    loop = asyncio.get_running_loop()
    client = socket.create_connection(listener.getsockname()[:2])
    try:
        accepted, _ = await loop.sock_accept(listener)
        transport, _ = await loop.connect_accepted_socket(asyncio.Protocol, accepted)
        try:
            sock = transport.get_extra_info("socket")
            return int(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        finally:
            transport.close()
    finally:
        client.close()


async def test_the_workers_listening_socket_yields_nodelay_connections() -> None:
    config = uvicorn.config.Config("gateway.app:create_app", host="127.0.0.1", port=0, workers=2)
    plain = config.bind_socket()
    try:
        # What Uvicorn does on its own: asyncio does not see a TCP socket.
        assert await nodelay_of_accepted(plain) == 0
    finally:
        plain.close()
    fixed = _bind_tcp_socket(config)
    try:
        assert fixed.proto == socket.IPPROTO_TCP
        assert await nodelay_of_accepted(fixed) == 1
    finally:
        fixed.close()
