"""Results: the JSON file of a run, the ratios, and docs/benchmarks.md with its chart.

docs/benchmarks.md is regenerated between the markers ``<!-- bench:begin -->``
and ``<!-- bench:end -->`` from every ``bench/results/results-<scale>.json``
(full runs only); the text around the markers is written by people and kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from scripts.bench.stats import ratio

ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = ROOT / "bench" / "results"
DOCS = ROOT / "docs" / "benchmarks.md"
CHART = ROOT / "docs" / "benchmarks.png"
BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"
SYSTEM_ORDER = ("floor", "gateway", "gateway-nodelay", "neo4j-graphql")
LABELS = {
    "floor": "(a) floor",
    "gateway": "(b) gateway",
    "gateway-nodelay": "(b') gateway, TCP_NODELAY",
    "neo4j-graphql": "(c) @neo4j/graphql",
}
SHORT = {"floor": "a", "gateway": "b", "gateway-nodelay": "b'", "neo4j-graphql": "c"}
PAIRS = (
    ("gateway", "floor"),
    ("gateway", "neo4j-graphql"),
    ("gateway-nodelay", "floor"),
    ("gateway-nodelay", "neo4j-graphql"),
)


def scale_name(scale: float) -> str:
    return f"{scale:g}"


def results_path(scale: float, short: bool) -> Path:
    if short:
        return RESULTS_DIR / "tmp" / f"results-{scale_name(scale)}-short.json"
    return RESULTS_DIR / f"results-{scale_name(scale)}.json"


def write_results(results: Mapping[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, sort_keys=False) + "\n")


# -- ratios ----------------------------------------------------------------------


def _get(cell: Mapping[str, Any] | None, *path: str) -> float | None:
    value: Any = cell
    for part in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return float(value) if isinstance(value, int | float) else None


def ratios(cells: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per query and concurrency, gateway ÷ floor and gateway ÷ @neo4j/graphql, same run.

    Latency and CPU ratios above 1 mean the gateway costs more; a throughput
    ratio below 1 means it serves fewer operations per second.
    """
    index = {(c["key"], c["concurrency"], c["system"]): c for c in cells}
    out: list[dict[str, Any]] = []
    for key, concurrency in dict.fromkeys((k, c) for k, c, _ in index):
        entry: dict[str, Any] = {"key": key, "concurrency": concurrency}
        for left, right in PAIRS:
            a, b = index.get((key, concurrency, left)), index.get((key, concurrency, right))
            if a is None or b is None:
                continue
            values = {
                "median": ratio(_get(a, "latency_ms", "median"), _get(b, "latency_ms", "median")),
                "p99": ratio(_get(a, "latency_ms", "p99"), _get(b, "latency_ms", "p99")),
                "throughput": ratio(_get(a, "throughput_ops"), _get(b, "throughput_ops")),
            }
            if right != "floor":
                values["server_cpu"] = ratio(
                    _get(a, "cpu_ms_per_op", "server"), _get(b, "cpu_ms_per_op", "server")
                )
            entry[f"{left}/{right}"] = {
                k: round(v, 3) if v is not None else None for k, v in values.items()
            }
        out.append(entry)
    return out


# -- markdown ------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def _ratio_text(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}×" if value < 0.1 else f"{value:.2f}×"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _cells(results: Mapping[str, Any]) -> dict[tuple[str, int, str], Mapping[str, Any]]:
    return {(c["key"], c["concurrency"], c["system"]): c for c in results.get("cells", ())}


def _systems(results: Mapping[str, Any]) -> list[str]:
    present = {c["system"] for c in results.get("cells", ())}
    return [s for s in SYSTEM_ORDER if s in present]


def _keys(results: Mapping[str, Any]) -> list[str]:
    return list(results["settings"]["keys"])


NOT_COMPARABLE = "not comparable"


