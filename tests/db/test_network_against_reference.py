"""``network`` and ``partnerPath`` on random graphs agree with a breadth-first search
over the partnerships the reference rules let the viewer see.

The reference (tests/support/reference.py, written from authorization.md and
sharing no code with the gateway) says which partnerships a user sees; this
test walks them itself. Every company of the graph is asked as the start, at
every depth up to 5 (the gateway here allows 6, above the four hops any
visible path can need), by every user: the companies and their distances, and
the partnerships met, must be exactly the search's. ``partnerPath`` must be
null exactly when the search finds no chain of visible ACTIVE partnerships, and
otherwise a chain of the shortest length whose every link is one of them.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from itertools import combinations
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from tests.conftest import make_settings
from tests.db.conftest import GraphLoader, serving
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid, graph_id
from tests.support.reference import Reference

#: CI keeps this short; PRM_FUZZ_EXAMPLES=2000 make test (or make fuzz) runs it long.
EXAMPLES = int(os.environ.get("PRM_FUZZ_EXAMPLES", "20"))
DEPTHS = range(6)

ROLES = ("EXECUTIVE", "MANAGER", "REP", "ANALYST")
NETWORK = """network(from: $%(start)s, depth: %(depth)d) { depth start { id }
  nodes { distance company { id } } edges { id vendor { id } partner { id } } }"""
PATH = """partnerPath(from: $%(start)s, to: $%(end)s) {
  length companies { id } partnerships { id } }"""


async def ask_all(
    gateway: Gateway, user: str, companies: list[str], field: str, asks: list[dict[str, Any]]
) -> list[Any]:
    """Every ask of ``field`` in one operation (aliased a0, a1, …), in order; company
    ids among the arguments travel as variables $c0, $c1, …"""
    names = {c: f"c{i}" for i, c in enumerate(companies)}
    declared = ", ".join(f"${n}: ID!" for n in names.values())
    fields = " ".join(
        f"a{i}: " + field % {k: names.get(v, v) for k, v in args.items()}
        for i, args in enumerate(asks)
    )
    variables = {n: gid("Company", c) for c, n in names.items()}
    data = await gateway.ok(user, f"query({declared}) {{ {fields} }}", variables)
    return [data[f"a{i}"] for i in range(len(asks))]


@pytest.fixture(scope="module")
async def deep() -> AsyncIterator[Gateway]:
    """A gateway that allows depth 6, so that depths past every visible path are asked."""
    async with serving(make_settings(PRM_MAX_NETWORK_DEPTH="6")) as gateway:
        yield gateway


@st.composite
def networks(draw: st.DrawFn) -> Builder:
    """Up to eight companies, any pair possibly in one partnership of any tier and
    status, so that chains of HIGH hubs, dead ends and islands all occur."""
    b = Builder()
    companies = [b.company() for _ in range(draw(st.integers(2, 8)))]
    for company in companies:
        b.user(company, draw(st.sampled_from(ROLES)))
    pairs = draw(
        st.lists(st.sampled_from(list(combinations(companies, 2))), max_size=12, unique=True)
    )
    for first, second in pairs:
        vendor, partner = (first, second) if draw(st.booleans()) else (second, first)
        b.partnership(
            vendor,
            partner,
            tier=draw(st.sampled_from(("LOW", "MEDIUM", "HIGH", "HIGH"))),
            status=draw(st.sampled_from(("ACTIVE", "ACTIVE", "SUSPENDED", "PROSPECT", "ENDED"))),
        )
    return b


def count(what: str) -> None:
    """A statistic for --hypothesis-show-statistics (none outside Hypothesis)."""
    if currently_in_test_context():
        event(what)


def visible_edges(ref: Reference, user: str, active_only: bool) -> list[dict[str, str]]:
    return [
        p
        for p in ref.data.partnerships
        if ref.partnership_view(user, p["id"]) is not None
        and (not active_only or p["status"] == "ACTIVE")
    ]


def search(
    edges: Iterable[dict[str, str]], start: str, depth: int
) -> tuple[dict[str, int], set[str]]:
    """Distances of the companies within ``depth`` hops, and the edges met on the way."""
    edges = list(edges)
    distances = {start: 0}
    met: set[str] = set()
    frontier = {start}
    for hop in range(1, depth + 1):
        reached: set[str] = set()
        for p in edges:
            for here, there in ((p["vendor"], p["partner"]), (p["partner"], p["vendor"])):
                if here in frontier:
                    met.add(p["id"])
                    if there not in distances:
                        reached.add(there)
        for company in reached:
            distances[company] = hop
        frontier = reached
    return distances, met


async def check_networks(gateway: Gateway, ref: Reference, user: str) -> None:
    companies = [c["id"] for c in ref.data.companies]
    asks = [{"start": start, "depth": depth} for start in companies for depth in DEPTHS]
    answers = await ask_all(gateway, user, companies, NETWORK, asks)
    edges = visible_edges(ref, user, active_only=False)
    for ask, network in zip(asks, answers, strict=True):
        start, depth = ask["start"], ask["depth"]
        distances, met = search(edges, start, depth)
        got = {graph_id(n["company"]["id"]): n["distance"] for n in network["nodes"]}
        assert got == distances, (user, start, depth)
        assert {graph_id(e["id"]) for e in network["edges"]} == met, (user, start, depth)
        assert len(network["edges"]) == len(met)
        assert graph_id(network["start"]["id"]) == start
        count(f"network reaches {max(distances.values())} hops")


async def check_paths(gateway: Gateway, ref: Reference, user: str) -> None:
    companies = [c["id"] for c in ref.data.companies]
    asks = [{"start": start, "end": end} for start in companies for end in companies]
    answers = await ask_all(gateway, user, companies, PATH, asks)
    active = {p["id"]: p for p in visible_edges(ref, user, active_only=True)}
    for ask, path in zip(asks, answers, strict=True):
        start, end = ask["start"], ask["end"]
        distances, _ = search(active.values(), start, len(companies))
        if end not in distances:
            assert path is None, (user, start, end)
            continue
        assert path is not None, (user, start, end)
        ids = [graph_id(c["id"]) for c in path["companies"]]
        links = [graph_id(p["id"]) for p in path["partnerships"]]
        assert path["length"] == len(links) == distances[end], (user, start, end)
        assert (ids[0], ids[-1]) == (start, end)
        for j, link in enumerate(links):
            assert link in active, (user, link, "not a visible ACTIVE partnership")
            pair = {active[link]["vendor"], active[link]["partner"]}
            assert pair == {ids[j], ids[j + 1]}, (user, start, end, link)
        count(f"path of {distances[end]} hops")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(graph=networks())
async def test_network_and_paths_agree_with_a_search_over_visible_partnerships(
    deep: Gateway, load_graph: GraphLoader, graph: Builder
) -> None:
    await load_graph(graph.data)
    ref = Reference(graph.data, datetime.now(UTC))
    for user in (u["id"] for u in graph.data.users):
        await check_networks(deep, ref, user)
        await check_paths(deep, ref, user)


def four_hop_chain() -> tuple[Builder, str, str, str]:
    """S - H1 - V - H2 - T: V's ACTIVE HIGH partners H1 and H2 make S-H1 and H2-T
    visible to V, so from S the network reaches T at four hops, the most any
    visible path can need."""
    b = Builder()
    s, h1, v, h2, t = (b.company(n) for n in ("S", "H1", "V", "H2", "T"))
    viewer = b.user(v, "REP")
    b.partnership(v, h1, tier="HIGH")
    b.partnership(h2, v, tier="HIGH")
    b.partnership(h1, s, tier="LOW", status="SUSPENDED")
    b.partnership(t, h2, tier="MEDIUM")
    return b, viewer, s, t


async def test_a_network_and_a_path_four_hops_long_are_found_whole(
    deep: Gateway, load_graph: GraphLoader
) -> None:
    b, viewer, s, t = four_hop_chain()
    await load_graph(b.data)
    ref = Reference(b.data, datetime.now(UTC))
    await check_networks(deep, ref, viewer)
    await check_paths(deep, ref, viewer)
    [network] = await ask_all(deep, viewer, [s], NETWORK, [{"start": s, "depth": 6}])
    distances = {graph_id(n["company"]["id"]): n["distance"] for n in network["nodes"]}
    assert distances[t] == 4
    assert len(distances) == 5
