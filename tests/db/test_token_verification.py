"""Production verifies RS256 tokens with a public key or a JWKS URL and refuses HS256."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.app import create_app
from gateway.settings import Settings, SettingsError
from tests.conftest import make_settings
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Result

b = Builder()
company = b.company("Acme")
user = b.user(company)
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC_PEM = (
    KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)


def rs256(key: rsa.RSAPrivateKey = KEY, **claims: object) -> str:
    now = int(time.time())
    body = {"sub": user, "exp": now + 600, "iss": "https://idp.test", "aud": "prm", **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": "k1"})


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return None

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    server.shutdown()
    server.server_close()


async def ask(settings: Settings, token: str) -> Result:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            response = await client.post(
                "/graphql",
                json={"query": "{ viewer { role } }"},
                headers={"authorization": f"Bearer {token}"},
            )
            return Result(response.status_code, response.json())


@pytest.fixture(scope="module", autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


def prod(**extra: str) -> Settings:
    return make_settings(
        PRM_ENV="prod",
        PRM_JWT_ISSUER="https://idp.test",
        PRM_JWT_AUDIENCE="prm",
        PRM_JWT_SECRET="",
        **extra,
    )


@pytest.mark.parametrize("source", ["public-key", "jwks"])
async def test_production_accepts_rs256_tokens_from_the_configured_key(
    source: str, jwks_url: str
) -> None:
    settings = (
        prod(PRM_JWT_PUBLIC_KEY=PUBLIC_PEM)
        if source == "public-key"
        else prod(PRM_JWT_JWKS_URL=jwks_url)
    )
    ok = await ask(settings, rs256())
    assert ok.status == 200
    assert ok.data == {"viewer": {"role": "EXECUTIVE"}}
    for bad in (
        rs256(OTHER_KEY),
        rs256(aud="someone-else"),
        rs256(iss="https://evil.test"),
        jwt.encode({"sub": user, "exp": int(time.time()) + 60}, "x" * 40, algorithm="HS256"),
    ):
        refused = await ask(settings, bad)
        assert refused.status == 401
        assert refused.codes() == ["UNAUTHENTICATED"]


def test_production_refuses_to_start_without_a_verification_key() -> None:
    with pytest.raises(SettingsError, match="PRM_JWT_PUBLIC_KEY"):
        prod()
