"""Defaults that differ between development and production: GraphiQL, log format, CORS."""

from __future__ import annotations

import httpx
import pytest

from gateway.app import create_app
from gateway.settings import Settings, SettingsError

DEV = {"PRM_ENV": "dev"}
PROD = {
    "PRM_ENV": "prod",
    "NEO4J_PASSWORD": "secret",
    "PRM_JWT_JWKS_URL": "https://idp.test/.well-known/jwks.json",
    "PRM_JWT_ISSUER": "https://idp.test",
    "PRM_JWT_AUDIENCE": "prm",
    "PRM_CURSOR_SECRET": "c" * 32,
    "PRM_ERASURE_KEY": "e" * 32,
}


async def graphiql_status(env: dict[str, str]) -> int:
    app = create_app(Settings.from_env(env))  # no lifespan: the page needs no database
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            response = await client.get("/graphql", headers={"accept": "text/html"})
    finally:
        await app.state.prm.db.close()
    if response.status_code == 200:
        assert "graphiql" in response.text.lower()
    return response.status_code


@pytest.mark.parametrize(
    ("env", "status"),
    [
        (DEV, 200),
        (PROD, 404),
        ({**PROD, "PRM_GRAPHIQL": "true"}, 200),
        ({**DEV, "PRM_GRAPHIQL": "false"}, 404),
    ],
)
async def test_graphiql_is_on_in_development_and_off_in_production_by_default(
    env: dict[str, str], status: int
) -> None:
    assert await graphiql_status(env) == status


def test_logs_are_json_in_production_and_text_in_development_by_default() -> None:
    assert Settings.from_env(PROD).log_format == "json"
    assert Settings.from_env(DEV).log_format == "text"
    assert Settings.from_env({**DEV, "PRM_LOG_FORMAT": "json"}).log_format == "json"
    with pytest.raises(SettingsError, match="PRM_LOG_FORMAT"):
        Settings.from_env({**DEV, "PRM_LOG_FORMAT": "xml"})


def test_cors_origins_are_a_comma_separated_list_and_none_by_default() -> None:
    assert Settings.from_env(DEV).cors_origins == ()
    origins = Settings.from_env(
        {**DEV, "PRM_CORS_ORIGINS": "https://a.example/, https://b.example"}
    )
    assert origins.cors_origins == ("https://a.example", "https://b.example")
