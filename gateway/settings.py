"""One typed settings object, read from the environment once at start-up."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

from gateway.limits import Limits
from graph import DEV_ERASURE_KEY, DatabaseConfig
from policy import (
    DEFAULT_ACCESS_LOG_RETENTION_DAYS,
    DEFAULT_MAX_NETWORK_DEPTH,
    DEFAULT_MIN_BUCKET,
    DEFAULT_POLICY_FILE,
    DEFAULT_PROPOSAL_DAYS,
    DEFAULT_PROTECTION_DAYS,
)

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
    "PRM_ERASURE_KEY",  # or PRM_ERASURE_KEY_FILE
)
#: The shortest production cursor secret: an HMAC-SHA256 key of at least 256 bits of text.
MIN_CURSOR_SECRET = 32


class SettingsError(ValueError):
    """A setting is missing or malformed: the gateway refuses to start."""


# Each section below is a frozen dataclass whose defaults are the only place those
# defaults are written: ``Settings.from_env`` reads them back from ``Settings()``.
# ``db`` is graph's DatabaseConfig and ``limits`` the query analysis' Limits
# themselves, handed to the driver and the admission as they are.


@dataclass(frozen=True)
class JwtSettings:
    """How bearer tokens are verified: HS256 with a secret in development; in production
    RS256 with a public key or a JWKS URL, for one issuer and audience."""

    secret: str | None = field(default=DEV_JWT_SECRET, repr=False)
    public_key: str | None = field(default=None, repr=False)
    jwks_url: str | None = None
    issuer: str | None = None
    audience: str | None = None
    #: Fewest seconds between two fetches of the JWKS for an unknown ``kid``: a flood
    #: of made-up kids costs one fetch a period.
    jwks_min_refresh_seconds: float = 60.0


@dataclass(frozen=True)
class RateLimit:
    """The per-user token bucket of each worker; a rate of 0 turns it off."""

    per_second: float = 20.0
    burst: int = 100


@dataclass(frozen=True)
class SocketLimits:
    """Per user and worker, over WebSockets."""

    #: Open sockets: one more is closed with 4429.
    max_sockets_per_user: int = 10
    #: Operations running at once over all the user's sockets: more are refused
    #: with TOO_MANY_OPERATIONS.
    max_operations_per_user: int = 30


@dataclass(frozen=True)
class PersistedSettings:
    """Persisted queries (PRM_APQ, PRM_APQ_CACHE_SIZE, PRM_PERSISTED_QUERIES_FILE)."""

    #: Automatic persisted queries: a hash runs its registered query.
    apq: bool = True
    #: Hashes each worker remembers for APQ, least recently used evicted.
    cache_size: int = 1000
    #: Allow-list mode: only this file's operations run.
    queries_file: Path | None = None


@dataclass(frozen=True)
class ErasureSettings:
    """Erasure (docs/privacy.md): the key of the tombstones' keyed hash (PRM_ERASURE_KEY).

    The same key on every worker and for `prm import`, and kept: under another key
    the tombstones of earlier erasures no longer match and erased accounts can be
    imported again."""

    key: str = field(default=DEV_ERASURE_KEY, repr=False)


@dataclass(frozen=True)
class AuditSettings:
    """How long AuditEvents are kept (PRM_AUDIT_RETENTION_DAYS) and how often a running
    gateway deletes older ones (PRM_AUDIT_SWEEP_SECONDS; 0: only `prm sweep-audit`)."""

    #: A year and a month: a full year of history for the yearly review of a
    #: partnership, the same window as the access log's (docs/privacy.md, "Retention").
    retention_days: int = 400
    sweep_seconds: float = 3600.0


def _dev_database() -> DatabaseConfig:
    return DatabaseConfig(password=DEV_NEO4J_PASSWORD)


@dataclass(frozen=True)
class AccessLogSettings:
    """Access transparency's read log (graph/access_log.py)."""

    #: Days a read is kept; a sweep deletes older ones (PRM_ACCESS_LOG_RETENTION_DAYS).
    retention_days: int = DEFAULT_ACCESS_LOG_RETENTION_DAYS
    #: Seconds between retention sweeps of a running gateway (PRM_ACCESS_LOG_SWEEP_SECONDS).
    sweep_seconds: float = 3600.0
    #: Reads waiting to be written before more are dropped and counted in /metrics
    #: (PRM_ACCESS_LOG_MAX_PENDING).
    max_pending: int = 200_000


