"""A token with an unknown `kid` fetches the JWKS again at most once per
PRM_JWKS_MIN_REFRESH_SECONDS, whether the IdP answers or fails: a real JWKS server on
loopback counts what a flood of made-up `kid`s costs it."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.auth import TokenVerifier
from gateway.settings import Settings
from graph import Unauthenticated

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ROTATED = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ISSUER, AUDIENCE = "https://idp.test", "prm"


def jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, object]:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**public, "kid": kid, "use": "sig", "alg": "RS256"}


class Idp:
    """A JWKS endpoint that counts its hits; ``keys`` and ``failing`` change what it serves."""

    def __init__(self) -> None:
        self.hits = 0
        self.keys = [jwk(KEY, "k1")]
        self.failing = False
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                idp.hits += 1
                if idp.failing:
                    self.send_response(503)
                    self.end_headers()
                    return
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


class Clock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def settings(url: str, **extra: str) -> Settings:
    return Settings.from_env(
        {
            "PRM_ENV": "prod",
            "NEO4J_PASSWORD": "x",
            "PRM_JWT_JWKS_URL": url,
            "PRM_JWT_ISSUER": ISSUER,
            "PRM_JWT_AUDIENCE": AUDIENCE,
            "PRM_CURSOR_SECRET": "c" * 32,
            "PRM_ERASURE_KEY": "e" * 32,
            **extra,
        }
    )


def token(kid: str, key: rsa.RSAPrivateKey = KEY) -> str:
    claims = {"sub": "us-1", "exp": int(time.time()) + 600, "iss": ISSUER, "aud": AUDIENCE}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


async def refused(verifier: TokenVerifier, tokens: list[str]) -> None:
    outcomes = await asyncio.gather(*(verifier.subject(t) for t in tokens), return_exceptions=True)
    assert all(isinstance(o, Unauthenticated) for o in outcomes), outcomes


def made_up(n: int) -> list[str]:
    return [token(uuid.uuid4().hex) for _ in range(n)]


async def test_a_flood_of_unknown_kids_costs_the_idp_one_fetch(idp: Idp) -> None:
    verifier = TokenVerifier(settings(idp.url))
    assert await verifier.subject(token("k1")) == "us-1"
    assert idp.hits == 1
    await refused(verifier, made_up(50))  # concurrently
    for t in made_up(20):  # and one after another
        await refused(verifier, [t])
    assert idp.hits == 1
    assert await verifier.subject(token("k1")) == "us-1"
    assert idp.hits == 1


async def test_a_flood_while_the_idp_fails_costs_it_one_fetch(idp: Idp) -> None:
    idp.failing = True
    verifier = TokenVerifier(settings(idp.url))
    await refused(verifier, made_up(30))
    for t in made_up(10):
        await refused(verifier, [t])
    assert idp.hits == 1


@pytest.mark.parametrize(("interval", "default"), [(60.0, True), (5.0, False)])
async def test_an_unknown_kid_refetches_once_per_configured_interval(
    idp: Idp, interval: float, default: bool
) -> None:
    clock = Clock()
    extra = {} if default else {"PRM_JWKS_MIN_REFRESH_SECONDS": str(interval)}
    verifier = TokenVerifier(settings(idp.url, **extra), clock=clock)
    assert await verifier.subject(token("k1")) == "us-1"
    idp.keys = [jwk(KEY, "k1"), jwk(ROTATED, "k2")]  # the IdP rotates its keys
    await refused(verifier, [token("k2", ROTATED), *made_up(10)])
    assert idp.hits == 1

    clock.now += interval - 0.5
    await refused(verifier, [token("k2", ROTATED), *made_up(10)])
    assert idp.hits == 1

    clock.now += 0.5  # one interval after the last fetch: the next unknown kid fetches
    assert await verifier.subject(token("k2", ROTATED)) == "us-1"
    await refused(verifier, made_up(20))
    assert idp.hits == 2


async def test_the_key_set_is_refreshed_when_old_so_a_withdrawn_key_stops_working(
    idp: Idp,
) -> None:
    clock = Clock()
    verifier = TokenVerifier(settings(idp.url), clock=clock)
    assert await verifier.subject(token("k1")) == "us-1"
    idp.keys = [jwk(ROTATED, "k2")]  # k1 withdrawn
    clock.now += 299
    assert await verifier.subject(token("k1")) == "us-1"  # still cached
    clock.now += 1
    await refused(verifier, [token("k1")])
    assert idp.hits == 2
