"""Every list keeps the cap its cost was priced at (schema/caps.py), whatever the data.

On the demo graph, a gateway whose lists are at most 1 long (``PRM_MAX_FIRST=1``)
answers every list the data decides (the network, the overlap's accounts, the
partners at risk, one figure per currency or bucket, a customer's links) with
the first item of what a gateway with the default cap answers; the network
keeps its nearest companies and the partnerships between them. ``nodes`` and
``_entities`` refuse more than 100 ids before reading anything.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from graph.generator.synthetic import generate
from tests.conftest import make_settings
from tests.db.conftest import GraphLoader, serving
from tests.support.client import Gateway
from tests.support.customers import gid

EXECUTIVE = "us-000001"  # of the hub vendor co-000001: portfolio, oversight, overlap
LONGEST = 1
#: Every list whose length the data decides, in one operation.
DATA_DECIDED = """query($overlap: ID!) {
  network(depth: 2) { truncated nodes { distance company { id } } edges { id
    vendor { id } partner { id } } }
  accountOverlap(partnershipId: $overlap) { byIndustry { key } byRegion { key }
    accounts { domain } }
  portfolio { atRisk { partner { id } } wonRevenueConcentration { currency }
    duplicatedCoverage { byPartnerCount { key } } }
  oversight { deals { openPipeline { currency } wonRevenue { currency }
    byStatus { status amounts { currency } } }
    mdf { budget { currency } requested { currency } approved { currency }
      pending { currency } remaining { currency } } }
  customers(first: 1) { edges { node { access { via { id } } } } }
}"""
OVERLAP = {"overlap": gid("Partnership", "pa-000001")}  # the hub and its HIGH partner


@pytest.fixture(scope="module")
async def demo(load_graph: GraphLoader) -> None:
    await load_graph(generate(0.01, seed=42))


@pytest.fixture(scope="module")
async def short_lists(demo: None) -> AsyncIterator[Gateway]:
    async with serving(make_settings(PRM_DEFAULT_FIRST="1", PRM_MAX_FIRST=str(LONGEST))) as gw:
        yield gw


def lists(value: Any, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], list[Any]]:
    """Every list in an answer by its path (list indexes left out: the first one's)."""
    found: dict[tuple[str, ...], list[Any]] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            found.update(lists(item, (*path, key)))
    elif isinstance(value, list):
        found.setdefault(path, value)
        for item in value[:1]:
            found.update(lists(item, path))
    return found


#: The lists of DATA_DECIDED that the data decides (the network's are checked apart).
CUT = {
    "accounts",
    "byIndustry",
    "byRegion",
    "atRisk",
    "wonRevenueConcentration",
    "byPartnerCount",
    "openPipeline",
    "wonRevenue",
    "amounts",
    "budget",
    "requested",
    "approved",
    "pending",
    "remaining",
    "via",
}


def trimmed(value: Any, key: str | None = None) -> Any:
    """``value`` with every list of ``CUT`` cut to its first LONGEST items."""
    if isinstance(value, dict):
        return {k: trimmed(v, k) for k, v in value.items()}
    if isinstance(value, list):
        kept = value[:LONGEST] if key in CUT else value
        return [trimmed(v) for v in kept]
    return value


@pytest.mark.usefixtures("demo")
async def test_lists_the_data_decides_are_cut_to_prm_max_first_in_their_order(
    gateway: Gateway, short_lists: Gateway
) -> None:
    full = await gateway.ok(EXECUTIVE, DATA_DECIDED, OVERLAP)
    cut = await short_lists.ok(EXECUTIVE, DATA_DECIDED, OVERLAP)
    # The demo graph has more than one of each of these: the cut is not vacuous.
    longer = {path[-1] for path, items in lists(full).items() if len(items) > LONGEST}
    assert longer >= {"accounts", "atRisk", "wonRevenueConcentration", "amounts", "budget"}
    del full["network"], cut["network"]
    assert cut == trimmed(full)


@pytest.mark.usefixtures("demo")
async def test_a_network_larger_than_prm_max_first_keeps_its_nearest_companies(
    gateway: Gateway, short_lists: Gateway
) -> None:
    full = (await gateway.ok(EXECUTIVE, DATA_DECIDED, OVERLAP))["network"]
    cut = (await short_lists.ok(EXECUTIVE, DATA_DECIDED, OVERLAP))["network"]
    assert not full["truncated"]
    assert cut["truncated"]
    assert cut["nodes"] == full["nodes"][:LONGEST]
    assert cut["nodes"][0]["company"]["id"] == gid("Company", "co-000001")
    kept = {n["company"]["id"] for n in cut["nodes"]}
    between = [e for e in full["edges"] if {e["vendor"]["id"], e["partner"]["id"]} <= kept]
    assert cut["edges"] == between[:LONGEST]


@pytest.mark.parametrize(
    ("field", "argument"), [("nodes", "ids"), ("_entities", "representations")]
)
@pytest.mark.usefixtures("demo")
async def test_more_than_100_ids_are_bad_user_input(
    gateway: Gateway, field: str, argument: str
) -> None:
    company = gid("Company", "co-000001")
    given: list[Any] = (
        [company] * 101 if field == "nodes" else [{"__typename": "Company", "id": company}] * 101
    )
    kind = "[ID!]!" if field == "nodes" else "[_Any!]!"
    query = f"query($v: {kind}) {{ {field}({argument}: $v) {{ __typename }} }}"
    refused = await gateway.query(EXECUTIVE, query, {"v": given})
    assert refused.data is None
    assert [e["extensions"] for e in refused.errors] == [
        {"code": "BAD_USER_INPUT", "argument": argument}
    ]
    assert refused.round_trips == 1  # the viewer: no entity was read
    answered = await gateway.ok(EXECUTIVE, query, {"v": given[:100]})
    assert len(answered[field]) == 100