@dataclass(frozen=True)
class Settings:
    env: Literal["dev", "prod"] = "dev"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    db: DatabaseConfig = field(default_factory=_dev_database)
    jwt: JwtSettings = field(default_factory=JwtSettings)
    cursor_secret: str = field(default="", repr=False)
    #: The shipped policy (package data) unless PRM_POLICY_FILE names a file.
    policy_file: Traversable = DEFAULT_POLICY_FILE
    #: Query limits and page sizes; AppState's copy also carries the schema whose
    #: list caps price the cost.
    limits: Limits = field(default_factory=Limits)
    rate: RateLimit = field(default_factory=RateLimit)
    ws: SocketLimits = field(default_factory=SocketLimits)
    persisted: PersistedSettings = field(default_factory=PersistedSettings)
    access_log: AccessLogSettings = field(default_factory=AccessLogSettings)
    erasure: ErasureSettings = field(default_factory=ErasureSettings)
    audit: AuditSettings = field(default_factory=AuditSettings)
    max_body_bytes: int = 100_000
    # The developer conveniences below default to on; production turns them off
    # unless their variable says otherwise (from_env).
    graphiql: bool = True
    introspection: bool = True
    #: Serve ``_service { sdl }`` for a federation router (PRM_FEDERATION).
    federation: bool = True
    expose_stats: bool = True
    log_level: str = "INFO"
    #: ``json`` (one object a line, with the request id) or ``text`` (PRM_LOG_FORMAT);
    #: production's default is json.
    log_format: Literal["json", "text"] = "text"
    #: Origins allowed to call the API from a browser (PRM_CORS_ORIGINS, comma-separated).
    cors_origins: tuple[str, ...] = ()
    #: Serve Prometheus metrics at /metrics (PRM_METRICS).
    metrics: bool = True
    #: A bearer token /metrics requires (PRM_METRICS_TOKEN); production serves no
    #: metrics without one.
    metrics_token: str | None = field(default=None, repr=False)
    #: How long an open deal registration protects its registrant (PRM_DEAL_PROTECTION_DAYS).
    deal_protection_days: int = DEFAULT_PROTECTION_DAYS
    #: Seconds between sweeps that persist EXPIRED deals; 0 = no periodic sweep in the app
    #: (reads expire deals lazily anyway; `prm sweep-deals` does it from cron).
    deal_sweep_seconds: float = 0.0
    #: Days a consent proposal waits for its answer before it expires
    #: (PRM_CONSENT_PROPOSAL_DAYS; docs/consent.md). The deal sweep also expires them.
    consent_proposal_days: int = DEFAULT_PROPOSAL_DAYS
    #: Deepest network(depth:) a client may ask for, and its default (PRM_MAX_NETWORK_DEPTH).
    max_network_depth: int = DEFAULT_MAX_NETWORK_DEPTH
    #: Smallest bucket an overlap or coverage breakdown shows (PRM_MIN_BUCKET).
    min_bucket: int = DEFAULT_MIN_BUCKET

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

        def text(name: str, default: str) -> str:
            return get(name) or default

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

        d = cls()  # the defaults: written once, in the dataclasses
        mode = get("PRM_ENV", d.env)
        if mode not in ("dev", "prod"):
            raise SettingsError(f"PRM_ENV must be dev or prod, got {mode!r}")
        prod = mode == "prod"
        jwt_secret = secret("PRM_JWT_SECRET", None if prod else d.jwt.secret)
        public_key = secret("PRM_JWT_PUBLIC_KEY")
        jwks_url = get("PRM_JWT_JWKS_URL")
        if prod and not (public_key or jwks_url):
            raise SettingsError("PRM_ENV=prod needs PRM_JWT_PUBLIC_KEY(_FILE) or PRM_JWT_JWKS_URL")
        password = secret("NEO4J_PASSWORD", None if prod else d.db.password)
        if password is None:
            raise SettingsError("NEO4J_PASSWORD(_FILE) is required when PRM_ENV=prod")
        issuer, audience = get("PRM_JWT_ISSUER"), get("PRM_JWT_AUDIENCE")
        if prod and not (issuer and audience):
            # A token of the same IdP minted for another application must not pass here.
            raise SettingsError("PRM_ENV=prod needs PRM_JWT_ISSUER and PRM_JWT_AUDIENCE")
        # Never derived from a public key or a URL: anyone could forge cursors with those.
        cursor_secret = secret("PRM_CURSOR_SECRET", None if prod else jwt_secret)
        policy_path = get("PRM_POLICY_FILE")
        # The operator's file, else the shipped one (package data, not a path in a checkout).
        policy_file = Path(policy_path) if policy_path else d.policy_file
        if prod and (cursor_secret is None or len(cursor_secret) < MIN_CURSOR_SECRET):
            raise SettingsError(
                f"PRM_ENV=prod needs PRM_CURSOR_SECRET(_FILE) of at least {MIN_CURSOR_SECRET}"
                " characters (e.g. `openssl rand -hex 32`), the same on every worker"
            )
        metrics_token = secret("PRM_METRICS_TOKEN")
        metrics = flag("PRM_METRICS", d.metrics and (not prod or metrics_token is not None))
        if prod and metrics and metrics_token is None:
            raise SettingsError("PRM_ENV=prod serves /metrics only behind PRM_METRICS_TOKEN(_FILE)")
        erasure_key = secret("PRM_ERASURE_KEY", None if prod else d.erasure.key)
        if prod and (
            erasure_key is None or erasure_key == DEV_ERASURE_KEY or len(erasure_key) < 32
        ):
            raise SettingsError(
                "PRM_ENV=prod needs PRM_ERASURE_KEY(_FILE) of at least 32 characters (e.g."
                " `openssl rand -hex 32`), kept: the tombstones of erased accounts depend on it"
            )
        log_format = text("PRM_LOG_FORMAT", "json" if prod else d.log_format)
        if log_format not in ("json", "text"):
            raise SettingsError(f"PRM_LOG_FORMAT must be json or text, got {log_format!r}")
        cors = get("PRM_CORS_ORIGINS") or ""
        settings = cls(
            env="prod" if prod else "dev",
            host=text("PRM_HOST", d.host),
            port=integer("PRM_PORT", d.port),
            workers=integer("PRM_WORKERS", d.workers),
            db=DatabaseConfig(
                uri=text("NEO4J_URI", d.db.uri),
                user=text("NEO4J_USER", d.db.user),
                password=password,
                database=text("NEO4J_DATABASE", d.db.database),
                retry_seconds=number("PRM_DB_RETRY_SECONDS", d.db.retry_seconds),
                connect_timeout=number("PRM_DB_CONNECT_TIMEOUT", d.db.connect_timeout),
                query_timeout=number("PRM_DB_QUERY_TIMEOUT", d.db.query_timeout),
                pool_size=integer("PRM_DB_POOL_SIZE", d.db.pool_size),
            ),
            jwt=JwtSettings(
                secret=jwt_secret,
                public_key=public_key,
                jwks_url=jwks_url,
                issuer=issuer,
                audience=audience,
                jwks_min_refresh_seconds=number(
                    "PRM_JWKS_MIN_REFRESH_SECONDS", d.jwt.jwks_min_refresh_seconds
                ),
            ),
            cursor_secret=cursor_secret or d.cursor_secret,
            policy_file=policy_file,
            limits=Limits(
                max_depth=integer("PRM_MAX_DEPTH", d.limits.max_depth),
                max_aliases=integer("PRM_MAX_ALIASES", d.limits.max_aliases),
                max_directives=integer("PRM_MAX_DIRECTIVES", d.limits.max_directives),
                max_tokens=integer("PRM_MAX_TOKENS", d.limits.max_tokens),
                max_root_fields=integer("PRM_MAX_ROOT_FIELDS", d.limits.max_root_fields),
                max_cost=integer("PRM_MAX_COST", d.limits.max_cost),
                default_first=integer("PRM_DEFAULT_FIRST", d.limits.default_first),
                max_first=integer("PRM_MAX_FIRST", d.limits.max_first),
            ),
            rate=RateLimit(
                per_second=number("PRM_RATE_LIMIT_PER_SECOND", d.rate.per_second),
                burst=integer("PRM_RATE_LIMIT_BURST", d.rate.burst),
            ),
            ws=SocketLimits(
                max_sockets_per_user=integer(
                    "PRM_WS_MAX_SOCKETS_PER_USER", d.ws.max_sockets_per_user
                ),
                max_operations_per_user=integer(
                    "PRM_WS_MAX_OPERATIONS_PER_USER", d.ws.max_operations_per_user
                ),
            ),
            persisted=PersistedSettings(
                apq=flag("PRM_APQ", d.persisted.apq),
                cache_size=integer("PRM_APQ_CACHE_SIZE", d.persisted.cache_size),
                queries_file=(
                    Path(queries_file)
                    if (queries_file := get("PRM_PERSISTED_QUERIES_FILE"))
                    else d.persisted.queries_file
                ),
            ),
            access_log=AccessLogSettings(
                retention_days=integer(
                    "PRM_ACCESS_LOG_RETENTION_DAYS", d.access_log.retention_days
                ),
                sweep_seconds=number("PRM_ACCESS_LOG_SWEEP_SECONDS", d.access_log.sweep_seconds),
                max_pending=integer("PRM_ACCESS_LOG_MAX_PENDING", d.access_log.max_pending),
            ),
            graphiql=flag("PRM_GRAPHIQL", d.graphiql and not prod),
            introspection=flag("PRM_INTROSPECTION", d.introspection and not prod),
            federation=flag("PRM_FEDERATION", d.federation and not prod),
            expose_stats=flag("PRM_EXPOSE_STATS", d.expose_stats and not prod),
            erasure=ErasureSettings(key=erasure_key or d.erasure.key),
            audit=AuditSettings(
                retention_days=integer("PRM_AUDIT_RETENTION_DAYS", d.audit.retention_days),
                sweep_seconds=number("PRM_AUDIT_SWEEP_SECONDS", d.audit.sweep_seconds),
            ),
            max_body_bytes=integer("PRM_MAX_BODY_BYTES", d.max_body_bytes),
            log_level=text("PRM_LOG_LEVEL", d.log_level),
            log_format="json" if log_format == "json" else "text",
            cors_origins=tuple(o.strip().rstrip("/") for o in cors.split(",") if o.strip()),
            metrics=metrics,
            metrics_token=metrics_token,
            deal_protection_days=integer("PRM_DEAL_PROTECTION_DAYS", d.deal_protection_days),
            deal_sweep_seconds=number("PRM_DEAL_SWEEP_SECONDS", d.deal_sweep_seconds),
            consent_proposal_days=integer("PRM_CONSENT_PROPOSAL_DAYS", d.consent_proposal_days),
            max_network_depth=integer("PRM_MAX_NETWORK_DEPTH", d.max_network_depth),
            min_bucket=integer("PRM_MIN_BUCKET", d.min_bucket),
        )
        if not settings.cursor_secret:
            raise SettingsError("PRM_CURSOR_SECRET is required")
        if not 0 < settings.limits.default_first <= settings.limits.max_first:
            raise SettingsError("need 0 < PRM_DEFAULT_FIRST <= PRM_MAX_FIRST")
        if not 0 < settings.deal_protection_days <= 3650:
            raise SettingsError("PRM_DEAL_PROTECTION_DAYS must be between 1 and 3650")
        if not 0 < settings.consent_proposal_days <= 365:
            raise SettingsError("PRM_CONSENT_PROPOSAL_DAYS must be between 1 and 365")
        if not 0 < settings.max_network_depth <= 10:
            raise SettingsError("PRM_MAX_NETWORK_DEPTH must be between 1 and 10")
        if settings.min_bucket < 1:
            raise SettingsError("PRM_MIN_BUCKET must be at least 1")
        if settings.persisted.cache_size < 1:
            raise SettingsError("PRM_APQ_CACHE_SIZE must be at least 1")
        if not settings.jwt.jwks_min_refresh_seconds >= 0:  # also NaN
            raise SettingsError("PRM_JWKS_MIN_REFRESH_SECONDS must be 0 or more")
        if settings.ws.max_sockets_per_user < 1:
            raise SettingsError("PRM_WS_MAX_SOCKETS_PER_USER must be at least 1")
        if settings.ws.max_operations_per_user < 1:
            raise SettingsError("PRM_WS_MAX_OPERATIONS_PER_USER must be at least 1")
        if settings.access_log.retention_days < 1:
            raise SettingsError("PRM_ACCESS_LOG_RETENTION_DAYS must be at least 1")
        if not settings.access_log.sweep_seconds > 0:  # also NaN: retention is enforced
            raise SettingsError("PRM_ACCESS_LOG_SWEEP_SECONDS must be positive")
        if settings.access_log.max_pending < 1:
            raise SettingsError("PRM_ACCESS_LOG_MAX_PENDING must be at least 1")
        if not 1 <= settings.audit.retention_days <= 36500:
            raise SettingsError("PRM_AUDIT_RETENTION_DAYS must be between 1 and 36500")
        if not settings.audit.sweep_seconds >= 0:  # also NaN
            raise SettingsError("PRM_AUDIT_SWEEP_SECONDS must be 0 (off) or positive")
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
