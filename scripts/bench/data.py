"""The bench graph: the ``bench`` Neo4j instance, migrations, and the generated data loaded once.

The loaded scale and seed are recorded in the graph as one ``(:BenchMeta)`` node
(bench instance only), written after the last batch with the node and
relationship counts: a matching node on a graph of those counts is reused;
anything else (none, other scale, seed or generator, a graph changed since) is
wiped and loaded again.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import LiteralString

from gateway import neo4j_local
from graph import Database, DatabaseConfig, migrate
from graph.generator.loader import load, wipe
from graph.generator.synthetic import generate

ROOT = Path(__file__).resolve().parents[2]
_GENERATOR_FILES = ("graph/generator/synthetic.py", "graph/generator/loader.py")

BENCH_META_QUERY: LiteralString = """
MATCH (m:BenchMeta)
RETURN m.scale AS scale, m.seed AS seed, m.generator AS generator, m.counts AS counts,
       m.nodes AS nodes, m.relationships AS relationships
"""

RECORD_BENCH_SIZE_QUERY: LiteralString = """
MATCH (m:BenchMeta) SET m.nodes = $nodes, m.relationships = $relationships
"""

RECORD_BENCH_META_QUERY: LiteralString = """
MERGE (m:BenchMeta)
SET m.scale = $scale, m.seed = $seed, m.generator = $generator, m.counts = $counts,
    m.loadedAt = datetime()
"""


# What the graph is now: compared before and after a run, so that a graph changed
# under the run (the bench instance is shared by whoever runs `make bench`) voids it.
# The access log's CustomerRead nodes are left out: the gateway writes them for the
# reads the run itself makes (docs/privacy.md), which is the product, not a disturbance.
GRAPH_STATE_QUERY: LiteralString = """
CALL () { MATCH (n) WHERE NOT n:CustomerRead RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
OPTIONAL MATCH (m:BenchMeta)
RETURN nodes, relationships, m.scale AS scale, m.seed AS seed, toString(m.loadedAt) AS loadedAt
"""


@dataclass(frozen=True)
class GraphInfo:
    scale: float
    seed: int
    generator: str
    counts: str
    loaded_now: bool
    load_seconds: float


def generator_fingerprint() -> str:
    """Changes when the generator or loader changes: same seed, other graph."""
    digest = hashlib.sha256()
    for name in _GENERATOR_FILES:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:12]


def bench_instance() -> neo4j_local.Instance:
    return neo4j_local.instance("bench")


def database(uri: str, password: str) -> Database:
    return Database(DatabaseConfig(uri=uri, user="neo4j", password=password, query_timeout=600.0))


async def ensure_graph(db: Database, scale: float, seed: int, *, log: bool = True) -> GraphInfo:
    """Migrations, then the graph at (scale, seed): reused when BenchMeta matches."""
    await migrate(db)
    fingerprint = generator_fingerprint()
    rows = await db.read(BENCH_META_QUERY, {})
    if rows:
        meta = rows[0]
        state = await graph_state(db)
        # Same scale, seed and generator, and nothing added or deleted since.
        whole = (meta["nodes"], meta["relationships"]) == (state["nodes"], state["relationships"])
        if (meta["scale"], meta["seed"], meta["generator"]) == (scale, seed, fingerprint) and whole:
            if log:
                print(f"[bench] graph SF{scale:g} seed {seed} already loaded: {meta['counts']}")
            return GraphInfo(scale, seed, fingerprint, str(meta["counts"]), False, 0.0)
    started = time.perf_counter()
    if log:
        print(f"[bench] generating SF{scale:g} seed {seed} ...", flush=True)
    data = generate(scale, seed)
    await wipe(db)
    await migrate(db)
    await load(db, data, progress=log)
    counts = ", ".join(f"{k}={v}" for k, v in data.counts().items())
    await db.write(
        RECORD_BENCH_META_QUERY,
        {"scale": scale, "seed": seed, "generator": fingerprint, "counts": counts},
    )
    state = await graph_state(db)
    await db.write(
        RECORD_BENCH_SIZE_QUERY,
        {"nodes": state["nodes"], "relationships": state["relationships"]},
    )
    elapsed = time.perf_counter() - started
    if log:
        print(f"[bench] loaded in {elapsed:.0f}s: {counts}", flush=True)
    return GraphInfo(scale, seed, fingerprint, counts, True, elapsed)


async def graph_state(db: Database) -> dict[str, object]:
    rows = await db.read(GRAPH_STATE_QUERY, {})
    return dict(rows[0]) if rows else {}
