"""Every transport authenticates a request the same way (gateway/authenticate.py): the
token verified, the user's one rate-limit bucket charged, the viewer read. A WebSocket
runs it for each operation, so a socket answers as a new HTTP request would."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.app import create_app
from gateway.settings import Settings
from tests.conftest import make_settings
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.ws import SocketClosed, connect, served

b = Builder()
company = b.company("Acme")
user = b.user(company, "EXECUTIVE")
b.customer(company)

QUERY = "{ viewer { role } }"
ISSUER = "https://idp.test"
AUDIENCE = "prm"
OLD_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
NEW_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


@dataclass
class Served:
    gateway: Gateway
    ws_url: str

    async def graphql(self, token: str) -> httpx.Response:
        return await self.gateway.client.post(
            "/graphql", json={"query": QUERY}, headers={"authorization": f"Bearer {token}"}
        )

    async def export(self, token: str) -> httpx.Response:
        return await self.gateway.client.get(
            "/export/customers.jsonl", headers={"authorization": f"Bearer {token}"}
        )


@contextlib.asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[Served]:
    """A gateway of its own, over HTTP and behind Uvicorn for its sockets."""
    app = create_app(settings)
    async with app.router.lifespan_context(app), served(app) as ws_url:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            yield Served(Gateway(client, settings), ws_url)


async def test_a_user_has_one_bucket_over_every_transport_and_connecting_costs_nothing() -> None:
    settings = make_settings(PRM_RATE_LIMIT_PER_SECOND="0.001", PRM_RATE_LIMIT_BURST="3")
    async with serving(settings) as s:
        token = s.gateway.token(user)
        async with connect(s.ws_url, token) as socket:  # connection_init: no token taken
            assert "errors" not in await socket.execute(QUERY)  # 1
            assert (await s.graphql(token)).status_code == 200  # 2
            assert (await s.export(token)).status_code == 200  # 3: one page
            refused_on_socket = await socket.execute(QUERY)
        refused_over_http = await s.graphql(token)
        refused_export = await s.export(token)
    assert [e["extensions"]["code"] for e in refused_on_socket["errors"]] == ["RATE_LIMITED"]
    assert refused_over_http.status_code == refused_export.status_code == 429


# ---- a key withdrawn by the identity provider ---------------------------------------------


def jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, object]:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**public, "kid": kid, "use": "sig", "alg": "RS256"}


class Idp:
    """A JWKS endpoint on loopback; ``keys`` is what it serves now."""

    def __init__(self) -> None:
        self.keys = [jwk(OLD_KEY, "old")]
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = json.dumps({"keys": idp.keys}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return None

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks.json"


@pytest.fixture
def idp() -> Iterator[Idp]:
    server = Idp()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def signed(key: rsa.RSAPrivateKey, kid: str) -> str:
    claims = {"sub": user, "exp": int(time.time()) + 600, "iss": ISSUER, "aud": AUDIENCE}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


async def test_a_key_withdrawn_by_the_idp_closes_an_open_socket_at_its_next_operation(
    idp: Idp,
) -> None:
    settings = make_settings(
        PRM_ENV="prod",
        PRM_JWT_SECRET="",
        PRM_JWT_JWKS_URL=idp.url,
        PRM_JWT_ISSUER=ISSUER,
        PRM_JWT_AUDIENCE=AUDIENCE,
        # Each unknown kid may fetch the set again at once.
        PRM_JWKS_MIN_REFRESH_SECONDS="0",
    )
    old, new = signed(OLD_KEY, "old"), signed(NEW_KEY, "new")
    async with serving(settings) as s, connect(s.ws_url, old) as socket:
        assert (await socket.execute(QUERY))["data"] == {"viewer": {"role": "EXECUTIVE"}}
        idp.keys = [jwk(NEW_KEY, "new")]  # the old key is withdrawn...
        assert (await s.graphql(new)).status_code == 200  # ...and the gateway learns so
        refused_over_http = await s.graphql(old)
        operation = await socket.start(QUERY)
        with pytest.raises(SocketClosed) as closed:
            await operation.next()
    assert refused_over_http.status_code == 401
    assert refused_over_http.json()["errors"][0]["message"] == "Invalid token"
    assert (closed.value.code, closed.value.reason) == (4403, "Invalid token")
