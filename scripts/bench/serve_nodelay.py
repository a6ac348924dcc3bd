"""``prm serve`` with one difference: the listening socket says it is TCP (IPPROTO_TCP).

With ``--workers N > 1`` Uvicorn binds the socket itself with ``proto`` 0;
accepted connections inherit it and asyncio then skips ``TCP_NODELAY``, so a
response written in two parts (headers, body) waits for the client's delayed
ACK: about 40 ms per keep-alive request on Linux (Kludex/uvicorn#3149). This
launcher re-labels the bound socket (the one-line fix proposed upstream) and
then runs the gateway's own CLI, so the bench can show the gateway's cost
without the transport stall. Bench only; the gateway's code is unchanged.
"""

from __future__ import annotations

import socket
import sys

import uvicorn.config

from gateway.cli import main

_bind_socket = uvicorn.config.Config.bind_socket


def bind_socket(self: uvicorn.config.Config) -> socket.socket:
    sock = _bind_socket(self)
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
        return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    return sock


if __name__ == "__main__":
    uvicorn.config.Config.bind_socket = bind_socket  # type: ignore[method-assign]
    sys.exit(main(["serve"]))
