"""Serving with Uvicorn, with TCP_NODELAY on every connection.

With more than one worker Uvicorn binds the listening socket itself with
protocol 0; connections accepted from it inherit that, and asyncio sets
TCP_NODELAY only on sockets that say they are TCP. A response written in two
parts (headers, then body) then waits for the client's delayed ACK: about
40 ms on every keep-alive request on Linux (uvicorn issue #3149). The
benchmark measured it: a 9 ms viewer lookup took 56 ms. Re-labelling the
bound socket as TCP is the fix proposed upstream.
"""

from __future__ import annotations

import asyncio
import socket

import uvicorn
import uvicorn.config

from gateway.logs import configure_logging
from gateway.settings import Settings, check_serving_address
from gateway.startup import preflight

_bind_socket = uvicorn.config.Config.bind_socket


def _bind_tcp_socket(self: uvicorn.config.Config) -> socket.socket:
    sock = _bind_socket(self)
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
        return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    return sock


def serve(settings: Settings, host: str, port: int, workers: int) -> None:
    """Serve until stopped; raises what stops the start (``gateway.startup.cause_of``)."""
    check_serving_address(settings, host)
    uvicorn.config.Config.bind_socket = _bind_tcp_socket  # type: ignore[method-assign]
    json_logs = settings.log_format == "json"
    if json_logs:
        # Uvicorn's own loggers propagate to the root handler (one JSON object a line);
        # the gateway logs one line per GraphQL request itself, with its request id.
        configure_logging(settings.log_level, settings.log_format)
    asyncio.run(preflight(settings))
    uvicorn.run(
        "gateway.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        log_config=None if json_logs else uvicorn.config.LOGGING_CONFIG,
        access_log=not json_logs,
        proxy_headers=False,
    )
