"""The three systems under test: how each is started, asked, loaded and stopped.

- ``floor``: the suite's Cypher on one async Python driver, in this process.
- ``gateway``: ``python -m gateway.cli serve`` (Uvicorn, N workers) with
  production settings: ``PRM_ENV=prod``, RS256 tokens verified against a key
  pair generated for the run, GraphiQL off; ``PRM_EXPOSE_STATS=true`` so each
  answer carries its Cypher round trips.
- ``gateway-nodelay``: the same, launched by ``scripts.bench.serve_nodelay``
  so that its connections get TCP_NODELAY with N > 1 workers (see there).
- ``neo4j-graphql``: ``node server.mjs`` in bench/neo4j_graphql (HS256 tokens
  with its own secret), when that directory has a server and its packages.

Servers run in their own session (process group) and are stopped with
SIGTERM, then SIGKILL; they listen on loopback ports picked at start.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from neo4j import AsyncDriver, AsyncGraphDatabase, AsyncResult, RoutingControl

from scripts.bench import neo4j_graphql
from scripts.bench.canonical import AnswerError, JsonValue
from scripts.bench.load import Operation, Reported, graphql_operation, require_loopback
from scripts.bench.suite import VIEWER_USER, SuiteQuery, gateway_data

ROOT = Path(__file__).resolve().parents[2]
LOG_DIR = ROOT / "bench" / "results" / "tmp"
TOKEN_TTL = 6 * 3600
#: Issuer and audience of the harnesses' production tokens: PRM_ENV=prod requires both.
ISSUER = "https://harness.prm.invalid"
AUDIENCE = "prm-gateway"
#: The settings a harness sets itself; an operator's ``*_FILE`` variant of one would clash.
_HARNESS_SECRETS = (
    "PRM_JWT_SECRET",
    "PRM_JWT_SECRET_FILE",
    "PRM_JWT_PUBLIC_KEY_FILE",
    "PRM_JWT_JWKS_URL",
    "PRM_CURSOR_SECRET_FILE",
    "NEO4J_PASSWORD_FILE",
    "PRM_METRICS_TOKEN_FILE",
    "PRM_ERASURE_KEY_FILE",
)
START_TIMEOUT = 90.0
STOP_TIMEOUT = 20.0
ANSWER_TIMEOUT = 3600.0


@dataclass(frozen=True)
class Neo4jTarget:
    uri: str
    password: str
    user: str = "neo4j"
    database: str = "neo4j"


@dataclass
class Answer:
    canonical: JsonValue
    #: Cypher round trips the system reported for this operation (gateway only).
    reported_round_trips: int | None = None


class System(Protocol):
    name: str

    @property
    def pid(self) -> int | None:
        """The server process (tree root) whose CPU and memory are measured, if any."""

    def describe(self) -> dict[str, Any]: ...

    async def start(self, neo4j: Neo4jTarget) -> None: ...

    async def stop(self) -> None: ...

    async def answer(self, query: SuiteQuery) -> Answer: ...

    def operation(self, query: SuiteQuery, client: httpx.AsyncClient) -> Operation: ...


class Unavailable(RuntimeError):
    """A system that cannot run here (e.g. the Node server is not written yet)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# -- (a) floor ---------------------------------------------------------------


async def _records(result: AsyncResult) -> list[dict[str, Any]]:
    return [record.data() async for record in result]


