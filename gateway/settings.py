"""One typed settings object, read from the environment once at start-up."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from gateway.limits import Limits
from policy import DEFAULT_MAX_NETWORK_DEPTH, DEFAULT_MIN_BUCKET, DEFAULT_PROTECTION_DAYS
from policy._policy import DEFAULT_POLICY_FILE

DEV_JWT_SECRET = "prm-dev-secret-not-for-production"  # noqa: S105 - dev only, refused in prod
DEV_NEO4J_PASSWORD = "prm-local-dev"  # noqa: S105 - loopback dev server only
#: Settings that hold a secret: each may instead name a file that holds it (Docker and
#: Kubernetes secrets), ``NAME_FILE``; setting both is an error.
SECRETS = (
    "NEO4J_PASSWORD",  # or NEO4J_PASSWORD_FILE
    "PRM_JWT_SECRET",  # or PRM_JWT_SECRET_FILE
    "PRM_JWT_PUBLIC_KEY",  # or PRM_JWT_PUBLIC_KEY_FILE
    "PRM_CURSOR_SECRET",  # or PRM_CURSOR_SECRET_FILE
    "PRM_METRICS_TOKEN",  # or PRM_METRICS_TOKEN_FILE
)
#: The shortest production cursor secret: an HMAC-SHA256 key of at least 256 bits of text.
MIN_CURSOR_SECRET = 32


# Production's query limits: one place for their defaults.
_LIMITS = Limits()


class SettingsError(ValueError):
    """A setting is missing or malformed: the gateway refuses to start."""


@dataclass(frozen=True)
class Settings:
    env: Literal["dev", "prod"] = "dev"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: str = field(default=DEV_NEO4J_PASSWORD, repr=False)
    neo4j_database: str = "neo4j"
    db_retry_seconds: float = 2.0
    db_connect_timeout: float = 2.0
    db_query_timeout: float = 15.0
    db_pool_size: int = 100
    jwt_secret: str | None = field(default=DEV_JWT_SECRET, repr=False)
    jwt_public_key: str | None = field(default=None, repr=False)
    jwt_jwks_url: str | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    #: Fewest seconds between two fetches of the JWKS for an unknown ``kid``
    #: (PRM_JWKS_MIN_REFRESH_SECONDS): a flood of made-up kids costs one fetch a period.
    jwks_min_refresh_seconds: float = 60.0
    cursor_secret: str = field(default="", repr=False)
    policy_file: Path = DEFAULT_POLICY_FILE
    default_first: int = 20
    max_first: int = 100
    graphiql: bool = True
    introspection: bool = True
    max_body_bytes: int = 100_000
    max_depth: int = _LIMITS.max_depth
    max_aliases: int = _LIMITS.max_aliases
    max_directives: int = _LIMITS.max_directives
    max_tokens: int = _LIMITS.max_tokens
    max_root_fields: int = _LIMITS.max_root_fields
    max_cost: int = _LIMITS.max_cost
    rate_limit_per_second: float = 20.0
    rate_limit_burst: int = 100
    #: Open WebSockets per user and worker (PRM_WS_MAX_SOCKETS_PER_USER): more close 4429.
    ws_max_sockets_per_user: int = 10
    #: Operations running at once per user and worker, over all its sockets
    #: (PRM_WS_MAX_OPERATIONS_PER_USER): more are refused with TOO_MANY_OPERATIONS.
    ws_max_operations_per_user: int = 30
    expose_stats: bool = True
    log_level: str = "INFO"
    #: ``json`` (one object a line, with the request id) or ``text`` (PRM_LOG_FORMAT).
    log_format: Literal["json", "text"] = "text"
    #: Origins allowed to call the API from a browser (PRM_CORS_ORIGINS, comma-separated).
    cors_origins: tuple[str, ...] = ()
    #: Serve Prometheus metrics at /metrics (PRM_METRICS).
    metrics: bool = True
    #: A bearer token /metrics requires (PRM_METRICS_TOKEN); production serves no
    #: metrics without one.
    metrics_token: str | None = field(default=None, repr=False)
    #: Serve ``_service { sdl }`` for a federation router (PRM_FEDERATION).
    federation: bool = True
    #: How long an open deal registration protects its registrant (PRM_DEAL_PROTECTION_DAYS).
    deal_protection_days: int = DEFAULT_PROTECTION_DAYS
    #: Seconds between sweeps that persist EXPIRED deals; 0 = no periodic sweep in the app
    #: (reads expire deals lazily anyway; `prm sweep-deals` does it from cron).
    deal_sweep_seconds: float = 0.0
    #: Deepest network(depth:) a client may ask for, and its default (PRM_MAX_NETWORK_DEPTH).
    max_network_depth: int = DEFAULT_MAX_NETWORK_DEPTH
    #: Smallest bucket an overlap or coverage breakdown shows (PRM_MIN_BUCKET).
    min_bucket: int = DEFAULT_MIN_BUCKET

    #: Automatic persisted queries: a hash runs its registered query (PRM_APQ).
    apq: bool = True
    #: Hashes each worker remembers for APQ, least recently used evicted (PRM_APQ_CACHE_SIZE).
    apq_cache_size: int = 1000
    #: Allow-list mode: only this file's operations run (PRM_PERSISTED_QUERIES_FILE).
    persisted_queries_file: Path | None = None

    @property
    def jwt_algorithms(self) -> list[str]:
        # One family per deployment: no algorithm confusion between HS and RS.
        return ["HS256"] if self.env == "dev" else ["RS256"]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def get(name: str, default: str | None = None) -> str | None:
            value = env.get(name)
            return value if value not in (None, "") else default

        def number(name: str, default: float) -> float:
            raw = get(name)
            try:
                return float(raw) if raw is not None else default
            except ValueError as exc:
                raise SettingsError(f"{name} must be a number, got {raw!r}") from exc

        def integer(name: str, default: int) -> int:
            value = float(number(name, default))
            if not value.is_integer():  # also NaN and infinities
                raise SettingsError(f"{name} must be a whole number, got {get(name)!r}")
            return int(value)

        def flag(name: str, default: bool) -> bool:
            raw = get(name)
            if raw is None:
                return default
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise SettingsError(f"{name} must be true or false, got {raw!r}")

        def secret(name: str, default: str | None = None) -> str | None:
            """``name``, or the contents of the file ``name_FILE`` names."""
            value, path = get(name), get(f"{name}_FILE")
            if path is None:
                return default if value is None else value
            if value is not None:
                raise SettingsError(f"set {name} or {name}_FILE, not both")
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                raise SettingsError(f"{name}_FILE: cannot read {path}: {reason}") from exc
            text = text.rstrip("\r\n")  # the newline an editor or `echo` leaves
            if not text:
                raise SettingsError(f"{name}_FILE: {path} is empty")
            return text

        mode = get("PRM_ENV", "dev")
        if mode not in ("dev", "prod"):
            raise SettingsError(f"PRM_ENV must be dev or prod, got {mode!r}")
        prod = mode == "prod"
        jwt_secret = secret("PRM_JWT_SECRET", None if prod else DEV_JWT_SECRET)
        public_key = secret("PRM_JWT_PUBLIC_KEY")
        jwks_url = get("PRM_JWT_JWKS_URL")
        if prod and not (public_key or jwks_url):
            raise SettingsError("PRM_ENV=prod needs PRM_JWT_PUBLIC_KEY(_FILE) or PRM_JWT_JWKS_URL")
        password = secret("NEO4J_PASSWORD", None if prod else DEV_NEO4J_PASSWORD)
        if password is None:
            raise SettingsError("NEO4J_PASSWORD(_FILE) is required when PRM_ENV=prod")
        issuer, audience = get("PRM_JWT_ISSUER"), get("PRM_JWT_AUDIENCE")
        if prod and not (issuer and audience):
            # A token of the same IdP minted for another application must not pass here.
            raise SettingsError("PRM_ENV=prod needs PRM_JWT_ISSUER and PRM_JWT_AUDIENCE")
        # Never derived from a public key or a URL: anyone could forge cursors with those.
        cursor_secret = secret("PRM_CURSOR_SECRET", None if prod else jwt_secret)
        if prod and (cursor_secret is None or len(cursor_secret) < MIN_CURSOR_SECRET):
            raise SettingsError(
                f"PRM_ENV=prod needs PRM_CURSOR_SECRET(_FILE) of at least {MIN_CURSOR_SECRET}"
                " characters (e.g. `openssl rand -hex 32`), the same on every worker"
            )
        metrics_token = secret("PRM_METRICS_TOKEN")
        metrics = flag("PRM_METRICS", not prod or metrics_token is not None)
        if prod and metrics and metrics_token is None:
            raise SettingsError("PRM_ENV=prod serves /metrics only behind PRM_METRICS_TOKEN(_FILE)")
        log_format = get("PRM_LOG_FORMAT", "json" if prod else "text")
        if log_format not in ("json", "text"):
            raise SettingsError(f"PRM_LOG_FORMAT must be json or text, got {log_format!r}")
        cors = get("PRM_CORS_ORIGINS") or ""
        settings = cls(
            env="prod" if prod else "dev",
            host=get("PRM_HOST", "127.0.0.1") or "127.0.0.1",
            port=integer("PRM_PORT", 8000),
            workers=integer("PRM_WORKERS", 1),
            neo4j_uri=get("NEO4J_URI", "bolt://127.0.0.1:7687") or "",
            neo4j_user=get("NEO4J_USER", "neo4j") or "neo4j",
            neo4j_password=password,
            neo4j_database=get("NEO4J_DATABASE", "neo4j") or "neo4j",
            db_retry_seconds=number("PRM_DB_RETRY_SECONDS", 2.0),
            db_connect_timeout=number("PRM_DB_CONNECT_TIMEOUT", 2.0),
            db_query_timeout=number("PRM_DB_QUERY_TIMEOUT", 15.0),
            db_pool_size=integer("PRM_DB_POOL_SIZE", 100),
            jwt_secret=jwt_secret,
            jwt_public_key=public_key,
            jwt_jwks_url=jwks_url,
            jwt_issuer=issuer,
            jwt_audience=audience,
            jwks_min_refresh_seconds=number("PRM_JWKS_MIN_REFRESH_SECONDS", 60.0),
            cursor_secret=cursor_secret or "",
            policy_file=Path(get("PRM_POLICY_FILE", str(DEFAULT_POLICY_FILE)) or ""),
            default_first=integer("PRM_DEFAULT_FIRST", 20),
            max_first=integer("PRM_MAX_FIRST", 100),
            graphiql=flag("PRM_GRAPHIQL", not prod),
            introspection=flag("PRM_INTROSPECTION", not prod),
            max_body_bytes=integer("PRM_MAX_BODY_BYTES", 100_000),
            max_depth=integer("PRM_MAX_DEPTH", _LIMITS.max_depth),
            max_aliases=integer("PRM_MAX_ALIASES", _LIMITS.max_aliases),
            max_directives=integer("PRM_MAX_DIRECTIVES", _LIMITS.max_directives),
            max_tokens=integer("PRM_MAX_TOKENS", _LIMITS.max_tokens),
            max_root_fields=integer("PRM_MAX_ROOT_FIELDS", _LIMITS.max_root_fields),
            max_cost=integer("PRM_MAX_COST", _LIMITS.max_cost),
            rate_limit_per_second=number("PRM_RATE_LIMIT_PER_SECOND", 20.0),
            rate_limit_burst=integer("PRM_RATE_LIMIT_BURST", 100),
            ws_max_sockets_per_user=integer("PRM_WS_MAX_SOCKETS_PER_USER", 10),
            ws_max_operations_per_user=integer("PRM_WS_MAX_OPERATIONS_PER_USER", 30),
            expose_stats=flag("PRM_EXPOSE_STATS", not prod),
            log_level=get("PRM_LOG_LEVEL", "INFO") or "INFO",
            log_format="json" if log_format == "json" else "text",
            cors_origins=tuple(o.strip().rstrip("/") for o in cors.split(",") if o.strip()),
            metrics=metrics,
            metrics_token=metrics_token,
            federation=flag("PRM_FEDERATION", not prod),
            deal_protection_days=integer("PRM_DEAL_PROTECTION_DAYS", DEFAULT_PROTECTION_DAYS),
            deal_sweep_seconds=number("PRM_DEAL_SWEEP_SECONDS", 0.0),
            apq=flag("PRM_APQ", True),
            apq_cache_size=integer("PRM_APQ_CACHE_SIZE", 1000),
            persisted_queries_file=(
                Path(queries_file) if (queries_file := get("PRM_PERSISTED_QUERIES_FILE")) else None
            ),
            max_network_depth=integer("PRM_MAX_NETWORK_DEPTH", DEFAULT_MAX_NETWORK_DEPTH),
            min_bucket=integer("PRM_MIN_BUCKET", DEFAULT_MIN_BUCKET),
        )
        if not settings.cursor_secret:
            raise SettingsError("PRM_CURSOR_SECRET is required")
        if not 0 < settings.default_first <= settings.max_first:
            raise SettingsError("need 0 < PRM_DEFAULT_FIRST <= PRM_MAX_FIRST")
        if not 0 < settings.deal_protection_days <= 3650:
            raise SettingsError("PRM_DEAL_PROTECTION_DAYS must be between 1 and 3650")
        if not 0 < settings.max_network_depth <= 10:
            raise SettingsError("PRM_MAX_NETWORK_DEPTH must be between 1 and 10")
        if settings.min_bucket < 1:
            raise SettingsError("PRM_MIN_BUCKET must be at least 1")
        if settings.apq_cache_size < 1:
            raise SettingsError("PRM_APQ_CACHE_SIZE must be at least 1")
        if not settings.jwks_min_refresh_seconds >= 0:  # also NaN
            raise SettingsError("PRM_JWKS_MIN_REFRESH_SECONDS must be 0 or more")
        if settings.ws_max_sockets_per_user < 1:
            raise SettingsError("PRM_WS_MAX_SOCKETS_PER_USER must be at least 1")
        if settings.ws_max_operations_per_user < 1:
            raise SettingsError("PRM_WS_MAX_OPERATIONS_PER_USER must be at least 1")
        if settings.deal_sweep_seconds < 0:
            raise SettingsError("PRM_DEAL_SWEEP_SECONDS must be 0 (off) or positive")
        return settings


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z) and ``localhost``."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False  # any other name may resolve to anything
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def check_serving_address(settings: Settings, host: str) -> None:
    """Development settings (HS256 with a secret published in the repository, GraphiQL,
    introspection) are served on loopback only: anyone who can reach the port could mint
    a token for any user."""
    if settings.env == "dev" and not is_loopback(host):
        raise SettingsError(
            f"PRM_ENV=dev is served on loopback only, not on {host!r}: its token secret is"
            " public. Set PRM_ENV=prod, or PRM_HOST=127.0.0.1"
        )
