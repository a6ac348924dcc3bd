"""``python -m scripts.load``: a mixed portal workload at a concurrency, for a bounded time.

Starts its own Neo4j (instance ``load``, bolt://127.0.0.1:7690), loads the
generated graph at ``--scale``, serves the gateway with production settings
(RS256 tokens, production query limits; only the per-user rate limit is off,
since a handful of demo users carry the whole load), then runs the workload of
scripts/load/workload.py from ``--concurrency`` clients for ``--seconds``.

Reports throughput, latency percentiles per operation, refusals (expected
business answers such as a deal conflict) and errors (5xx, transport
failures, INTERNAL_SERVER_ERROR, SERVICE_UNAVAILABLE, QUERY_TIMEOUT), the
gateway's RSS after warm-up and at the end, and writes it all to ``--out``.
Exits 1 when there was any error: the short CI mode proves the gateway holds,
it never asserts a timing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import httpx

from gateway import neo4j_local
from scripts.bench import data, procstats
from scripts.bench.systems import (
    Neo4jTarget,
    ServerProcess,
    free_port,
    production_env,
    rs256_key_pair,
    token,
    wait_http,
)
from scripts.load.workload import PARTNER, Operation, Workload

ROOT = Path(__file__).resolve().parents[2]
#: Codes that mean the gateway failed, not that it refused a request on its merits.
FAILURES = {"INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "QUERY_TIMEOUT"}


def log(message: str) -> None:
    print(f"[load] {message}", flush=True)


def rss_mb(pid: int) -> float:
    total = 0
    for process in procstats.tree(pid):
        try:
            total += process.memory_info().rss
        except Exception:  # noqa: S112 - a worker that just exited has no RSS
            continue
    return round(total / 2**20, 1)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return round(ordered[index] * 1000, 2)


class Driver:
    def __init__(self, url: str, tokens: dict[str, str], workload: Workload) -> None:
        self.url = url
        self.tokens = tokens
        self.workload = workload
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter[int] = Counter()
        self.codes: Counter[str] = Counter()
        self.errors: list[str] = []
        self.count = 0

    async def one(self, client: httpx.AsyncClient, op: Operation) -> None:
        started = time.perf_counter()
        try:
            response = await client.post(
                self.url,
                json={"query": op.query, "variables": op.variables},
                headers={"authorization": f"Bearer {self.tokens[op.user]}"},
            )
        except httpx.HTTPError as exc:
            self.errors.append(f"{op.name}: {type(exc).__name__}: {exc}")
            return
        self.latencies[op.name].append(time.perf_counter() - started)
        self.statuses[response.status_code] += 1
        self.count += 1
        body = response.json()
        for error in body.get("errors") or ():
            code = str((error.get("extensions") or {}).get("code"))
            self.codes[code] += 1
            if code in FAILURES:
                self.errors.append(f"{op.name}: {code}: {error.get('message')}")
        if response.status_code >= 500:
            self.errors.append(f"{op.name}: HTTP {response.status_code}")

    async def client_loop(self, client: httpx.AsyncClient, until: float) -> None:
        while time.monotonic() < until:
            await self.one(client, self.workload.next())

    async def run(self, concurrency: int, seconds: float) -> float:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(timeout=60.0, limits=limits, trust_env=False) as client:
            started = time.monotonic()
            until = started + seconds
            await asyncio.gather(*(self.client_loop(client, until) for _ in range(concurrency)))
            return time.monotonic() - started


async def partner_customers(url: str, bearer: str) -> list[str]:
    query = """query($owner: ID!) { customers(first: 100, filter: {ownerId: $owner}) {
      edges { node { id } } } }"""
    async with httpx.AsyncClient(timeout=30.0, trust_env=False) as client:
        response = await client.post(
            url,
            json={"query": query, "variables": {"owner": PARTNER}},
            headers={"authorization": f"Bearer {bearer}"},
        )
    edges = response.json()["data"]["customers"]["edges"]
    return [e["node"]["id"] for e in edges]


async def main(args: argparse.Namespace) -> int:
    inst = neo4j_local.instance("load")
    await asyncio.to_thread(neo4j_local.up, inst)
    target = Neo4jTarget(inst.uri, neo4j_local.password())
    server: ServerProcess | None = None
    try:
        db = data.database(target.uri, target.password)
        try:
            await data.ensure_graph(db, args.scale, args.seed)
        finally:
            await db.close()
        private, public = rs256_key_pair()
        port = free_port()
        env = production_env(
            public,
            PRM_HOST="127.0.0.1",
            PRM_PORT=str(port),
            PRM_WORKERS=str(args.workers),
            PRM_RATE_LIMIT_PER_SECOND="0",
            PRM_LOG_LEVEL="WARNING",
            NEO4J_URI=target.uri,
            NEO4J_PASSWORD=target.password,
        )
        server = ServerProcess(
            "load-gateway", [sys.executable, "-m", "gateway.cli", "serve"], env, ROOT
        )
        server.start()
        assert server.process is not None
        await wait_http(server, f"http://127.0.0.1:{port}/readyz")
        url = f"http://127.0.0.1:{port}/graphql"
        users = {
            "us-000001",
            "us-000002",
            "us-000003",
            "us-000004",
            "us-000005",
            "us-000006",
            "us-000007",
            "us-000009",
        }
        tokens = {u: token(u, private, "RS256") for u in users}
        customers = await partner_customers(url, tokens["us-000009"])
        if not customers:
            log("the partner co-000002 owns no customer: no deals to register")
            return 1
        # Reproducible choices of operations, not secrets.
        workload = Workload(customers, random.Random(args.seed))  # noqa: S311

        log(f"warm-up {args.warmup:.0f}s at concurrency {args.concurrency}")
        await Driver(url, tokens, workload).run(args.concurrency, args.warmup)
        rss_start = rss_mb(server.process.pid)
        log(f"measuring {args.seconds:.0f}s at concurrency {args.concurrency}")
        driver = Driver(url, tokens, workload)
        elapsed = await driver.run(args.concurrency, args.seconds)
        rss_end = rss_mb(server.process.pid)
        report = summary(args, driver, elapsed, rss_start, rss_end)
    finally:
        if server is not None:
            await server.stop()
        if not args.keep_neo4j:
            await asyncio.to_thread(neo4j_local.down, inst)
    out = Path(args.out)
    await asyncio.to_thread(_write, out, report)
    print_summary(report)
    log(f"results: {out}")
    return 1 if report["errors"]["count"] else 0


def _write(out: Path, report: dict[str, Any]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")


def summary(
    args: argparse.Namespace, driver: Driver, elapsed: float, rss_start: float, rss_end: float
) -> dict[str, Any]:
    every = [v for values in driver.latencies.values() for v in values]
    return {
        "config": {
            "scale": args.scale,
            "seed": args.seed,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "concurrency": args.concurrency,
            "workers": args.workers,
        },
        "operations": driver.count,
        "throughput_per_s": round(driver.count / elapsed, 1) if elapsed else 0.0,
        "latency_ms": {
            "all": {
                "p50": percentile(every, 50),
                "p95": percentile(every, 95),
                "p99": percentile(every, 99),
                "mean": round(statistics.fmean(every) * 1000, 2) if every else 0.0,
            },
            **{
                name: {
                    "count": len(values),
                    "p50": percentile(values, 50),
                    "p95": percentile(values, 95),
                    "p99": percentile(values, 99),
                }
                for name, values in sorted(driver.latencies.items())
            },
        },
        "http_statuses": {str(k): v for k, v in sorted(driver.statuses.items())},
        "graphql_codes": dict(sorted(driver.codes.items())),
        "errors": {"count": len(driver.errors), "first": driver.errors[:20]},
        "gateway_rss_mb": {"after_warmup": rss_start, "end": rss_end},
    }


def print_summary(report: dict[str, Any]) -> None:
    latency = report["latency_ms"]["all"]
    log(
        f"{report['operations']} operations, {report['throughput_per_s']}/s; "
        f"p50 {latency['p50']} ms, p95 {latency['p95']} ms, p99 {latency['p99']} ms"
    )
    log(f"HTTP {report['http_statuses']}; GraphQL codes {report['graphql_codes']}")
    log(f"gateway RSS {report['gateway_rss_mb']}; errors {report['errors']['count']}")
    for line in report["errors"]["first"]:
        log(f"  {line}")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m scripts.load", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", default="bench/results/load.json")
    parser.add_argument("--keep-neo4j", action="store_true")
    parser.add_argument(
        "--short", action="store_true", help="CI: 5 s at concurrency 16 on SF0.05, 2 s warm-up"
    )
    args = parser.parse_args(argv)
    if args.short:
        args.seconds, args.warmup, args.concurrency, args.scale = 5.0, 2.0, 16, 0.05
        args.out = "bench/results/tmp/load-short.json"
    if not 1 <= args.concurrency <= 512 or args.seconds <= 0:
        parser.error("concurrency must be 1..512 and seconds positive")
    return args


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse(sys.argv[1:]))))
