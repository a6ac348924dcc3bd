"""``python -m scripts.bench``: the benchmark of docs/benchmarks.md, or its short CI check.

Full (``make bench``): SF1 unless ``--scale``, concurrency 1, 16 and 64, many
iterations; writes bench/results/results-<scale>.json and docs/benchmarks.md
with docs/benchmarks.png. Short (``make bench-short``, CI): SF0.05, a few
operations per query, the answers of the three systems must agree (exit 1
otherwise); its results go to bench/results/tmp and no timing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import sys
from collections.abc import Sequence

from scripts.bench import neo4j_graphql, report
from scripts.bench.runner import Config, run
from scripts.bench.suite import SUITE_KEYS
from scripts.bench.systems import SYSTEMS


def _names(text: str, allowed: Sequence[str], what: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    unknown = [n for n in names if n not in allowed]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown {what} {unknown}; choose from {list(allowed)}")
    return names


def _levels(text: str) -> tuple[int, ...]:
    try:
        levels = tuple(int(n) for n in text.split(",") if n.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"concurrency must be integers: {text!r}") from exc
    if not levels or any(not 1 <= n <= 256 for n in levels):
        raise argparse.ArgumentTypeError("concurrency levels must be within 1..256")
    return levels


def parse(argv: Sequence[str]) -> Config | None:
    """The run's configuration, or None for ``--report-only``."""
    parser = argparse.ArgumentParser(prog="python -m scripts.bench", description=__doc__)
    parser.add_argument("--scale", type=float, help="scale factor (full: 1, short: 0.05)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--short", action="store_true", help="CI mode: agreement, few runs")
    parser.add_argument("--workers", type=int, default=2, help="gateway Uvicorn workers")
    parser.add_argument("--concurrency", type=_levels, help="e.g. 1,16,64 (short: 1)")
    parser.add_argument("--iterations", type=int, help="measured operations per cell at c=1")
    parser.add_argument("--warmup", type=int, help="warm-up operations per query and system")
    parser.add_argument("--max-seconds", type=float, help="time budget of one measured cell")
    parser.add_argument(
        "--systems",
        type=lambda t: _names(t, SYSTEMS, "systems"),
        help=f"comma-separated, of {','.join(SYSTEMS)} (default: all; neo4j-graphql is "
        "skipped while bench/neo4j_graphql has no server.mjs, and fails the run if it has "
        "one that cannot start)",
    )
    parser.add_argument(
        "--keys", type=lambda t: _names(t, SUITE_KEYS, "keys"), help="suite keys to run"
    )
    parser.add_argument(
        "--answer-timeout",
        type=float,
        default=600.0,
        help="seconds one answer or timed operation may take (a system that does not "
        "answer a query in time is reported and not timed on it; in --short it fails)",
    )
    parser.add_argument("--profile", choices=SUITE_KEYS, help="py-spy the gateway on this query")
    parser.add_argument("--profile-seconds", type=float, default=20.0)
    parser.add_argument("--keep-neo4j", action="store_true", help="leave the bench Neo4j up")
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/benchmarks.md")
    parser.add_argument(
        "--report-only", action="store_true", help="regenerate docs from bench/results and stop"
    )
    args = parser.parse_args(argv)
    if args.report_only:
        return None
    short: bool = args.short
    scale = args.scale if args.scale is not None else (0.05 if short else 1.0)
    if scale <= 0 or args.workers < 1:
        parser.error("--scale and --workers must be positive")
    iterations = args.iterations if args.iterations is not None else (5 if short else 300)
    if iterations < 1:
        parser.error("--iterations must be positive")
    return Config(
        scale=scale,
        seed=args.seed,
        short=short,
        workers=args.workers,
        concurrency=args.concurrency or ((1,) if short else (1, 16, 64)),
        iterations=iterations,
        warmup=args.warmup if args.warmup is not None else (2 if short else 20),
        max_seconds=args.max_seconds or (10.0 if short else 30.0),
        systems=args.systems or SYSTEMS,
        required=frozenset(args.systems or _default_required()),
        keys=args.keys or SUITE_KEYS,
        check_repeats=3 if short else 2,
        answer_timeout=args.answer_timeout,
        keep_neo4j=args.keep_neo4j,
        profile_key=args.profile,
        profile_seconds=args.profile_seconds,
        results_path=report.results_path(scale, short),
        write_docs=not short and not args.no_docs,
        command=shlex.join(["python", "-m", "scripts.bench", *argv]),
    )


def _default_required() -> tuple[str, ...]:
    """Every system must run, except @neo4j/graphql while its server is not written yet."""
    written = (neo4j_graphql.DIRECTORY / "server.mjs").exists()
    return tuple(s for s in SYSTEMS if s != "neo4j-graphql" or written)


def main(argv: Sequence[str] | None = None) -> int:
    config = parse(sys.argv[1:] if argv is None else argv)
    if config is None:
        report.write_docs()
        print(f"[bench] docs: {report.DOCS}")
        return 0
    return asyncio.run(run(config))


if __name__ == "__main__":
    sys.exit(main())
