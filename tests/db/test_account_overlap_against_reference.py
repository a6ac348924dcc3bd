"""Account overlap on random graphs agrees with the reference rules; PRM_MIN_BUCKET decides
which breakdown buckets are small enough to leave out.

Random graphs give companies customers with the same few domains spelled
differently (case, white space, a no-break space), random data links and
tiers. Every user asks ``accountOverlap`` for every partnership of the
graph; each answer is compared with ``Reference.account_overlap`` (written from
authorization.md and the issue, sharing no code with the gateway): null or
not, the total, both breakdowns with small buckets suppressed, the listed
accounts and every field of every listed customer (its value, or null with
FORBIDDEN and its group). No customer the customer rules hide ever appears.
The comparison runs on the suite's gateway (PRM_MIN_BUCKET=3, the default) and
on one started with PRM_MIN_BUCKET=1.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings

from tests.conftest import make_settings
from tests.db.conftest import GraphLoader, serving
from tests.support.builder import Builder
from tests.support.client import Gateway, Result
from tests.support.customers import (
    CUSTOMER_SELECTION,
    check_customer,
    gid,
    graph_id,
    unexpected_errors,
)
from tests.support.random_graphs import partner_graphs
from tests.support.reference import ExpectedOverlap, Reference

#: CI keeps this short; PRM_FUZZ_EXAMPLES=2000 make test (or make fuzz) runs it long.
EXAMPLES = int(os.environ.get("PRM_FUZZ_EXAMPLES", "20"))

OVERLAP_SELECTION = f"""tier total minBucket partner {{ id }} partnership {{ id }}
  byIndustry {{ key count }} byRegion {{ key count }}
  accounts {{ domain ours {{ {CUSTOMER_SELECTION} }} theirs {{ {CUSTOMER_SELECTION} }} }}"""


def operation(count: int) -> str:
    variables = ", ".join(f"$p{i}: ID!" for i in range(count))
    fields = " ".join(
        f"o{i}: accountOverlap(partnershipId: $p{i}) {{ {OVERLAP_SELECTION} }}"
        for i in range(count)
    )
    return f"query({variables}) {{ {fields} }}"


@pytest.fixture(scope="module")
async def bucket_of_one() -> AsyncIterator[Gateway]:
    """A gateway that shows every bucket, however small (PRM_MIN_BUCKET=1)."""
    async with serving(make_settings(PRM_MIN_BUCKET="1")) as gateway:
        yield gateway


def buckets(rows: list[dict[str, Any]]) -> dict[str | None, int]:
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys)), rows
    return {r["key"]: r["count"] for r in rows}


def check_overlap(
    result: Result,
    ref: Reference,
    viewer: str,
    alias: str,
    got: dict[str, Any] | None,
    expected: ExpectedOverlap | None,
    min_bucket: int,
) -> None:
    if expected is None:
        assert got is None, (viewer, alias, got)
        assert not result.errors_at(alias), result.errors
        return
    assert got is not None, (viewer, alias)
    assert got["tier"] == expected.tier
    assert graph_id(got["partner"]["id"]) == expected.partner
    assert got["minBucket"] == min_bucket
    assert got["total"] == expected.total, (viewer, alias)
    assert buckets(got["byIndustry"]) == expected.by_industry, (viewer, alias)
    assert buckets(got["byRegion"]) == expected.by_region, (viewer, alias)
    errors = result.errors_at(alias, "accounts")
    if expected.accounts is None:
        assert got["accounts"] is None, (viewer, alias, "accounts listed at LOW")
        assert [e["extensions"] for e in errors] == [{"code": "FORBIDDEN", "group": "IDENTITY"}]
        return
    assert not errors, errors
    assert got["accounts"] is not None
    listed = [a["domain"] for a in got["accounts"]]
    assert len(listed) == len(set(listed)), listed
    assert sorted(listed) == sorted(expected.accounts), (viewer, alias, listed)
    visible = ref.customers(viewer)
    rows = {c["id"]: c for c in ref.data.customers}
    for index, account in enumerate(got["accounts"]):
        ours, theirs = expected.accounts[account["domain"]]
        for side, ids in (("ours", ours), ("theirs", theirs)):
            records = account[side]
            assert sorted(graph_id(r["id"]) for r in records) == sorted(ids), (alias, side)
            for j, node in enumerate(records):
                cid = graph_id(node["id"])
                assert cid in visible, (viewer, cid, "a customer the customer rules hide")
                path = (alias, "accounts", index, side, j)
                check_customer(result, path, node, rows[cid], visible[cid])


async def check_viewer(gateway: Gateway, b: Builder, viewer: str, min_bucket: int) -> None:
    ref = Reference(b.data, datetime.now(UTC))
    partnerships = [p["id"] for p in b.data.partnerships]
    if not partnerships:
        return
    variables = {f"p{i}": gid("Partnership", p) for i, p in enumerate(partnerships)}
    result = await gateway.query(viewer, operation(len(partnerships)), variables)
    assert result.status == 200, result.body
    assert not unexpected_errors(result), result.errors
    for i, pid in enumerate(partnerships):
        expected = ref.account_overlap(viewer, pid, min_bucket)
        if expected is not None:
            listed = "counts only" if expected.accounts is None else "listed"
            event(f"overlap {expected.tier}: {listed} {bool(expected.accounts)}")
            event(f"min bucket {min_bucket}: buckets shown {bool(expected.by_industry)}")
        check_overlap(result, ref, viewer, f"o{i}", result.data[f"o{i}"], expected, min_bucket)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(graph=partner_graphs(shared_accounts=True))
async def test_account_overlap_agrees_with_the_reference(
    gateway: Gateway, bucket_of_one: Gateway, load_graph: GraphLoader, graph: Builder
) -> None:
    await load_graph(graph.data)
    for viewer in (u["id"] for u in graph.data.users):
        await check_viewer(gateway, graph, viewer, 3)
        await check_viewer(bucket_of_one, graph, viewer, 1)


# -- a hand-built graph: spelling of domains, and PRM_MIN_BUCKET --------------

hand = Builder()
V, P, Q = (hand.company(n) for n in "VPQ")
v_exec = hand.user(V, "EXECUTIVE")
vp = hand.partnership(V, P, tier="MEDIUM")
hand.partnership(V, Q, tier="LOW")
ours = {
    domain: hand.customer(V, domain=domain, industry=industry, region=region)
    for domain, industry, region in (
        ("acme.example", "Retail", "EMEA"),
        ("globex.example", "Retail", "EMEA"),
        ("initech.example", "Banking", "NA"),
    )
}
# P's records of the same three accounts, padded with a no-break space (U+00A0), a
# next-line (U+0085) and ASCII white space: str.strip() drops all of them.
theirs = [
    hand.customer(P, domain=d, industry="Other", region="APAC")
    for d in ("\u00a0ACME.example", "globex.example\x85", " Initech.Example\t")
]
hand.link(P, V, vp, scope=("IDENTITY", "PROFILE"), all_customers=True)
# Q holds acme too: two ACTIVE partners hold it (duplicated coverage).
hand.customer(Q, domain="acme.example\u00a0")

HAND_OVERLAP = """query($id: ID!) { accountOverlap(partnershipId: $id) {
  total minBucket byIndustry { key count } byRegion { key count }
  accounts { domain theirs { id } } }
  portfolio { duplicatedCoverage { accounts byPartnerCount { key count } } } }"""


async def test_domains_padded_with_unicode_space_are_the_same_account(
    gateway: Gateway, load_graph: GraphLoader
) -> None:
    """Regression: the overlap used Cypher's trim(), which keeps U+00A0 and U+0085, so
    these records were not matched although policy.account_key says they are one account."""
    await load_graph(hand.data)
    data = await gateway.ok(v_exec, HAND_OVERLAP, {"id": gid("Partnership", vp)})
    overlap = data["accountOverlap"]
    assert overlap["total"] == 3
    domains = ["acme.example", "globex.example", "initech.example"]
    assert [a["domain"] for a in overlap["accounts"]] == domains
    assert [graph_id(t["id"]) for a in overlap["accounts"] for t in a["theirs"]] == theirs
    assert data["portfolio"]["duplicatedCoverage"]["accounts"] == 1
    expected = Reference(hand.data, datetime.now(UTC)).account_overlap(v_exec, vp)
    assert expected is not None
    assert expected.total == 3


async def test_min_bucket_decides_which_breakdown_buckets_are_shown(
    gateway: Gateway, bucket_of_one: Gateway, load_graph: GraphLoader
) -> None:
    await load_graph(hand.data)
    variables = {"id": gid("Partnership", vp)}
    default = await gateway.ok(v_exec, HAND_OVERLAP, variables)
    overlap = default["accountOverlap"]
    # Retail 2 and Banking 1 are below the default bucket of 3: no breakdown at all.
    assert (overlap["total"], overlap["minBucket"]) == (3, 3)
    assert (overlap["byIndustry"], overlap["byRegion"]) == ([], [])
    assert default["portfolio"]["duplicatedCoverage"]["byPartnerCount"] == []

    every = await bucket_of_one.ok(v_exec, HAND_OVERLAP, variables)
    overlap = every["accountOverlap"]
    assert (overlap["total"], overlap["minBucket"]) == (3, 1)
    assert buckets(overlap["byIndustry"]) == {"Retail": 2, "Banking": 1}
    assert buckets(overlap["byRegion"]) == {"EMEA": 2, "NA": 1}
    coverage = every["portfolio"]["duplicatedCoverage"]
    assert coverage == {"accounts": 1, "byPartnerCount": [{"key": "2", "count": 1}]}
