"""Access transparency: every path that returns a shared customer's fields to a recipient
user leaves exactly that read in the owner's view of the link (issue #13, item 3).

Each test makes a known set of reads through one path, waits for the recorder
(``flush``: no sleeping), and compares ``DataLink.reads`` with what it read: the
distinct customers per link, user and day, and the groups actually returned.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.applications import Starlette

from graph import (
    CustomerRow,
    Database,
    DatabaseConfig,
    GraphReader,
    QueryStats,
    ReadLog,
    ReadRecorder,
    Viewer,
    load_viewer,
    sweep_reads,
)
from graph.queries.access_log import RECORD_READS_STATEMENT
from policy import FieldGroup
from tests.conftest import make_settings
from tests.db.conftest import GraphLoader, serving
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid
from tests.support.proxy import TcpProxy
from tests.support.ws import connect, listening, served, subscribe

b = Builder()
owner = b.company("Owner")
recipient = b.company("Recipient")
stranger = b.company("Stranger")
o_exec = b.user(owner, "EXECUTIVE")
o_manager = b.user(owner, "MANAGER")
o_manager2 = b.user(owner, "MANAGER")
o_rep = b.user(owner, "REP")
r_exec = b.user(recipient, "EXECUTIVE")
r_rep = b.user(recipient, "REP")
r_rep2 = b.user(recipient, "REP")
s_exec = b.user(stranger, "EXECUTIVE")
p = b.partnership(owner, recipient, tier="HIGH", managers=(o_manager,))
c1, c2, c3, c4 = (b.customer(owner) for _ in range(4))
c1_contact = b.contact(customer=c1)
r_own_contact = b.contact(company=recipient)
#: IDENTITY and PROFILE of c1..c3; CONTACT and FINANCIAL of c1 only. c4 is not shared.
l1 = b.link(owner, recipient, p, scope=("IDENTITY", "PROFILE"), covers=(c1, c2, c3))
l2 = b.link(owner, recipient, p, scope=("CONTACT", "FINANCIAL"), covers=(c1,))
# The recipient's own customers: one holds c1's account (an overlap), one it shares back.
r_overlap = b.customer(recipient, domain="customer-1.example")
r_c = b.customer(recipient)
l3 = b.link(recipient, owner, p, scope=("IDENTITY",), covers=(r_c,))

READS = """query($id: ID!, $from: Date, $to: Date) { node(id: $id) { ... on DataLink {
  reads(from: $from, to: $to) { day userId userName customersRead groups } } } }"""

Reads = dict[tuple[str, str], tuple[int, list[str]]]


@pytest.fixture(autouse=True)
async def graph(app: Starlette, load_graph: GraphLoader) -> None:
    # Reads of an earlier test still queued would land in this test's graph.
    await app.state.prm.recorder.flush()
    await load_graph(b.data)


def today() -> str:
    return datetime.now(UTC).date().isoformat()


async def reads(
    gateway: Gateway, app: Starlette, link: str, viewer: str = o_exec, **args: str
) -> Reads | None:
    """The link's reads as ``viewer`` sees them, once the recorder has written."""
    await app.state.prm.recorder.flush()
    variables: dict[str, Any] = {"id": gid("DataLink", link), **args}
    data = await gateway.ok(viewer, READS, variables)
    if data["node"] is None:
        return None
    return {
        (r["userId"], r["day"]): (r["customersRead"], r["groups"]) for r in data["node"]["reads"]
    }


def of(user: str, count: int, groups: list[str]) -> Reads:
    return {(gid("User", user), today()): (count, groups)}


async def ok(
    gateway: Gateway, user: str, query: str, variables: dict[str, Any] | None = None
) -> Any:
    return await gateway.ok(user, query, variables)


# ---- paths ------------------------------------------------------------------------