class FloorSystem:
    name = "floor"

    def __init__(self) -> None:
        self._driver: AsyncDriver | None = None
        self._database = "neo4j"

    @property
    def pid(self) -> int | None:
        return None

    def describe(self) -> dict[str, Any]:
        return {
            "what": "one hand-written parameterized Cypher per query (scripts/bench/floor.py), "
            "neo4j async Python driver, in the load driver's process",
            "round_trips": "1 by construction (one execute_query per operation)",
        }

    async def start(self, neo4j: Neo4jTarget) -> None:
        self._database = neo4j.database
        self._driver = AsyncGraphDatabase.driver(
            neo4j.uri,
            auth=(neo4j.user, neo4j.password),
            max_connection_pool_size=128,
            notifications_min_severity="OFF",
        )
        await self._driver.verify_connectivity()

    async def stop(self) -> None:
        if self._driver is not None:
            await self._driver.close()
            self._driver = None

    async def _run(self, query: SuiteQuery) -> list[dict[str, Any]]:
        assert self._driver is not None, "floor not started"
        records: list[dict[str, Any]] = await self._driver.execute_query(
            query.floor_query,
            dict(query.floor_params),
            routing_=RoutingControl.WRITE if query.write else RoutingControl.READ,
            database_=self._database,
            result_transformer_=_records,
        )
        return records

    async def answer(self, query: SuiteQuery) -> Answer:
        return Answer(query.from_floor(await self._run(query)), 1)

    def operation(self, query: SuiteQuery, client: httpx.AsyncClient) -> Operation:
        calls = itertools.count()

        async def call() -> Reported:
            await self._run(query.nth(next(calls)))
            return Reported(round_trips=1)

        return call


# -- server processes ----------------------------------------------------------


