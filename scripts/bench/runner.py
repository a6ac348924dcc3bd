"""One benchmark run: data, answers checked across the systems, then the timed cells.

1. The ``bench`` Neo4j is started if it is not running (and stopped at the
   end if this run started it); the graph at the scale is loaded unless the
   graph already holds it (``scripts.bench.data``).
2. Check: every system is started behind a Bolt-counting proxy; each query
   is answered ``check_repeats`` times by each system, normalized to the
   canonical form, compared with the floor's answer and with the suite's own
   promises; the Cypher statements of each answer are counted on the wire.
   A disagreement ends the run (exit 1) before any timing.
3. Timing: the systems are started again directly on Neo4j; for each
   concurrency, each query, each system in turn (so that the ratios compare
   neighbours in time): a warm-up, then a measured run, with the CPU time of
   the server and Neo4j process trees read before and after it.
4. Optionally a py-spy profile of the gateway under load on one query.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, LiteralString

from gateway import neo4j_local
from graph import Database
from policy import load_policy
from scripts.bench import data, floor, machine, procstats, report
from scripts.bench.boltcount import BoltCounter
from scripts.bench.canonical import JsonValue, fingerprint, first_difference, size
from scripts.bench.load import LoadResult, http_client, run_load
from scripts.bench.stats import Summary
from scripts.bench.suite import (
    DEAL_PARTNER,
    DEAL_VENDOR,
    SuiteQuery,
    build_suite,
    check_answer,
)
from scripts.bench.systems import Neo4jTarget, System, Unavailable, make_system

#: An answer slower than this (seconds, while checking) is asked once, and its
#: system is timed on that query at concurrency 1 only, without warm-up: many
#: concurrent ones would run for minutes and exhaust Neo4j's transaction memory.
SLOW_SECONDS = 5.0
#: Longest wait, before a measured run, for Neo4j to finish the previous cell's
#: transactions (a server may still run statements whose client gave up).
SETTLE_SECONDS = 30.0

RUNNING_TRANSACTIONS_QUERY: LiteralString = """
SHOW TRANSACTIONS YIELD currentQuery
WHERE NOT currentQuery CONTAINS 'SHOW TRANSACTIONS'
RETURN count(*) AS running
"""


@dataclass(frozen=True)
class Config:
    scale: float
    seed: int
    short: bool
    workers: int
    concurrency: tuple[int, ...]
    iterations: int
    warmup: int
    max_seconds: float
    systems: tuple[str, ...]
    #: Systems named on the command line must run; the others are skipped when unavailable.
    required: frozenset[str]
    keys: tuple[str, ...]
    check_repeats: int
    #: Longest wait for one answer (check) or one timed operation.
    answer_timeout: float
    keep_neo4j: bool
    profile_key: str | None
    profile_seconds: float
    results_path: Path
    write_docs: bool
    command: str

    def requests(self, concurrency: int) -> int:
        """Measured operations of one cell: ``iterations``, and at least 4 per worker."""
        return self.iterations if concurrency == 1 else max(self.iterations, 4 * concurrency)


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


async def run(config: Config) -> int:
    inst = data.bench_instance()
    started_neo4j = neo4j_local.running_pid(inst) is None
    await asyncio.to_thread(neo4j_local.up, inst)
    try:
        return await _run(config, inst)
    finally:
        if started_neo4j and not config.keep_neo4j:
            await asyncio.to_thread(neo4j_local.down, inst)


async def _neo4j_facts(target: Neo4jTarget) -> tuple[str | None, dict[str, str]]:
    db = data.database(target.uri, target.password)
    try:
        rows = await db.read("CALL dbms.components() YIELD versions RETURN versions[0] AS v", {})
    finally:
        await db.close()
    inst = data.bench_instance()
    return (str(rows[0]["v"]) if rows else None), {"heap": inst.heap, "pagecache": inst.pagecache}


async def _run(config: Config, inst: neo4j_local.Instance) -> int:
    started = time.perf_counter()
    target = Neo4jTarget(inst.uri, neo4j_local.password())
    db = data.database(target.uri, target.password)
    try:
        # Writes of an interrupted run (the graph then reads as changed and reloads).
        await _undo(db, build_suite(load_policy()))
        graph = await data.ensure_graph(db, config.scale, config.seed)
        state_before = await data.graph_state(db)
        deal_customers = [
            str(r["id"])
            for r in await db.read(
                floor.DEAL_CUSTOMERS_QUERY, {"vendor": DEAL_VENDOR, "owner": DEAL_PARTNER}
            )
        ]
    finally:
        await db.close()
    neo4j_pid = neo4j_local.running_pid(inst)
    neo4j_version, neo4j_memory = await _neo4j_facts(target)
    suite = [q for q in build_suite(load_policy(), deal_customers) if q.key in config.keys]
    results: dict[str, Any] = {
        "schema": 1,
        "mode": "short" if config.short else "full",
        "command": config.command,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "scale": config.scale,
        "seed": config.seed,
        "graph": asdict(graph),
        "machine": machine.describe(neo4j_version, neo4j_memory),
        "settings": {
            "workers": config.workers,
            "concurrency": list(config.concurrency),
            "iterations": config.iterations,
            "requests_per_cell": {str(c): config.requests(c) for c in config.concurrency},
            "warmup": config.warmup,
            "max_seconds_per_cell": config.max_seconds,
            "check_repeats": config.check_repeats,
            "answer_timeout_seconds": config.answer_timeout,
            "slow_seconds": SLOW_SECONDS,
            "keys": [q.key for q in suite],
            "excluded": {q.key: dict(q.excluded) for q in suite if q.excluded},
            "max_requests": {q.key: q.max_requests for q in suite if q.max_requests},
        },
        "systems": {},
        "skipped": {},
    }
    names = await _check(config, suite, target, results)
    agree = results["agreement"]["agree"]
    if agree:
        await _time(config, suite, names, target, inst, results)
    db = data.database(target.uri, target.password)
    try:
        state_after = await data.graph_state(db)
    finally:
        await db.close()
    disturbed = []
    if state_after != state_before:
        disturbed.append(f"the graph changed during the run: {state_before} -> {state_after}")
    if neo4j_local.running_pid(inst) != neo4j_pid:
        disturbed.append("the bench Neo4j was restarted during the run")
    results["graph_state"] = {"before": state_before, "after": state_after}
    results["disturbed"] = disturbed
    results["duration_seconds"] = round(time.perf_counter() - started, 1)
    path = config.results_path
    if disturbed:  # keep the last good results where the docs read them
        path = path.parent / "tmp" / path.name.replace(".json", "-void.json")
    report.write_results(results, path)
    log(f"results: {path}")
    for reason in disturbed:
        log(f"RUN VOID: {reason} (another process uses the bench instance?)")
    if disturbed:
        return 1
    if config.write_docs and agree:
        report.write_docs(config.results_path.parent)
        log(f"docs: {report.DOCS} and {report.CHART}")
    if not agree:
        log("ANSWERS DISAGREE: no timing was done (see above)")
        return 1
    if not results["agreement"]["ok"]:
        log("a system failed to answer a query (see above): it was not timed on it")
        return 1
    errors = sum(cell["errors"] for cell in results.get("cells", ()))
    if errors and config.short:
        log(f"{errors} failed requests during the timed runs")
        return 1
    return 0


async def _start(
    names: Sequence[str], config: Config, target: Neo4jTarget, results: dict[str, Any]
) -> dict[str, System]:
    started: dict[str, System] = {}
    for name in names:
        system = make_system(name, config.workers)
        try:
            await system.start(target)
        except Unavailable as exc:
            await system.stop()
            if name in config.required:
                for other in started.values():
                    await other.stop()
                raise
            results["skipped"][name] = str(exc).splitlines()[0]
            log(f"{name} skipped: {exc}")
            continue
        except BaseException:
            await system.stop()
            for other in started.values():
                await other.stop()
            raise
        results["systems"][name] = system.describe()
        started[name] = system
    return started


async def _stop(systems: Mapping[str, System]) -> None:
    for system in systems.values():
        await system.stop()


async def _undo(db: Database, queries: Sequence[SuiteQuery]) -> None:
    """Undo the writes of the queries that write (the graph as loaded again)."""
    for query in queries:
        if query.undo is not None:
            await db.write(query.undo, dict(query.undo_params))


# -- check ---------------------------------------------------------------------


async def _check(
    config: Config, suite: Sequence[SuiteQuery], target: Neo4jTarget, results: dict[str, Any]
) -> list[str]:
    """Answers of every system on every query, compared; returns the systems that ran."""
    host, _, port = target.uri.removeprefix("bolt://").partition(":")
    proxy = BoltCounter(host, int(port))
    await proxy.start()
    proxied = Neo4jTarget(proxy.uri, target.password, target.user, target.database)
    log(f"checking answers of {', '.join(config.systems)} (Bolt counter on {proxy.uri})")
    systems: dict[str, System] = {}
    undo_db = data.database(target.uri, target.password)
    try:
        systems = await _start(config.systems, config, proxied, results)
        keys: dict[str, Any] = {}
        for query in suite:
            entry = await _check_query(config, query, systems, proxy, undo_db)
            keys[query.key] = entry
            status = "DISAGREE" if not entry["agree"] else "agree" if entry["ok"] else "FAILED"
            trips = ", ".join(
                f"{n} {s.get('round_trips_wire')}" for n, s in entry["systems"].items()
            )
            log(f"{query.key}: {status} ({entry.get('rows')} rows; Cypher statements: {trips})")
            for problem in entry["problems"]:
                log(f"  {problem}")
        results["agreement"] = {
            "ok": all(k["ok"] for k in keys.values()),
            "agree": all(k["agree"] for k in keys.values()),
            "reference": "floor",
            "keys": keys,
        }
    finally:
        await _stop(systems)
        await proxy.stop()
        await undo_db.close()
    return list(systems)


async def _check_query(
    config: Config,
    query: SuiteQuery,
    systems: Mapping[str, System],
    proxy: BoltCounter,
    undo_db: Database,
) -> dict[str, Any]:
    answers: dict[str, JsonValue] = {}
    per_system: dict[str, Any] = {}
    problems: list[str] = []
    #: Different answers (or broken suite promises): the benchmark would be void.
    disagreements: list[str] = []
    for name, system in systems.items():
        entry: dict[str, Any] = {
            "equal": None,
            "difference": None,
            "timed_out": False,
            "failed": False,
        }
        per_system[name] = entry
        if name in query.excluded:
            # Not asked: its answer would not be the same work (see the reason).
            entry["excluded"] = query.excluded[name]
            continue
        first: JsonValue = None
        for attempt in range(config.check_repeats):
            before = proxy.runs
            began = time.perf_counter()
            try:
                async with asyncio.timeout(config.answer_timeout):
                    answer = await system.answer(query)
            except TimeoutError:
                await _undo(undo_db, [query])
                entry["timed_out"] = True
                entry["difference"] = f"no answer within {config.answer_timeout:g} s"
                if config.short:
                    problems.append(f"{name}: {entry['difference']}")
                break
            except Exception as exc:  # any failure to answer is reported, not raised
                await _undo(undo_db, [query])
                entry["failed"] = True
                entry["difference"] = f"no answer: {type(exc).__name__}: {exc}"[:500]
                problems.append(f"{name}: {entry['difference']}")
                break
            seconds = time.perf_counter() - began
            # Every repeat (and every system) does the same writes on the same graph.
            await _undo(undo_db, [query])
            entry["round_trips_wire"] = proxy.runs - before
            entry["round_trips_reported"] = answer.reported_round_trips
            entry["seconds"] = round(seconds, 3)
            if attempt == 0:
                first = answer.canonical
                answers[name] = first
            elif (diff := first_difference(first, answer.canonical)) is not None:
                entry["difference"] = f"answer changed between repeats: {diff}"
                disagreements.append(f"{name}: {entry['difference']}")
                break
            if seconds > SLOW_SECONDS:
                entry["slow"] = True
                break
    reference_name = "floor" if "floor" in answers else next(iter(answers), None)
    if reference_name is None:
        problems = problems or ["no system answered"]
        return {"ok": False, "agree": False, "problems": problems, "systems": per_system}
    reference = answers[reference_name]
    for name, canonical in answers.items():
        diff = first_difference(reference, canonical)
        per_system[name]["equal"] = diff is None and per_system[name]["difference"] is None
        if diff is not None:
            per_system[name]["difference"] = diff
            disagreements.append(f"{name} differs from {reference_name}: {diff}")
    promises = check_answer(query.key, reference)
    disagreements += [f"suite: {p}" for p in promises]
    problems += disagreements
    for name, entry in per_system.items():
        if entry.get("round_trips_reported") not in (None, entry.get("round_trips_wire")):
            problems.append(
                f"{name} reports {entry['round_trips_reported']} round trips, "
                f"the wire shows {entry['round_trips_wire']}"
            )
    timed_out = [n for n, e in per_system.items() if e["timed_out"]]
    for name in timed_out:
        log(f"  {name}: no answer to {query.key} within {config.answer_timeout:g} s: not timed")
    return {
        "ok": not problems,
        "agree": not disagreements,
        "rows": size(reference),
        "fingerprint": fingerprint(reference),
        "problems": problems,
        "systems": per_system,
    }


# -- timing --------------------------------------------------------------------


def _summary(values: Sequence[float], scale: float = 1.0) -> dict[str, float] | None:
    if not values:
        return None
    summary = Summary.of([v * scale for v in values])
    return {k: round(v, 4) for k, v in asdict(summary).items() if k != "n"}


def cell_record(
    query: SuiteQuery,
    system: str,
    result: LoadResult,
    cpu: Mapping[str, float],
    other_share: float,
) -> dict[str, Any]:
    ops = result.ops
    trips = [float(r.round_trips) for r in result.reported if r.round_trips is not None]
    db_ms = [r.db_ms for r in result.reported if r.db_ms is not None]
    per_op = {
        role: round(seconds * 1000 / ops, 4) if ops else None for role, seconds in cpu.items()
    }
    return {
        "key": query.key,
        "system": system,
        "concurrency": result.concurrency,
        "n": ops,
        "errors": len(result.errors),
        "error_samples": result.errors[:3],
        "wall_seconds": round(result.wall_seconds, 3),
        "latency_ms": _summary(result.latencies, 1000.0),
        "throughput_ops": round(result.throughput, 2),
        "round_trips": _summary(trips),
        "db_ms": _summary(db_ms),
        "cpu_ms_per_op": per_op,
        #: CPU capacity used by processes outside the test during the cell (0..1).
        "other_cpu_share": round(other_share, 3),
    }


async def _time(
    config: Config,
    suite: Sequence[SuiteQuery],
    names: Sequence[str],
    target: Neo4jTarget,
    inst: neo4j_local.Instance,
    results: dict[str, Any],
) -> None:
    log(f"timing {', '.join(names)} at concurrency {', '.join(map(str, config.concurrency))}")
    systems = await _start(names, config, target, results)
    neo4j_pid = neo4j_local.running_pid(inst)
    cells: list[dict[str, Any]] = []
    results["cells"] = cells
    checked = results["agreement"]["keys"]
    timeout = config.answer_timeout

    def answered(key: str, name: str) -> bool:
        entry = checked[key]["systems"].get(name, {})
        if entry.get("excluded"):
            return False
        return not entry.get("timed_out", True) and not entry.get("failed", True)

    def slow(key: str, name: str) -> bool:
        return bool(checked[key]["systems"].get(name, {}).get("slow"))

    monitor = data.database(target.uri, target.password)
    try:
        for query in suite:
            for name, system in systems.items():
                if answered(query.key, name) and not slow(query.key, name):
                    await _measure(system, query, 1, config.warmup, config.max_seconds, timeout)
                    await _undo(monitor, [query])
        for concurrency in config.concurrency:
            for query in suite:
                for name, system in systems.items():
                    if not answered(query.key, name):
                        continue
                    if slow(query.key, name) and concurrency > 1:
                        log(f"c={concurrency:<3} {query.key:<21} {name:<14} not run: too slow")
                        continue
                    roots = {"server": system.pid} if system.pid else {}
                    if neo4j_pid:
                        roots["neo4j"] = neo4j_pid
                    if concurrency > 1:
                        await _measure(
                            system, query, concurrency, concurrency, config.max_seconds, timeout
                        )
                        await _undo(monitor, [query])
                    settle = await _settle(monitor)
                    before = procstats.snapshot(roots)
                    result = await _measure(
                        system,
                        query,
                        concurrency,
                        config.requests(concurrency),
                        config.max_seconds,
                        timeout,
                    )
                    after = procstats.snapshot(roots)
                    # After the CPU reading: undoing is not the operation's work.
                    await _undo(monitor, [query])
                    used = procstats.cpu_used(before, after)
                    share = procstats.other_share(before, after, used)
                    cell = cell_record(query, name, result, used, share)
                    cell["settle_seconds"] = settle
                    cells.append(cell)
                    _log_cell(cell)
        memory: dict[str, Any] = {}
        for name, system in systems.items():
            if system.pid:
                memory[name] = asdict(procstats.memory(system.pid))
        if neo4j_pid:
            memory["neo4j"] = asdict(procstats.memory(neo4j_pid))
        results["memory"] = memory
        if config.profile_key and "gateway" in systems:
            from scripts.bench import profile

            query = next(q for q in suite if q.key == config.profile_key)
            try:
                results["profile"] = await profile.profile_gateway(
                    systems["gateway"], query, max(config.concurrency), config.profile_seconds
                )
            finally:
                await _undo(monitor, [query])
    finally:
        await monitor.close()
        await _stop(systems)
    results["ratios"] = report.ratios(cells)


async def _settle(monitor: Database) -> float:
    """Wait (bounded) until Neo4j runs no other transaction; the seconds waited."""
    began = time.perf_counter()
    while time.perf_counter() - began < SETTLE_SECONDS:
        rows = await monitor.read(RUNNING_TRANSACTIONS_QUERY, {})
        if not rows or rows[0]["running"] == 0:
            break
        await asyncio.sleep(0.5)
    return round(time.perf_counter() - began, 2)


async def _measure(
    system: System,
    query: SuiteQuery,
    concurrency: int,
    requests: int,
    max_seconds: float,
    request_timeout: float,
) -> LoadResult:
    if query.max_requests is not None:
        # A write whose calls must differ has this many distinct calls per run.
        requests = min(requests, query.max_requests)
    async with http_client(concurrency, request_timeout) as client:
        return await run_load(
            system.operation(query, client),
            concurrency=concurrency,
            requests=max(1, requests),
            max_seconds=max_seconds,
            request_timeout=request_timeout,
        )


def _log_cell(cell: Mapping[str, Any]) -> None:
    latency = cell["latency_ms"] or {}
    cpu = cell["cpu_ms_per_op"]
    server = cpu.get("server")
    text = (
        f"c={cell['concurrency']:<3} {cell['key']:<21} {cell['system']:<14} n={cell['n']:<4} "
        f"median {latency.get('median', float('nan')):8.2f} ms  "
        f"p99 {latency.get('p99', float('nan')):8.2f} ms  {cell['throughput_ops']:8.1f} ops/s"
    )
    if server is not None:
        text += f"  server {server:.2f} ms cpu/op"
    if cpu.get("neo4j") is not None:
        text += f"  neo4j {cpu['neo4j']:.2f}"
    if cell["other_cpu_share"] > 0.05:
        text += f"  (others used {cell['other_cpu_share']:.0%} of the CPU)"
    if cell["errors"]:
        text += f"  ERRORS {cell['errors']}: {cell['error_samples'][:1]}"
    with contextlib.suppress(BrokenPipeError):
        log(text)
