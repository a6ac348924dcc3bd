"""Bearer-token authentication, in the shape of Starlette's AuthenticationBackend.

The token proves who the user is (``sub`` = ``User.id``) and nothing more:
company, role and managed partnerships are read from the graph on every
request, so a role change or a revoked link takes effect on the next one.
"""

from __future__ import annotations

import asyncio
import time

import jwt
from starlette.requests import HTTPConnection

from gateway.settings import Settings
from graph import Unauthenticated


class TokenVerifier:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url) if settings.jwt_jwks_url else None

    async def _key(self, token: str) -> object:
        s = self._settings
        if s.env == "dev":
            return s.jwt_secret
        if s.jwt_public_key:
            return s.jwt_public_key
        assert self._jwks is not None
        # PyJWKClient fetches (and caches) over blocking HTTP.
        signing_key = await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)
        return signing_key.key

    async def subject(self, token: str) -> str:
        s = self._settings
        try:
            claims = jwt.decode(
                token,
                await self._key(token),  # type: ignore[arg-type]
                algorithms=s.jwt_algorithms,
                audience=s.jwt_audience,
                issuer=s.jwt_issuer,
                options={"require": ["sub", "exp"], "verify_aud": s.jwt_audience is not None},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated("Token expired") from exc
        except (jwt.InvalidTokenError, jwt.PyJWKClientError) as exc:
            raise Unauthenticated("Invalid token") from exc
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise Unauthenticated("Invalid token")
        return subject


def bearer_token(conn: HTTPConnection) -> str:
    header = conn.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Missing bearer token")
    return token.strip()


def mint_token(settings: Settings, user_id: str, ttl_seconds: int = 8 * 3600) -> str:
    """A development token (HS256 with PRM_JWT_SECRET); production tokens come from your IdP."""
    if settings.env != "dev" or not settings.jwt_secret:
        raise RuntimeError("development tokens need PRM_ENV=dev and PRM_JWT_SECRET")
    now = int(time.time())
    claims: dict[str, object] = {"sub": user_id, "iat": now, "exp": now + ttl_seconds}
    if settings.jwt_issuer:
        claims["iss"] = settings.jwt_issuer
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
