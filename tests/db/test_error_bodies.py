"""A refusal reads the same on every transport: /graphql and /export answer a code with
the status of the one table (graph/errors.py) and the same body, and a WebSocket's
``error`` message carries the same error (a socket has no status, nor headers: its
Retry-After travels as ``retryAfter``)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosedError

from gateway.app import create_app
from gateway.errors import RateLimited, RouteNotFound
from graph import GatewayError, QueryTimeout, ServiceUnavailable, Unauthenticated
from tests.conftest import make_settings
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.proxy import TcpProxy
from tests.support.ws import Socket, connect, served

b = Builder()
company = b.company("Acme")
http_user = b.user(company, "EXECUTIVE")
export_user = b.user(company, "EXECUTIVE")
socket_user = b.user(company, "EXECUTIVE")
b.customer(company)

QUERY = "{ viewer { role } }"
#: Neo4j's transaction monitor looks every 2 s; a statement held back longer than its
#: timeout plus that is terminated by then, well within the gateway's own deadline
#: (retry budget + query timeout + pool wait: 6 s here). A second, not less: the socket's
#: connection_init and the held statements' own set-up run under the same timeout, and on
#: a busy machine a 0.2 s one timed the set-up out before anything was held.
QUERY_TIMEOUT = "1.0"
HELD = 4.5


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


@dataclass
class Stack:
    """A gateway of its own, whose Neo4j is reached through a proxy, over HTTP and a socket."""

    gateway: Gateway
    ws_url: str
    proxy: TcpProxy

    async def graphql(self, user: str, token: str | None = None) -> httpx.Response:
        token = token or self.gateway.token(user)
        return await self.gateway.client.post(
            "/graphql", json={"query": QUERY}, headers={"authorization": f"Bearer {token}"}
        )

    async def export(self, user: str, token: str | None = None) -> httpx.Response:
        token = token or self.gateway.token(user)
        return await self.gateway.client.get(
            "/export/customers.jsonl", headers={"authorization": f"Bearer {token}"}
        )

    @contextlib.asynccontextmanager
    async def socket(self, user: str) -> AsyncIterator[Socket]:
        async with connect(self.ws_url, self.gateway.token(user)) as socket:
            yield socket


@contextlib.asynccontextmanager
async def stack(proxy: TcpProxy, **settings: str) -> AsyncIterator[Stack]:
    config = make_settings(NEO4J_URI=f"bolt://127.0.0.1:{proxy.port}", **settings)
    app = create_app(config)
    async with app.router.lifespan_context(app), served(app) as ws_url:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            yield Stack(Gateway(client, config), ws_url, proxy)


def refusal(response: httpx.Response, expected: type[GatewayError]) -> dict[str, Any]:
    """The one error of an HTTP refusal, once its status is the table's and its body the
    /graphql refusal's: no data, the error, the request id of the response's header."""
    assert response.status_code == expected.status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body.keys() == {"data", "errors", "extensions"}
    assert body["data"] is None
    assert body["extensions"] == {"requestId": response.headers["x-request-id"]}
    [error] = body["errors"]
    assert error["extensions"]["code"] == expected.code
    return dict(error)


async def socket_refusal(socket: Socket) -> dict[str, Any]:
    """The one error of the ``error`` message that answers an operation on ``socket``."""
    answer = await socket.execute(QUERY)
    assert answer.keys() == {"errors"}, answer  # an ``error`` message, not a result
    [error] = answer["errors"]
    return dict(error)


async def test_a_bad_token_gets_the_same_401_on_graphql_and_export(proxy: TcpProxy) -> None:
    async with stack(proxy) as s:
        over_graphql = refusal(await s.graphql(http_user, "not-a-token"), Unauthenticated)
        over_export = refusal(await s.export(export_user, "not-a-token"), Unauthenticated)
    assert (
        over_graphql
        == over_export
        == {
            "message": "Invalid token",
            "extensions": {"code": "UNAUTHENTICATED"},
        }
    )


async def test_a_page_that_is_not_served_gets_the_same_404_on_graphql_and_export(
    proxy: TcpProxy,
) -> None:
    async with stack(proxy, PRM_GRAPHIQL="false") as s:
        graphiql = await s.gateway.client.get("/graphql", headers={"accept": "text/html"})
        unknown_format = await s.gateway.client.get("/export/customers.xml")
    assert refusal(graphiql, RouteNotFound)["extensions"] == {"code": "NOT_FOUND"}
    assert refusal(unknown_format, RouteNotFound)["extensions"] == {"code": "NOT_FOUND"}


async def test_an_empty_bucket_gets_the_same_refusal_on_every_transport(proxy: TcpProxy) -> None:
    # One token each and no refill to speak of: each user's second request is refused.
    async with stack(proxy, PRM_RATE_LIMIT_PER_SECOND="0.001", PRM_RATE_LIMIT_BURST="1") as s:
        assert (await s.graphql(http_user)).status_code == 200
        over_graphql = await s.graphql(http_user)
        assert (await s.export(export_user)).status_code == 200
        over_export = await s.export(export_user)
        async with s.socket(socket_user) as socket:
            assert "errors" not in await socket.execute(QUERY)
            over_socket = await socket_refusal(socket)
    for response in (over_graphql, over_export):
        assert int(response.headers["retry-after"]) >= 1
    expected = {"message": "Too many requests; slow down", "extensions": {"code": "RATE_LIMITED"}}
    assert refusal(over_graphql, RateLimited) == refusal(over_export, RateLimited) == expected
    retry_after = over_socket["extensions"].pop("retryAfter")
    assert isinstance(retry_after, int)
    assert retry_after >= 1
    assert over_socket == expected


async def test_neo4j_down_gets_the_same_503_on_every_transport(proxy: TcpProxy) -> None:
    async with stack(proxy) as s, s.socket(socket_user) as socket:
        await proxy.down()
        over_graphql = refusal(await s.graphql(http_user), ServiceUnavailable)
        over_export = refusal(await s.export(export_user), ServiceUnavailable)
        over_socket = await socket_refusal(socket)
        await proxy.up()
    assert over_graphql == over_export == over_socket
    assert over_socket["extensions"] == {"code": "SERVICE_UNAVAILABLE"}


async def test_neo4j_down_at_connection_init_closes_the_socket_to_try_again_not_forbidden(
    proxy: TcpProxy,
) -> None:
    """A socket opened while Neo4j is away was closed with 4403 Forbidden, which tells a
    client its good token is bad; it is closed with 1013 (try again later) and the code."""
    async with stack(proxy) as s:
        await proxy.down()
        with pytest.raises(ConnectionClosedError) as closed:
            async with s.socket(socket_user):
                pass
        await proxy.up()
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1013, "SERVICE_UNAVAILABLE")


async def test_a_query_timeout_gets_the_same_504_on_every_transport(proxy: TcpProxy) -> None:
    """/export answered a QUERY_TIMEOUT with 400 and a body of its own; now with /graphql's
    504 and body."""
    async with stack(proxy, PRM_DB_QUERY_TIMEOUT=QUERY_TIMEOUT) as s:
        async with s.socket(socket_user) as socket:
            proxy.hold_pulls(HELD)
            over_graphql = refusal(await s.graphql(http_user), QueryTimeout)
            over_export = refusal(await s.export(export_user), QueryTimeout)
            over_socket = await socket_refusal(socket)
            proxy.hold_pulls(0)
        # Neo4j ended those statements, not the connection: the next request is served.
        assert (await s.graphql(http_user)).status_code == 200
    assert over_graphql == over_export == over_socket
    assert over_socket["extensions"] == {"code": "QUERY_TIMEOUT"}