@dataclass
class ServerProcess:
    """A server in its own process group, its output in a log file."""

    name: str
    argv: list[str]
    env: Mapping[str, str]
    cwd: Path
    log_path: Path = field(init=False)
    process: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        self.log_path = LOG_DIR / f"{self.name}.log"

    def start(self) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
                self.argv,
                cwd=self.cwd,
                env=dict(self.env),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tail(self, chars: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return ""

    async def stop(self) -> None:
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                await asyncio.to_thread(process.wait, STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                await asyncio.to_thread(process.wait, STOP_TIMEOUT)
        # Workers of the group that outlived their parent.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        self.process = None


async def wait_http(
    server: ServerProcess, url: str, ok: int = 200, *, body: bytes | None = None, token: str = ""
) -> None:
    """Poll until ``url`` answers ``ok`` (GET, or POST ``body``), or the server dies."""
    require_loopback(url)
    deadline = time.monotonic() + START_TIMEOUT
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    async with httpx.AsyncClient(timeout=5.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            if not server.alive():
                raise Unavailable(f"{server.name} exited during start-up:\n{server.tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if body is None:
                    response = await client.get(url)
                else:
                    response = await client.post(url, content=body, headers=headers)
                if response.status_code == ok:
                    return
            await asyncio.sleep(0.3)
    raise Unavailable(f"{server.name} not ready within {START_TIMEOUT:.0f}s:\n{server.tail()}")


class HttpGraphQLSystem:
    """What the GraphQL servers share: tokens, one request per answer, load operations."""

    name = ""

    def __init__(self) -> None:
        self.server: ServerProcess | None = None
        self.url = ""
        #: The signing key and algorithm of this run's tokens (set by start).
        self.signing: tuple[str, str] = ("", "")
        self._tokens: dict[str, str] = {}

    @property
    def token(self) -> str:
        """The suite viewer's token."""
        return self.token_for(VIEWER_USER)

    def token_for(self, user_id: str) -> str:
        """A token whose ``sub`` is ``user_id`` (one per user and run)."""
        if user_id not in self._tokens:
            self._tokens[user_id] = token(user_id, *self.signing)
        return self._tokens[user_id]

    @property
    def pid(self) -> int | None:
        return self.server.process.pid if self.server and self.server.process else None

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.stop()
            self.server = None

    def request_body(self, query: SuiteQuery) -> bytes:
        raise NotImplementedError

    def normalize(self, query: SuiteQuery, body: Mapping[str, Any]) -> Answer:
        raise NotImplementedError

    async def answer(self, query: SuiteQuery) -> Answer:
        headers = {
            "authorization": f"Bearer {self.token_for(query.viewer)}",
            "content-type": "application/json",
        }
        # The caller bounds each answer (asyncio.timeout); this only backs it up.
        async with httpx.AsyncClient(timeout=ANSWER_TIMEOUT, trust_env=False) as client:
            response = await client.post(
                self.url, content=self.request_body(query), headers=headers
            )
        if response.status_code != 200:
            raise AnswerError(f"{self.name}: HTTP {response.status_code}: {response.text[:300]}")
        return self.normalize(query, response.json())

    def operation(self, query: SuiteQuery, client: httpx.AsyncClient) -> Operation:
        token = self.token_for(query.viewer)
        if query.iteration is None:
            return graphql_operation(client, self.url, token, self.request_body(query))
        calls = itertools.count()
        return graphql_operation(
            client, self.url, token, lambda: self.request_body(query.nth(next(calls)))
        )


# -- (b) gateway -----------------------------------------------------------------


def rs256_key_pair() -> tuple[str, str]:
    """(private PEM, public PEM), made for one run."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def token(user_id: str, key: str, algorithm: str) -> str:
    now = int(time.time())
    claims = {"sub": user_id, "iat": now, "exp": now + TOKEN_TTL, "iss": ISSUER, "aud": AUDIENCE}
    return jwt.encode(claims, key, algorithm)


def production_env(public_key: str, **settings: str) -> dict[str, str]:
    """The environment of a gateway a harness serves with PRM_ENV=prod: its own RS256 key,
    issuer, audience and a cursor secret made for the run, plus ``settings``."""
    env = {
        **os.environ,
        "PRM_ENV": "prod",
        "PRM_JWT_PUBLIC_KEY": public_key,
        "PRM_JWT_ISSUER": ISSUER,
        "PRM_JWT_AUDIENCE": AUDIENCE,
        "PRM_CURSOR_SECRET": secrets.token_hex(32),
        "PRM_ERASURE_KEY": secrets.token_hex(32),
        **settings,
    }
    for name in _HARNESS_SECRETS:
        env.pop(name, None)
    return env


class GatewaySystem(HttpGraphQLSystem):
    """``prm serve``; with ``nodelay``, through scripts/bench/serve_nodelay.py (TCP_NODELAY)."""

    def __init__(self, workers: int, *, nodelay: bool = False) -> None:
        super().__init__()
        self.workers = workers
        self.nodelay = nodelay
        self.name = "gateway-nodelay" if nodelay else "gateway"

    def describe(self) -> dict[str, Any]:
        launcher = (
            "python -m scripts.bench.serve_nodelay (prm serve with the listening socket "
            "marked IPPROTO_TCP, so accepted connections get TCP_NODELAY)"
            if self.nodelay
            else "python -m gateway.cli serve (prm serve)"
        )
        return {
            "what": f"this gateway: {launcher}, Uvicorn, {self.workers} worker process(es)",
            "settings": "PRM_ENV=prod (RS256 tokens, key pair, issuer, audience and cursor "
            "secret made per run), "
            "PRM_GRAPHIQL=false, PRM_EXPOSE_STATS=true, PRM_MAX_COST=1e9, PRM_MAX_FIRST=1e6, "
            "PRM_RATE_LIMIT_PER_SECOND=0 (off), other settings at their defaults",
            "round_trips": "extensions.stats.cypherRoundTrips of each response",
        }

    async def start(self, neo4j: Neo4jTarget) -> None:
        private, public = rs256_key_pair()
        port = free_port()
        env = production_env(
            public,
            PRM_HOST="127.0.0.1",
            PRM_PORT=str(port),
            PRM_WORKERS=str(self.workers),
            PRM_GRAPHIQL="false",
            PRM_EXPOSE_STATS="true",
            # The suite's nested query asks for more than production's cost
            # limit, and one load-driver user would hit the per-user rate limit.
            PRM_MAX_COST="1000000000",
            # The network is compared whole (SF1: 391 companies), and the gateway
            # cuts every list the data decides at PRM_MAX_FIRST (docs/security.md).
            PRM_MAX_FIRST="1000000",
            PRM_RATE_LIMIT_PER_SECOND="0",
            NEO4J_URI=neo4j.uri,
            NEO4J_USER=neo4j.user,
            NEO4J_PASSWORD=neo4j.password,
            NEO4J_DATABASE=neo4j.database,
            PYTHONDONTWRITEBYTECODE="1",
        )
        module = ["scripts.bench.serve_nodelay"] if self.nodelay else ["gateway.cli", "serve"]
        self.server = ServerProcess(self.name, [sys.executable, "-m", *module], env, ROOT)
        self.server.start()
        self.url = f"http://127.0.0.1:{port}/graphql"
        self.signing = (private, "RS256")
        await wait_http(self.server, f"http://127.0.0.1:{port}/readyz")

    def request_body(self, query: SuiteQuery) -> bytes:
        payload = {"query": query.gateway_query, "variables": dict(query.gateway_variables)}
        return json.dumps(payload).encode()

    def normalize(self, query: SuiteQuery, body: Mapping[str, Any]) -> Answer:
        stats = (body.get("extensions") or {}).get("stats") or {}
        trips = stats.get("cypherRoundTrips")
        return Answer(
            query.from_gateway(gateway_data(body)), int(trips) if trips is not None else None
        )


# -- (c) @neo4j/graphql ----------------------------------------------------------


class Neo4jGraphQLSystem(HttpGraphQLSystem):
    name = "neo4j-graphql"

    def __init__(self) -> None:
        super().__init__()
        self.directory = neo4j_graphql.DIRECTORY

    def describe(self) -> dict[str, Any]:
        return {
            "what": "@neo4j/graphql + @apollo/server on Node: node server.mjs "
            "(bench/neo4j_graphql), HS256 tokens",
            "packages": neo4j_graphql.package_versions(),
            "round_trips": "counted on the wire (Bolt RUN messages) while answers are "
            "checked; the library compiles each GraphQL operation into one Cypher statement",
        }

    async def start(self, neo4j: Neo4jTarget) -> None:
        missing = neo4j_graphql.missing()
        if missing:
            raise Unavailable(f"bench/neo4j_graphql not ready: {missing}")
        node = shutil.which("node")
        if node is None:
            raise Unavailable("node is not on PATH")
        secret = secrets.token_hex(32)
        port = free_port()
        env = {
            **os.environ,
            "NEO4J_URI": neo4j.uri,
            "NEO4J_USER": neo4j.user,
            "NEO4J_PASSWORD": neo4j.password,
            "NEO4J_DATABASE": neo4j.database,
            "PORT": str(port),
            "JWT_SECRET": secret,
            "NODE_ENV": "production",
        }
        self.server = ServerProcess("neo4j-graphql", [node, "server.mjs"], env, self.directory)
        self.server.start()
        self.url = f"http://127.0.0.1:{port}/graphql"
        self.signing = (secret, "HS256")
        probe = json.dumps({"query": "{ __typename }"}).encode()
        await wait_http(self.server, self.url, body=probe, token=self.token)

    def request_body(self, query: SuiteQuery) -> bytes:
        operation = neo4j_graphql.operation(query.key)
        payload = {"query": operation, "variables": neo4j_graphql.variables(query)}
        return json.dumps(payload).encode()

    def normalize(self, query: SuiteQuery, body: Mapping[str, Any]) -> Answer:
        return Answer(neo4j_graphql.normalize(query.key, body))


def make_system(name: str, workers: int) -> System:
    if name == "floor":
        return FloorSystem()
    if name == "gateway":
        return GatewaySystem(workers)
    if name == "gateway-nodelay":
        return GatewaySystem(workers, nodelay=True)
    if name == "neo4j-graphql":
        return Neo4jGraphQLSystem()
    raise ValueError(f"unknown system {name!r}")


SYSTEMS: tuple[str, ...] = ("floor", "gateway", "gateway-nodelay", "neo4j-graphql")
