"""Every request without a valid token gets HTTP 401 and UNAUTHENTICATED, before any resolver."""

from __future__ import annotations

import time

import jwt
import pytest

from gateway.settings import Settings
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway

b = Builder()
company = b.company("Acme")
user = b.user(company, "REP")


@pytest.fixture(scope="module", autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


def token(settings: Settings, **claims: object) -> str:
    now = int(time.time())
    body: dict[str, object] = {"sub": user, "iat": now, "exp": now + 600, **claims}
    return jwt.encode(body, settings.jwt.secret or "", algorithm="HS256")


async def test_a_valid_token_reads_the_viewer_from_the_graph(gateway: Gateway) -> None:
    data = await gateway.ok(user, "{ viewer { role company { name } user { name } } }")
    assert data["viewer"]["role"] == "REP"
    assert data["viewer"]["company"]["name"] == "Acme"


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Basic dXNlcjpwYXNz",
        "Bearer ",
        "Bearer not-a-jwt",
        "expired",
        "forged",
        "unknown-user",
        "no-exp",
        "alg-none",
    ],
)
async def test_requests_without_a_valid_token_get_401_unauthenticated(
    gateway: Gateway, settings: Settings, header: str | None
) -> None:
    now = int(time.time())
    if header == "expired":
        header = "Bearer " + token(settings, exp=now - 10)
    elif header == "forged":
        header = "Bearer " + jwt.encode(
            {"sub": user, "exp": now + 600},
            "another-secret-0123456789abcdef-0123",
            algorithm="HS256",
        )
    elif header == "unknown-user":
        header = "Bearer " + token(settings, sub="us-999999")
    elif header == "no-exp":
        header = "Bearer " + jwt.encode({"sub": user}, settings.jwt.secret or "", algorithm="HS256")
    elif header == "alg-none":
        header = "Bearer " + jwt.encode({"sub": user, "exp": now + 600}, "", algorithm="none")
    headers = {} if header is None else {"authorization": header}
    result = await gateway.query(None, "{ viewer { role } }", headers=headers)
    assert result.status == 401
    assert result.data is None
    assert result.codes() == ["UNAUTHENTICATED"]
    assert "Traceback" not in str(result.body)
