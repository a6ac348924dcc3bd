"""docs/benchmarks.png: median latency (p99 marked) at c=1, and throughput at higher concurrency."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

COLORS = {
    "floor": "#4c72b0",
    "gateway": "#dd8452",
    "gateway-nodelay": "#f2b880",
    "neo4j-graphql": "#55a868",
}
LABELS = {
    "floor": "(a) floor",
    "gateway": "(b) gateway",
    "gateway-nodelay": "(b') gateway, TCP_NODELAY",
    "neo4j-graphql": "(c) @neo4j/graphql",
}


def draw(results: Mapping[str, Any], path: Path) -> None:
    cells = {(c["key"], c["concurrency"], c["system"]): c for c in results["cells"]}
    keys: list[str] = list(results["settings"]["keys"])
    systems = [s for s in COLORS if any(c["system"] == s for c in results["cells"])]
    levels = [int(c) for c in results["settings"]["concurrency"]]
    panels: list[tuple[str, int]] = [("latency", 1)] if 1 in levels else []
    panels += [("throughput", c) for c in levels if c > 1][-2:]
    fig, axes = plt.subplots(len(panels), 1, figsize=(11, 3.6 * len(panels)), squeeze=False)
    width = 0.8 / max(1, len(systems))
    positions = range(len(keys))
    for ax, (measure, concurrency) in zip(axes[:, 0], panels, strict=True):
        for i, system in enumerate(systems):
            xs = [p - 0.4 + width * (i + 0.5) for p in positions]
            found = [cells.get((k, concurrency, system)) for k in keys]
            if measure == "latency":
                medians = [(c["latency_ms"] or {}).get("median", 0) if c else 0 for c in found]
                p99s = [(c["latency_ms"] or {}).get("p99", 0) if c else 0 for c in found]
                ax.bar(xs, medians, width, color=COLORS[system], label=LABELS[system])
                ax.scatter(xs, p99s, marker="_", s=120, color="black", zorder=3)
            else:
                values = [c["throughput_ops"] if c else 0 for c in found]
                ax.bar(xs, values, width, color=COLORS[system], label=LABELS[system])
        if measure == "latency":
            ax.set_yscale("log")
            ax.set_ylabel("ms (log)")
            ax.set_title("Median latency, single client (black tick: p99)")
        else:
            ax.set_yscale("log")
            ax.set_ylabel("operations / s (log)")
            ax.set_title(f"Throughput at concurrency {concurrency}")
        ax.set_xticks(list(positions))
        ax.set_xticklabels(keys, fontsize=8)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=8)
    scale = f"{float(results['scale']):g}"
    fig.suptitle(
        f"SF{scale}: {results['machine']['cores']} cores, `{results['command']}`", fontsize=9
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
