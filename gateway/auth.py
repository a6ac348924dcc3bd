"""Bearer-token authentication, in the shape of Starlette's AuthenticationBackend.

The token proves who the user is (``sub`` = ``User.id``) and nothing more:
company, role and managed partnerships are read from the graph on every
request, so a role change or a revoked link takes effect on the next one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import jwt
from starlette.requests import HTTPConnection

from gateway.settings import Settings
from graph import Unauthenticated

log = logging.getLogger("prm.gateway")


class KeySet:
    """The signing keys at a JWKS URL, fetched at most once per ``min_refresh`` seconds.

    A token whose ``kid`` is not in the set fetches it again (the IdP may have rotated
    its keys), but only if the last fetch, whether it worked or not, is that old: a
    flood of made-up ``kid``s, or of tokens while the IdP is down, costs the IdP one
    request a period, and a request waiting for a fetch holds no thread. Without
    unknown ``kid``s the set is still refreshed when older than ``MAX_AGE``, so a key
    the IdP withdrew stops working. A failed fetch keeps the keys already known.
    """

    MAX_AGE = 300.0
    #: Seconds the HTTP request may take (PyJWKClient's default is 30).
    TIMEOUT = 5.0

    def __init__(
        self, url: str, min_refresh: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        # Only its HTTP fetch is used: the caching and the refresh policy are ours.
        self._client = jwt.PyJWKClient(url, cache_jwk_set=False, timeout=self.TIMEOUT)
        self._min_refresh = min_refresh
        self._clock = clock
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None  # the last attempt, successful or not
        self._loaded_at: float | None = None  # the last success
        self._lock = asyncio.Lock()

    async def key(self, kid: str | None) -> object:
        if kid is None:
            raise Unauthenticated("Invalid token")  # no key of the set can match it
        if kid not in self._keys:
            async with self._lock:  # one fetch at a time; the others then find it done
                if kid not in self._keys and self._may_fetch():
                    await self._fetch()
        elif self._stale() and self._may_fetch() and not self._lock.locked():
            async with self._lock:  # a known key meanwhile serves without waiting
                if self._stale() and self._may_fetch():
                    await self._fetch()
        found = self._keys.get(kid)
        if found is None:
            raise Unauthenticated("Invalid token")
        return found.key

    def _stale(self) -> bool:
        return self._loaded_at is None or self._clock() - self._loaded_at >= self.MAX_AGE

    def _may_fetch(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at >= self._min_refresh

    async def _fetch(self) -> None:
        self._fetched_at = self._clock()
        try:
            data = await asyncio.to_thread(self._client.fetch_data)  # blocking urllib
            keys = jwt.PyJWKSet.from_dict(data).keys
        except (jwt.PyJWKClientError, jwt.PyJWKSetError, ValueError, OSError) as exc:
            # Not JSON, a connection reset mid-body...: the IdP's failure, not the request's.
            log.warning("JWKS fetch failed, keeping %d known keys: %s", len(self._keys), exc)
            return
        self._keys = {k.key_id: k for k in keys if k.key_id and k.public_key_use in ("sig", None)}
        self._loaded_at = self._clock()


class TokenVerifier:
    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self._settings = settings
        self._jwks = (
            KeySet(settings.jwt.jwks_url, settings.jwt.jwks_min_refresh_seconds, clock)
            if settings.jwt.jwks_url
            else None
        )

    async def _key(self, token: str) -> object:
        s = self._settings
        if s.env == "dev":
            return s.jwt.secret
        if s.jwt.public_key:
            return s.jwt.public_key
        assert self._jwks is not None
        kid = jwt.get_unverified_header(token).get("kid")
        return await self._jwks.key(kid if isinstance(kid, str) else None)

    async def subject(self, token: str) -> str:
        s = self._settings
        try:
            claims = jwt.decode(
                token,
                await self._key(token),  # type: ignore[arg-type]
                algorithms=s.jwt_algorithms,
                audience=s.jwt.audience,
                issuer=s.jwt.issuer,
                options={"require": ["sub", "exp"], "verify_aud": s.jwt.audience is not None},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated("Token expired") from exc
        except (jwt.InvalidTokenError, jwt.PyJWKClientError) as exc:
            raise Unauthenticated("Invalid token") from exc
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise Unauthenticated("Invalid token")
        return subject


def bearer(header: str | None) -> str:
    """The token of an ``Authorization: Bearer ...`` value, wherever it travelled (an HTTP
    header, a WebSocket's ``connection_init`` payload)."""
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Missing bearer token")
    return token.strip()


def bearer_token(conn: HTTPConnection) -> str:
    """The token of a request's (or a WebSocket upgrade's) Authorization header."""
    return bearer(conn.headers.get("authorization"))


def mint_token(settings: Settings, user_id: str, ttl_seconds: int = 8 * 3600) -> str:
    """A development token (HS256 with PRM_JWT_SECRET); production tokens come from your IdP."""
    if settings.env != "dev" or not settings.jwt.secret:
        raise RuntimeError("development tokens need PRM_ENV=dev and PRM_JWT_SECRET")
    now = int(time.time())
    claims: dict[str, object] = {"sub": user_id, "iat": now, "exp": now + ttl_seconds}
    if settings.jwt.issuer:
        claims["iss"] = settings.jwt.issuer
    if settings.jwt.audience:
        claims["aud"] = settings.jwt.audience
    return jwt.encode(claims, settings.jwt.secret, algorithm="HS256")