def excluded(results: Mapping[str, Any], key: str, system: str) -> str | None:
    """Why ``system`` does not take part in ``key`` (its answer is not comparable), if so."""
    reasons = (results.get("settings") or {}).get("excluded") or {}
    reason = (reasons.get(key) or {}).get(system)
    if reason is None:
        entry = (results.get("agreement") or {}).get("keys", {}).get(key) or {}
        reason = (entry.get("systems") or {}).get(system, {}).get("excluded")
    return str(reason) if reason else None


def _latency_text(
    results: Mapping[str, Any], cell: Mapping[str, Any] | None, key: str, system: str
) -> str:
    if cell is None and excluded(results, key, system):
        return NOT_COMPARABLE
    median = _fmt(_get(cell, "latency_ms", "median"))
    return f"{median} / {_fmt(_get(cell, 'latency_ms', 'p99'))}"


def _machine_text(results: Mapping[str, Any]) -> list[str]:
    m = results["machine"]
    packages = ", ".join(f"{k} {v}" for k, v in m.get("python_packages", {}).items())
    node_packages = ", ".join(
        f"{k} {v}"
        for k, v in (results["systems"].get("neo4j-graphql", {}).get("packages") or {}).items()
    )
    lines = [
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB RAM; "
        f"{m['os']}, kernel {m['kernel']}.",
        f"- Neo4j {m['neo4j']} Community (heap {m['neo4j_memory'].get('heap')}, page cache "
        f"{m['neo4j_memory'].get('pagecache')}), {m.get('java')}; Python {m['python']}; "
        f"Node {m.get('node') or '–'}.",
        f"- Python packages: {packages}.",
    ]
    if node_packages:
        lines.append(f"- Node packages: {node_packages}.")
    lines.append(
        f"- Commit {m.get('commit')}; started {results['started_at']}, "
        f"took {results.get('duration_seconds')} s."
    )
    return lines