async def test_a_list_counts_each_customer_once_against_the_links_of_the_groups_returned(
    gateway: Gateway, app: Starlette
) -> None:
    query = "{ customers(first: 50) { edges { node { name industry } } } }"
    await ok(gateway, r_rep, query)
    await ok(gateway, r_rep, query)  # the same customers again the same day: still 3
    assert await reads(gateway, app, l1) == of(r_rep, 3, ["IDENTITY", "PROFILE"])
    # c1 came through l2 too, but l2 granted none of the groups returned.
    assert await reads(gateway, app, l2) == {}
    # The recipient's own customers were in the list: no read of anyone's link.
    assert await reads(gateway, app, l3, r_exec) == {}


async def test_a_forbidden_field_is_no_read_and_a_readable_one_counts_on_its_link(
    gateway: Gateway, app: Starlette
) -> None:
    result = await gateway.query(r_rep, "{ customers(first: 50) { edges { node { email } } } }")
    assert result.status == 200
    assert len(result.errors) == 2  # c2, c3: FORBIDDEN CONTACT
    assert await reads(gateway, app, l2) == of(r_rep, 1, ["CONTACT"])
    assert await reads(gateway, app, l1) == {}


async def test_counts_ids_and_access_are_not_reads(gateway: Gateway, app: Starlette) -> None:
    await ok(
        gateway,
        r_rep,
        "{ customers(first: 50) { totalCount edges { node { id owner { name }"
        " access { level groups via { id } } } } } }",
    )
    await ok(gateway, r_rep, "{ customers(first: 0) { totalCount } }")
    assert await reads(gateway, app, l1) == {}
    assert await reads(gateway, app, l2) == {}


async def test_a_single_lookup_node_and_nodes_each_count(gateway: Gateway, app: Starlette) -> None:
    await ok(
        gateway,
        r_rep,
        "query($id: ID!) { customer(id: $id) { segment } }",
        {"id": gid("Customer", c2)},
    )
    await ok(
        gateway,
        r_rep2,
        "query($id: ID!) { node(id: $id) { ... on Customer { annualRevenue } } }",
        {"id": gid("Customer", c1)},
    )
    await ok(
        gateway,
        r_exec,
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Customer { name } } }",
        {"ids": [gid("Customer", c) for c in (c1, c2, c3, c4)]},  # c4: null, no read
    )
    assert await reads(gateway, app, l1) == {
        **of(r_rep, 1, ["PROFILE"]),
        **of(r_exec, 3, ["IDENTITY"]),
    }
    assert await reads(gateway, app, l2) == of(r_rep2, 1, ["FINANCIAL"])


