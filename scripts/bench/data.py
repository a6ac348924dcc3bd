"""The bench graph: the ``bench`` Neo4j instance, migrations, and the generated data loaded once.

The loaded scale and seed are recorded in the graph as one ``(:BenchMeta)`` node
(bench instance only), written after the last batch: a matching node means the
graph is complete and is reused; anything else (none, other scale, other seed,
other generator) is wiped and loaded again.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import LiteralString

from graph import Database, DatabaseConfig, migrate
from graph.generator.loader import load, wipe
from graph.generator.synthetic import generate
from scripts import neo4j_local

ROOT = Path(__file__).resolve().parents[2]
_GENERATOR_FILES = ("graph/generator/synthetic.py", "graph/generator/loader.py")

BENCH_META_QUERY: LiteralString = """
MATCH (m:BenchMeta)
RETURN m.scale AS scale, m.seed AS seed, m.generator AS generator, m.counts AS counts
"""

RECORD_BENCH_META_QUERY: LiteralString = """
MERGE (m:BenchMeta)
SET m.scale = $scale, m.seed = $seed, m.generator = $generator, m.counts = $counts,
    m.loadedAt = datetime()
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
        if (meta["scale"], meta["seed"], meta["generator"]) == (scale, seed, fingerprint):
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
    elapsed = time.perf_counter() - started
    if log:
        print(f"[bench] loaded in {elapsed:.0f}s: {counts}", flush=True)
    return GraphInfo(scale, seed, fingerprint, counts, True, elapsed)