def _run_section(results: Mapping[str, Any], chart: str | None) -> list[str]:
    cells = _cells(results)
    systems = _systems(results)
    keys = _keys(results)
    settings = results["settings"]
    concurrency = [int(c) for c in settings["concurrency"]]
    scale = scale_name(results["scale"])
    graph = results["graph"]
    per_cell = ", ".join(
        f"{n} operations at concurrency {c}" for c, n in settings["requests_per_cell"].items()
    )
    out = [
        f"### SF{scale}: `{results['command']}`",
        "",
        *_machine_text(results),
        f"- Graph: scale {scale}, seed {results['seed']}: {graph['counts']}.",
        f"- Gateway: {settings['workers']} Uvicorn worker(s), production settings "
        "(`PRM_ENV=prod`, RS256, GraphiQL off, `PRM_EXPOSE_STATS=true`).",
        f"- Each cell: warm-up, then {per_cell}"
        f" (at most {settings['max_seconds_per_cell']:g} s per cell: `n` says how many ran); "
        "latencies are client-side (HTTP or driver call, response read).",
    ]
    out += ["", *_summary_table(results, cells, systems, keys)]
    skipped = results.get("skipped") or {}
    for name, reason in skipped.items():
        out.append(f"- **{LABELS.get(name, name)} did not run**: {reason}")
    out += ["", "#### Answers checked before timing", ""]
    agreement = results["agreement"]["keys"]
    header = ["query", "rows", "answer sha256/16", "all equal"] + [
        f"Cypher statements {LABELS[s]}" for s in SYSTEM_ORDER if s in results["systems"]
    ]
    rows = []
    for key in keys:
        entry = agreement[key]
        row = [f"`{key}`", str(entry.get("rows")), f"`{entry.get('fingerprint')}`"]
        row.append(
            "yes" if entry["ok"] else "**no** (a failure)" if entry.get("agree") else "**no**"
        )
        for s in SYSTEM_ORDER:
            if s in results["systems"]:
                if excluded(results, key, s):
                    row.append(NOT_COMPARABLE)
                    continue
                row.append(str(entry["systems"].get(s, {}).get("round_trips_wire", "–")))
        rows.append(row)
    out += _table(header, rows)
    out += [
        "",
        "Cypher statements are Bolt `RUN` messages counted on the wire by a proxy in front of "
        "Neo4j while the answers were checked (one operation at a time); the gateway's own "
        "`extensions.stats.cypherRoundTrips` is checked against that count.",
    ]
    notes = []
    for key in keys:
        for s, entry in agreement[key]["systems"].items():
            reason = excluded(results, key, s)
            if reason:
                notes.append(
                    f"- {LABELS.get(s, s)} `{key}`: **{reason}**; only the other systems' "
                    "answers were compared, and only they were timed."
                )
            elif entry.get("failed"):
                notes.append(
                    f"- {LABELS.get(s, s)} `{key}`: **no answer**: "
                    f"{str(entry.get('difference'))[:300]}; not timed."
                )
            elif entry.get("timed_out"):
                notes.append(
                    f"- {LABELS.get(s, s)} `{key}`: no answer within "
                    f"{settings.get('answer_timeout_seconds')} s: not timed."
                )
            elif entry.get("slow"):
                notes.append(
                    f"- {LABELS.get(s, s)} `{key}`: one answer took {entry.get('seconds')} s, so "
                    "it was timed at c=1 only (as many operations as fit the cell's budget, at "
                    "least one); concurrent runs would take minutes per cell."
                )
    for key, most in (settings.get("max_requests") or {}).items():
        notes.append(
            f"- `{key}` writes, each call different (another customer account, fresh ids and "
            f"idempotency key): at most {most} operations per cell (one per account of the "
            "pool), and its writes are undone after every cell, outside the CPU readings."
        )
    if notes:
        out += ["", *notes]
    shares = [(c.get("other_cpu_share") or 0.0, c) for c in results.get("cells", ())]
    if shares:
        mean = sum(x for x, _ in shares) / len(shares)
        worst, worst_cell = max(shares, key=lambda pair: pair[0])
        out += [
            "",
            f"Processes outside the test (other work on this shared machine) used {mean:.0%} of "
            f"the CPU on average during the measured cells, at most {worst:.0%} "
            f"(`{worst_cell['key']}`, {worst_cell['system']}, c={worst_cell['concurrency']}); "
            "`other_cpu_share` per cell in the JSON.",
        ]
    out += [
        "",
        "#### Latency (ms, median / p99) and ratios of medians",
        "",
        "Ratio columns: the gateway's median latency over the other system's (b/a: gateway ÷ "
        "floor, b/c: gateway ÷ @neo4j/graphql; b' the TCP_NODELAY launch), same query, same "
        "concurrency, same run; p99 and throughput ratios are in the JSON (`ratios`).",
        "",
    ]
    header = ["query", "c"] + [LABELS[s] for s in systems]
    pairs = [(a, b) for a, b in PAIRS if a in systems and b in systems]
    header += [f"{SHORT[a]}/{SHORT[b]}" for a, b in pairs]
    rows = []
    ratio_index = {(r["key"], r["concurrency"]): r for r in results.get("ratios", ())}
    for key in keys:
        for c in concurrency:
            row = [f"`{key}`", str(c)]
            for s in systems:
                row.append(_latency_text(results, cells.get((key, c, s)), key, s))
            r = ratio_index.get((key, c), {})
            for a, b in pairs:
                row.append(_ratio_text((r.get(f"{a}/{b}") or {}).get("median")))
            rows.append(row)
    out += _table(header, rows)
    out += ["", "#### Throughput (operations per second)", ""]
    header = ["query"] + [f"{LABELS[s]} c={c}" for c in concurrency for s in systems]
    rows = []
    for key in keys:
        row = [f"`{key}`"]
        for c in concurrency:
            for s in systems:
                cell = cells.get((key, c, s))
                if cell is None and excluded(results, key, s):
                    row.append(NOT_COMPARABLE)
                else:
                    row.append(_fmt(_get(cell, "throughput_ops")))
        rows.append(row)
    out += _table(header, rows)
    top = max(concurrency)
    out += [
        "",
        f"#### CPU per operation (ms) at c=1 and c={top}, and the gateway's DB wait",
        "",
        "Server CPU: user+system time of the server's process tree (Uvicorn supervisor and "
        "workers; the node process) over the measured run ÷ operations. Neo4j CPU: the same "
        "for the Neo4j JVM. For the floor, the driver runs in the load driver's process "
        "(client CPU). Gateway DB wait: median `extensions.stats.dbMilliseconds` (time "
        "inside driver calls, summed per operation).",
        "",
    ]
    header = ["query"]
    for c in sorted({1, top}):
        header += [f"gateway server c={c}"]
        if "neo4j-graphql" in systems:
            header += [f"@neo4j/graphql server c={c}"]
        header += [f"Neo4j CPU {s} c={c}" for s in systems]
    header += ["gateway DB wait c=1"]
    rows = []
    for key in keys:
        row = [f"`{key}`"]
        for c in sorted({1, top}):
            row.append(_fmt(_get(cells.get((key, c, "gateway")), "cpu_ms_per_op", "server"), 2))
            if "neo4j-graphql" in systems:
                row.append(
                    _fmt(_get(cells.get((key, c, "neo4j-graphql")), "cpu_ms_per_op", "server"), 2)
                )
            for s in systems:
                row.append(_fmt(_get(cells.get((key, c, s)), "cpu_ms_per_op", "neo4j"), 2))
        row.append(_fmt(_get(cells.get((key, 1, "gateway")), "db_ms", "median"), 2))
        rows.append(row)
    out += _table(header, rows)
    memory = results.get("memory") or {}
    if memory:
        out += ["", "#### Memory (peak RSS of the process tree over the whole run)", ""]
        rows = [
            [
                LABELS.get(name, name),
                _fmt(m["peak_rss"] / 2**20),
                _fmt(m["rss"] / 2**20),
                str(m["processes"]),
            ]
            for name, m in memory.items()
        ]
        out += _table(["process tree", "peak RSS MiB", "RSS at end MiB", "processes"], rows)
    if chart:
        out += ["", f"![SF{scale} latency and throughput]({chart})"]
    profile = results.get("profile")
    if profile:
        out += ["", *_profile_section(profile)]
    return out