async def test_entities_count(gateway: Gateway, app: Starlette) -> None:
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Customer { name email } } }"""
    reps = [{"__typename": "Customer", "id": gid("Customer", c)} for c in (c1, c3)]
    result = await gateway.query(r_rep, query, {"r": reps})
    assert result.status == 200
    assert await reads(gateway, app, l1) == of(r_rep, 2, ["IDENTITY"])
    assert await reads(gateway, app, l2) == of(r_rep, 1, ["CONTACT"])


async def test_a_shared_customers_contact_looked_up_by_id_counts_as_a_contact_read(
    gateway: Gateway, app: Starlette
) -> None:
    query = """query($ids: [ID!]!) { nodes(ids: $ids) { ... on Contact { name } } }"""
    ids = [gid("Contact", c1_contact), gid("Contact", r_own_contact)]
    data = await ok(gateway, r_rep, query, {"ids": ids})
    assert [n["name"] for n in data["nodes"]] == [
        f"Contact {c1_contact}",
        f"Contact {r_own_contact}",
    ]
    # c1's CONTACT group came through l2 only; the recipient's own contact is no read.
    assert await reads(gateway, app, l2) == of(r_rep, 1, ["CONTACT"])
    assert await reads(gateway, app, l1) == {}


async def test_a_nested_traversal_and_a_customers_contacts_count(
    gateway: Gateway, app: Starlette
) -> None:
    query = """query($id: ID!) { partnership(id: $id) { dataLinks(first: 10) { edges { node {
      customers(first: 10) { edges { node {
        region contacts(first: 5) { edges { node { name } } } } } }
    } } } } }"""
    result = await gateway.query(r_rep, query, {"id": gid("Partnership", p)})
    assert result.status == 200
    # Through l1's customers c1..c3: region (PROFILE); contacts only on c1 (CONTACT, l2).
    assert await reads(gateway, app, l1) == of(r_rep, 3, ["PROFILE"])
    assert await reads(gateway, app, l2) == of(r_rep, 1, ["CONTACT"])


async def test_an_account_overlap_list_counts_the_partners_records_it_returns(
    gateway: Gateway, app: Starlette
) -> None:
    query = """query($id: ID!) { accountOverlap(partnershipId: $id) {
      total accounts { theirs { name } } } }"""
    data = await ok(gateway, r_rep, query, {"id": gid("Partnership", p)})
    assert [len(a["theirs"]) for a in data["accountOverlap"]["accounts"]] == [1]
    assert await reads(gateway, app, l1) == of(r_rep, 1, ["IDENTITY"])
    # The overlap's figures alone read nothing.
    await ok(
        gateway,
        r_rep2,
        "query($id: ID!) { accountOverlap(partnershipId: $id) { total } }",
        {"id": gid("Partnership", p)},
    )
    assert (gid("User", r_rep2), today()) not in (await reads(gateway, app, l1) or {})


async def test_the_domain_of_an_overlap_account_is_a_read_of_the_partners_record(
    gateway: Gateway, app: Starlette
) -> None:
    query = "query($id: ID!) { accountOverlap(partnershipId: $id) { accounts { domain } } }"
    await ok(gateway, r_rep, query, {"id": gid("Partnership", p)})
    assert await reads(gateway, app, l1) == of(r_rep, 1, ["IDENTITY"])


async def test_an_export_counts_every_row_and_group_it_streams(
    gateway: Gateway, app: Starlette
) -> None:
    response = await gateway.client.get(
        "/export/customers.jsonl", headers={"authorization": f"Bearer {gateway.token(r_rep)}"}
    )
    assert response.status_code == 200
    assert await reads(gateway, app, l1) == of(r_rep, 3, ["IDENTITY", "PROFILE"])
    assert await reads(gateway, app, l2) == of(r_rep, 1, ["CONTACT", "FINANCIAL"])


@pytest.fixture
async def url(app: Starlette) -> AsyncIterator[str]:
    async with served(app) as ws_url:
        yield ws_url


async def test_an_operation_on_a_websocket_counts(
    url: str, gateway: Gateway, app: Starlette
) -> None:
    async with connect(url, gateway.token(r_rep)) as socket:
        result = await socket.execute("{ customers(first: 50) { edges { node { name } } } }")
        assert "errors" not in result, result
    assert await reads(gateway, app, l1) == of(r_rep, 3, ["IDENTITY"])


async def test_each_subscription_event_counts(url: str, gateway: Gateway, app: Starlette) -> None:
    registered = "subscription { dealRegistered { opportunity { customer { name } } } }"
    register = """mutation($input: RegisterDealInput!) { registerDeal(input: $input) { id } }"""
    async with subscribe(url, gateway.token(o_exec), registered) as events:
        await listening(app, 1)
        await ok(
            gateway,
            r_exec,
            register,
            {
                "input": {
                    "partnershipId": gid("Partnership", p),
                    "customerId": gid("Customer", r_c),
                    "title": "Expansion",
                    "amount": 1000.0,
                }
            },
        )
        message = await events.next()
        assert message["payload"]["data"]["dealRegistered"]["opportunity"]["customer"] == {
            "name": next(c["name"] for c in b.data.customers if c["id"] == r_c)
        }
    # The owner of l3 is the recipient: its executive sees the vendor's read.
    assert await reads(gateway, app, l3, r_exec) == of(o_exec, 1, ["IDENTITY"])


# ---- who sees the reads ------------------------------------------------------------


async def test_the_owners_executive_and_the_partnerships_manager_see_every_read(
    gateway: Gateway, app: Starlette
) -> None:
    await ok(gateway, r_rep, "{ customers(first: 50) { edges { node { name } } } }")
    await ok(gateway, r_rep2, "{ customers(first: 50) { edges { node { industry } } } }")
    every = {**of(r_rep, 3, ["IDENTITY"]), **of(r_rep2, 3, ["PROFILE"])}
    assert await reads(gateway, app, l1, o_exec) == every
    assert await reads(gateway, app, l1, o_manager) == every
    # The recipient's executive: every read of its own users (a link has one recipient).
    assert await reads(gateway, app, l1, r_exec) == every
    # Any other recipient user: their own reads only.
    assert await reads(gateway, app, l1, r_rep2) == of(r_rep2, 3, ["PROFILE"])
    # The owner's REP and a manager of other partnerships: nothing, as if never read.
    assert await reads(gateway, app, l1, o_rep) == {}
    assert await reads(gateway, app, l1, o_manager2) == {}
    # A stranger cannot see the link at all.
    assert await reads(gateway, app, l1, s_exec) is None


async def test_reads_are_kept_per_day_and_queried_by_day(
    gateway: Gateway, app: Starlette, db: Database
) -> None:
    viewer = await load_viewer(db, r_rep, app.state.prm.policy)
    day = datetime.now(UTC).date()
    for days_ago, customers in ((0, (c1,)), (3, (c1, c2)), (10, (c1, c2, c3))):
        log = ReadLog(viewer)
        for c in customers:
            row = await _shared_row(app, viewer, c)
            log.note(row, row.groups & {_group("IDENTITY")})
        await db.write(RECORD_READS_STATEMENT, {"reads": log.drain(day - timedelta(days=days_ago))})
    everything = await reads(gateway, app, l1)
    assert everything is not None
    assert sorted((d, n) for (_, d), (n, _) in everything.items()) == [
        ((day - timedelta(days=10)).isoformat(), 3),
        ((day - timedelta(days=3)).isoformat(), 2),
        (day.isoformat(), 1),
    ]
    window = await reads(
        gateway,
        app,
        l1,
        **{
            "from": (day - timedelta(days=5)).isoformat(),
            "to": (day - timedelta(days=1)).isoformat(),
        },
    )
    assert window == {
        (gid("User", r_rep), (day - timedelta(days=3)).isoformat()): (2, ["IDENTITY"])
    }


async def test_the_retention_sweep_deletes_reads_older_than_the_setting(
    gateway: Gateway, app: Starlette, db: Database
) -> None:
    viewer = await load_viewer(db, r_rep, app.state.prm.policy)
    day = datetime.now(UTC).date()
    row = await _shared_row(app, viewer, c1)
    for days_ago in (401, 400, 399):
        log = ReadLog(viewer)
        log.note(row, {_group("IDENTITY")})
        await db.write(RECORD_READS_STATEMENT, {"reads": log.drain(day - timedelta(days=days_ago))})
    assert await sweep_reads(db, 400) == 1
    left = await reads(gateway, app, l1)
    assert left is not None
    assert sorted(d for (_, d) in left) == [
        (day - timedelta(days=400)).isoformat(),
        (day - timedelta(days=399)).isoformat(),
    ]


# ---- no round trip, never silent ---------------------------------------------------


async def test_recording_a_read_adds_no_round_trip(gateway: Gateway, app: Starlette) -> None:
    query = "{ customers(first: 50) { edges { node { name email } } } }"
    as_owner = await gateway.query(o_exec, query)  # the owner's own rows: no read
    as_recipient = await gateway.query(r_rep, query)  # shared rows: reads recorded
    assert as_owner.status == as_recipient.status == 200
    # The viewer and the customers: the write is the recorder's, off the request.
    assert as_recipient.round_trips == as_owner.round_trips == 2
    assert await reads(gateway, app, l1) == of(r_rep, 3, ["IDENTITY"])


async def test_reads_the_recorder_cannot_keep_are_counted_in_metrics_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = make_settings(PRM_ACCESS_LOG_MAX_PENDING="2")
    async with serving(settings) as gw:
        await gw.ok(r_rep, "{ customers(first: 50) { edges { node { name } } } }")  # 3 > 2
        metrics = (await gw.client.get("/metrics")).text
    assert 'prm_access_log_reads_lost_total{reason="queue_full"} 3.0' in metrics
    assert "3 reads not recorded (queue_full)" in caplog.text


async def test_an_erased_customer_leaves_no_read_in_the_log(
    gateway: Gateway, app: Starlette, db: Database
) -> None:
    await ok(gateway, r_rep, "{ customers(first: 50) { edges { node { name } } } }")
    assert await reads(gateway, app, l1) == of(r_rep, 3, ["IDENTITY"])
    erase = "mutation($id: ID!) { eraseCustomer(id: $id) { id } }"
    await ok(gateway, o_exec, erase, {"id": gid("Customer", c1)})
    assert await reads(gateway, app, l1) == of(r_rep, 2, ["IDENTITY"])
    left = await db.read("MATCH (x:CustomerRead {customer: $c}) RETURN count(x) AS n", {"c": c1})
    assert left[0]["n"] == 0


async def test_a_read_written_after_its_customer_was_erased_is_not_kept(
    gateway: Gateway, app: Starlette, db: Database
) -> None:
    # The recorder writes after the request: a read made just before an erasure may
    # reach the database after it. It must not bring the erased customer's id back.
    viewer = await load_viewer(db, r_rep, app.state.prm.policy)
    log = ReadLog(viewer)
    log.note(await _shared_row(app, viewer, c2), {_group("IDENTITY")})
    erase = "mutation($id: ID!) { eraseCustomer(id: $id) { id } }"
    await ok(gateway, o_exec, erase, {"id": gid("Customer", c2)})
    app.state.prm.recorder.record(log)
    await app.state.prm.recorder.flush()
    left = await db.read("MATCH (x:CustomerRead {customer: $c}) RETURN count(x) AS n", {"c": c2})
    assert left[0]["n"] == 0


async def test_reads_the_database_refuses_to_store_are_counted_as_lost_and_logged(
    app: Starlette, db: Database, proxy: TcpProxy, caplog: pytest.LogCaptureFixture
) -> None:
    viewer = await load_viewer(db, r_rep, app.state.prm.policy)
    log = ReadLog(viewer)
    for c in (c1, c2):
        log.note(await _shared_row(app, viewer, c), {_group("IDENTITY")})
    config = DatabaseConfig(
        uri=f"bolt://127.0.0.1:{proxy.port}",
        user="neo4j",
        password=make_settings().db.password,
        retry_seconds=0.5,
    )
    away = Database(config)
    lost: list[tuple[str, int]] = []
    recorder = ReadRecorder(away, on_lost=lambda reason, n: lost.append((reason, n)))
    try:
        await proxy.down()
        recorder.record(log)
        await recorder.flush()
    finally:
        await recorder.close()
        await away.close()
    assert lost == [("write_failed", 2)]
    assert recorder.pending == 0
    assert "2 reads not recorded (write_failed)" in caplog.text


# ---- helpers -----------------------------------------------------------------------


def _group(name: str) -> FieldGroup:
    return FieldGroup(name)


async def _shared_row(app: Starlette, viewer: Viewer, customer: str) -> CustomerRow:
    state = app.state.prm
    reader = GraphReader(state.db, viewer, state.policy, state.codec, QueryStats())
    row = await reader.customers.customer(customer)
    assert row is not None
    return row
