"""``Cache-Control: private, no-store`` on every response the gateway computes.

What /graphql, /export and /metrics answer depends on the token of the request
(or is private to the operator): no shared cache (a CDN, a corporate proxy) may
keep it for the next client, and no browser may keep it on disk, GET requests
included (queries, persisted queries and exports all travel by GET). Only the
explorer's static files (/explore) may be cached.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NO_STORE = "private, no-store"
#: Static files, the same for everyone.
CACHEABLE_PREFIXES = ("/explore/",)


class NoStore:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CACHEABLE_PREFIXES):
            await self.app(scope, receive, send)
            return

        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["cache-control"] = NO_STORE
            await send(message)

        await self.app(scope, receive, send_no_store)