def _summary_table(
    results: Mapping[str, Any],
    cells: Mapping[tuple[str, int, str], Mapping[str, Any]],
    systems: Sequence[str],
    keys: Sequence[str],
) -> list[str]:
    """Single client: medians, the gateway's ratios, its statements and CPU per operation."""
    ratio_index = {(r["key"], r["concurrency"]): r for r in results.get("ratios", ())}
    pairs = [(a, b) for a, b in PAIRS if a in systems and b in systems]
    checked = results["agreement"]["keys"]
    header = ["query"] + [f"{LABELS[s]} ms" for s in systems]
    header += [f"{SHORT[a]}/{SHORT[b]}" for a, b in pairs]
    header += ["gateway Cypher statements", "gateway server CPU ms/op"]
    rows = []
    for key in keys:
        row = [f"`{key}`"]
        row += [
            NOT_COMPARABLE
            if cells.get((key, 1, s)) is None and excluded(results, key, s)
            else _fmt(_get(cells.get((key, 1, s)), "latency_ms", "median"))
            for s in systems
        ]
        r = ratio_index.get((key, 1), {})
        row += [_ratio_text((r.get(f"{a}/{b}") or {}).get("median")) for a, b in pairs]
        row.append(str(checked[key]["systems"].get("gateway", {}).get("round_trips_wire", "–")))
        row.append(_fmt(_get(cells.get((key, 1, "gateway")), "cpu_ms_per_op", "server"), 2))
        rows.append(row)
    return [
        "#### Summary: median latency with one client, and the gateway's ratios",
        "",
        *_table(header, rows),
    ]


