"""The consent data migration (graph/queries/data_migrations.py): on a graph in the
shape it had before consent (no ceilings, no acceptances), every viewer's answers
after the migration are today's answers, as the reference computes them, and the
migration runs once."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings

from graph import Database
from graph.generator.model import GraphData
from graph.migrations import migrate_data
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid, graph_id
from tests.support.random_graphs import partner_graphs
from tests.support.reference import Reference

SEEN = """{ customers(first: 100) { totalCount edges { node { id access { groups } } } } }"""
_CONSENT_KEYS = {"ceiling", "ceilingAllCustomers", "vendorAcceptedAt", "partnerAcceptedAt"}


def before_consent(data: GraphData) -> GraphData:
    """The graph as the project stored it before consent: no ceiling, no acceptance."""
    old = copy.deepcopy(data)
    for row in (*old.data_links, *old.partnerships):
        for key in _CONSENT_KEYS:
            row.pop(key, None)
    return old


def todays_rules(data: GraphData) -> GraphData:
    """What the reference reads as today's answers: before consent a link shared its
    scope (under the tier) and allCustomers as set, as if its owner had accepted both."""
    today = copy.deepcopy(data)
    for link in today.data_links:
        link["ceiling"] = list(link["scope"])
        link["ceilingAllCustomers"] = link["allCustomers"]
    return today


async def answers(gateway: Gateway, user: str) -> dict[str, frozenset[str]]:
    data = (await gateway.ok(user, SEEN))["customers"]
    assert data["totalCount"] == len(data["edges"])
    return {
        graph_id(e["node"]["id"]): frozenset(e["node"]["access"]["groups"]) for e in data["edges"]
    }


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(graph=partner_graphs())
async def test_every_viewer_answers_the_same_after_the_consent_migration(
    gateway: Gateway, load_graph: GraphLoader, db: Database, graph: Builder
) -> None:
    old = before_consent(graph.data)
    await load_graph(old)
    ref = Reference(todays_rules(old), datetime.now(UTC))
    assert await migrate_data(db) == ["consent"]
    assert await migrate_data(db) == []  # once
    for user in (u["id"] for u in old.users):
        expected = {cid: e.groups for cid, e in ref.customers(user).items()}
        assert await answers(gateway, user) == expected, user
    links = await db.read(
        "MATCH (l:DataLink) RETURN l.scope = l.ceiling AND "
        "l.allCustomers = l.ceilingAllCustomers AS same",
        {},
    )
    assert all(r["same"] for r in links)


async def test_the_migration_accepts_live_partnerships_and_invites_opening_ones(
    load_graph: GraphLoader, db: Database, gateway: Gateway
) -> None:
    b = Builder()
    vendor, partner, other = b.company(), b.company(), b.company()
    p_exec = b.user(partner, "EXECUTIVE")
    live = b.partnership(vendor, partner, tier="MEDIUM")
    opening = b.partnership(vendor, other, status="ONBOARDING")
    await load_graph(before_consent(b.data))
    await migrate_data(db)
    rows = await db.read(
        "MATCH (p:Partnership) RETURN p.id AS id, p.vendorAcceptedAt IS NOT NULL AS vendor, "
        "p.partnerAcceptedAt IS NOT NULL AS partner, "
        "[(p)<-[:ABOUT]-(cp:ConsentProposal) | cp.kind + ':' + cp.status] AS proposals "
        "ORDER BY id",
        {},
    )
    assert rows == [
        {"id": live, "vendor": True, "partner": True, "proposals": []},
        {"id": opening, "vendor": True, "partner": False, "proposals": ["INVITATION:PENDING"]},
    ]
    query = "query($id: ID!) { partnership(id: $id) { tier consent { partnerAccepted } } }"
    seen = await gateway.ok(p_exec, query, {"id": gid("Partnership", live)})
    assert seen["partnership"] == {"tier": "MEDIUM", "consent": {"partnerAccepted": True}}


async def test_the_migration_runs_once_and_keeps_later_consent(
    load_graph: GraphLoader, db: Database
) -> None:
    b = Builder()
    owner, recipient = b.company(), b.company()
    pid = b.partnership(owner, recipient)
    link = b.link(owner, recipient, pid)
    await load_graph(before_consent(b.data))
    assert await migrate_data(db) == ["consent"]
    await db.write("MATCH (l:DataLink {id: $id}) SET l.ceiling = ['IDENTITY']", {"id": link})
    assert await migrate_data(db) == []
    rows = await db.read("MATCH (l:DataLink {id: $id}) RETURN l.ceiling AS ceiling", {"id": link})
    assert rows == [{"ceiling": ["IDENTITY"]}]
    records = await db.read("MATCH (m:Migration) RETURN m.id AS id, m.version AS v", {})
    assert records == [{"id": "consent", "v": 1}]