def _profile_section(profile: Mapping[str, Any]) -> list[str]:
    out = [
        f"#### Where the gateway's CPU goes: `{profile['key']}` under load (py-spy)",
        "",
        f"`{profile['command']}`: {profile['samples']} samples of the worker processes "
        f"while {profile['operations']} operations ran at concurrency {profile['concurrency']} "
        "(idle time excluded).",
        "",
    ]
    rows = [[name, f"{share * 100:.1f}%"] for name, share in profile["self_by_package"][:14]]
    out += _table(["package (self time)", "share"], rows)
    out += [""]
    rows = [[f"`{name}`", f"{share * 100:.1f}%"] for name, share in profile["inclusive"][:14]]
    out += _table(["function (inclusive time)", "share"], rows)
    return out


def _scaling_section(small: Mapping[str, Any], large: Mapping[str, Any]) -> list[str]:
    a, b = _cells(small), _cells(large)
    points = [k for k in _keys(small) if k in _keys(large)]
    sa, sb = scale_name(small["scale"]), scale_name(large["scale"])
    out = [
        f"### Scaling: SF{sa} → SF{sb} (median latency at c=1, ms)",
        "",
        "Point queries should cost what their result costs, not what the graph holds; "
        "`filter_sort` is not a point query (its candidates are every visible customer).",
        "",
    ]
    systems = [s for s in SYSTEM_ORDER if s in _systems(small) and s in _systems(large)]
    header = ["query", f"rows SF{sa}", f"rows SF{sb}"]
    for s in systems:
        header += [f"{LABELS[s]} SF{sa}", f"SF{sb}", "growth"]
    rows = []
    for key in points:
        row = [
            f"`{key}`",
            str(small["agreement"]["keys"][key].get("rows")),
            str(large["agreement"]["keys"][key].get("rows")),
        ]
        for s in systems:
            x = _get(a.get((key, 1, s)), "latency_ms", "median")
            y = _get(b.get((key, 1, s)), "latency_ms", "median")
            row += [_fmt(x), _fmt(y), _ratio_text(ratio(y, x))]
        rows.append(row)
    return out + _table(header, rows)


def load_results(directory: Path) -> list[dict[str, Any]]:
    found = []
    for path in sorted(directory.glob("results-*.json")):
        results = json.loads(path.read_text())
        if results.get("mode") == "full" and results.get("cells") and not results.get("disturbed"):
            found.append(results)
    return sorted(found, key=lambda r: float(r["scale"]))


def generated_block(
    all_results: Sequence[Mapping[str, Any]], chart_names: Mapping[float, str]
) -> str:
    out = [
        BEGIN,
        "<!-- Generated by `python -m scripts.bench` from bench/results/results-<scale>.json; "
        "edit outside the markers. -->",
        "",
    ]
    for results in all_results:
        out += _run_section(results, chart_names.get(float(results["scale"])))
        out.append("")
    if len(all_results) >= 2:
        out += _scaling_section(all_results[0], all_results[-1])
        out.append("")
    elif all_results:
        out += [
            "### Scaling",
            "",
            "Not measured yet at SF10: `make bench SCALE=10` (loading SF10 takes several "
            "minutes) adds `bench/results/results-10.json` and a scaling table here.",
            "",
        ]
    out.append(END)
    return "\n".join(out)


def write_docs(directory: Path = RESULTS_DIR) -> None:
    all_results = load_results(directory)
    if not all_results:
        return
    chart_names: dict[float, str] = {}
    for results in all_results:
        scale = float(results["scale"])
        path = CHART if scale == 1.0 else CHART.with_name(f"benchmarks-sf{scale_name(scale)}.png")
        from scripts.bench.chart import draw

        draw(results, path)
        chart_names[scale] = path.name
    block = generated_block(all_results, chart_names)
    if DOCS.exists() and BEGIN in (text := DOCS.read_text()) and END in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        DOCS.write_text(head + block + tail)
    else:
        DOCS.parent.mkdir(parents=True, exist_ok=True)
        DOCS.write_text("# Benchmarks\n\n" + block + "\n")
