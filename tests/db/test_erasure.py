"""Erasure (docs/privacy.md): after eraseCustomer, eraseContact or `prm erase`, no path
returns an erased value (every GraphQL path, the export, the audit trail, subscription
events and the raw graph); deals keep their figures; a tombstone keeps the account out
of `prm import` unless forced; only the owner's EXECUTIVE may erase, and its record
says what went, when and by whom, never what it was."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette

from gateway.cli import main as prm
from gateway.sweeper import start_audit_sweeper, stop_sweeper
from graph import Database, GraphCommands, QueryStats, load_viewer
from graph.commands import erasures
from policy import load_policy
from tests.conftest import make_settings
from tests.db.conftest import GraphLoader
from tests.db.test_figures_against_reference import check_user
from tests.support.builder import PAST, Builder
from tests.support.client import Gateway
from tests.support.customers import CUSTOMER_SELECTION, gid
from tests.support.random_graphs import figure_graphs
from tests.support.ws import Subscription, listening, served, subscribe

NAME = "Zeppelinwerk Quokka GmbH"
DOMAIN = "quokka-erase.example"
EMAIL = "hello@quokka-erase.example"
PHONE = "+49 30 777 1234 55"
ADDRESS = "Quokkastrasse 17, Jena"
NOTES = "quokka: pays late, ask for prepayment"
CONTACT_NAME = "Quentin Quokkason"
CONTACT_EMAIL = "quentin@quokka-erase.example"
CONTACT_PHONE = "+49 171 9999 000"
DEAL_TITLE = "Quokka platform renewal"
OPEN_DEAL_TITLE = "Quokka second site"
API_DEAL_TITLE = "Zeppelinwerk expansion"
REASON = "Zeppelinwerk already buys direct"
PERSON_EMAIL = "dana.subject@people-erase.example"
PERSON_NAME = "Dana Subjectova"

b = Builder()
vendor = b.company("Vendor")
partner = b.company("Partner")
v_exec = b.user(vendor, "EXECUTIVE")
v_manager = b.user(vendor, "MANAGER")
v_analyst = b.user(vendor, "ANALYST")
p_exec = b.user(partner, "EXECUTIVE")
p_rep = b.user(partner, "REP")
ps = b.partnership(vendor, partner, tier="HIGH", managers=(v_manager,))
target = b.customer(
    vendor, name=NAME, domain=DOMAIN, email=EMAIL, phone=PHONE, address=ADDRESS, notes=NOTES
)
kept = [b.customer(vendor) for _ in range(3)]
partner_own = b.customer(partner)
contact = b.contact(customer=target)
b.data.contacts[-1].update(name=CONTACT_NAME, email=CONTACT_EMAIL, phone=CONTACT_PHONE)
kept_contact = b.contact(customer=kept[0])
vendor_contact = b.contact(company=vendor)
b.data.contacts[-1].update(name=PERSON_NAME, email=PERSON_EMAIL)
partner_contact = b.contact(company=partner)
b.data.contacts[-1].update(name=PERSON_NAME, email=PERSON_EMAIL.upper())
covering = b.link(vendor, partner, ps, covers=(target, kept[0]))
b.data.data_links[-1]["purpose"] = f"Joint selling to {NAME} and one more"
b.link(vendor, partner, ps, all_customers=True, scope=("IDENTITY",))
b.link(partner, vendor, ps, all_customers=True)
won = b.opportunity(
    ps, target, p_exec, status="WON", title=DEAL_TITLE, amount=5000.0, closedAt=PAST
)
open_deal = b.opportunity(ps, target, p_rep, title=OPEN_DEAL_TITLE, amount=700.0)

ERASED_VALUES = (
    NAME,
    DOMAIN,
    EMAIL,
    PHONE,
    ADDRESS,
    NOTES,
    CONTACT_NAME,
    CONTACT_EMAIL,
    CONTACT_PHONE,
    DEAL_TITLE,
    OPEN_DEAL_TITLE,
    API_DEAL_TITLE,
    REASON,
    target,
    contact,
    gid("Customer", target),
    gid("Contact", contact),
)

ERASE_CUSTOMER = """mutation($id: ID!) { eraseCustomer(id: $id) {
  id kind at by customers contacts users deals uncovered auditEvents tombstones } }"""
ERASE_CONTACT = """mutation($id: ID!) { eraseContact(id: $id) {
  id kind by customers contacts } }"""
ERASURES = "{ erasures(first: 10) { totalCount edges { node { id kind by customers contacts } } } }"
REGISTER = """mutation($p: ID!, $c: ID!, $t: String!) {
  registerDeal(input: {partnershipId: $p, customerId: $c, title: $t, amount: 900}) { id } }"""
REJECT = """mutation($id: ID!, $r: String!) { rejectDeal(id: $id, reason: $r) { id } }"""
APPROVE = """mutation($id: ID!) { approveDeal(id: $id) { id status } }"""

#: Every path that could return a customer, its contacts or its deals (one operation each,
#: so that none is a heavy request on a busy machine).
EVERY_PATH = (
    f"""{{ customers(first: 100) {{ totalCount edges {{ node {{ {CUSTOMER_SELECTION}
    contacts {{ edges {{ node {{ id name email phone title }} }} }} }} }} }} }}""",
    "query($t: ID!) { customer(id: $t) { id name domain } }",
    "query($t: ID!) { node(id: $t) { id ... on Customer { name email } } }",
    """query($t: ID!, $c: ID!, $d: ID!) { nodes(ids: [$t, $c, $d]) {
    id ... on Opportunity { title amount status } } }""",
    "query($c: ID!) { node(id: $c) { id ... on Contact { name email phone } } }",
    """query($d: ID!) { opportunity(id: $d) {
    id title amount status customer { id name domain } } }""",
    """{ opportunities(first: 100) { totalCount edges { node { id title amount currency status
    rejectionReason expectedCloseAt customer { id name domain email } } } } }""",
    "{ auditEvents(first: 100) { totalCount edges { node { action actorId targetId detail } } } }",
    """query($l: ID!) { dataLink(id: $l) { purpose customers(first: 100) { totalCount
    edges { node { id name domain email phone address } } } } }""",
    """{ dataLinks(first: 100) { edges { node { id purpose customers(first: 100) {
    totalCount edges { node { id name } } } } } } }""",
    """query($pa: ID!) { partnership(id: $pa) { dataLinks { edges { node {
    customers(first: 100) { edges { node { id name contacts { edges { node { name email } } } } } }
    } } } vendor { contacts { edges { node { id name email } } } } } }""",
    """query($v: ID!) { company(id: $v) { customers(first: 100) { totalCount
    edges { node { id name } } } contacts { edges { node { id name email } } } } }""",
    "query($p: ID!) { company(id: $p) { contacts { edges { node { id name email } } } } }",
    """query($pa: ID!) { accountOverlap(partnershipId: $pa) { total byIndustry { key count }
    accounts { domain ours { id name } theirs { id name } } } }""",
    """{ oversight { deals { count openPipeline { currency amount }
    wonRevenue { currency amount } } } }""",
    "{ portfolio { sharedCustomerConcentration(top: 5) { total top { value } } } }",
    "{ viewer { user { id name email } } }",
)
ENTITIES = """query($r: [_Any!]!) { _entities(representations: $r) {
  __typename ... on Customer { id name domain email } ... on Company { id name } } }"""
EVERY_USER = (v_exec, v_manager, v_analyst, p_exec, p_rep)


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


@pytest.fixture
def cli(app: Starlette, monkeypatch: pytest.MonkeyPatch) -> None:
    """`prm` reaches the test database (and uses the app's erasure key, the dev one)."""
    settings = app.state.prm.settings
    monkeypatch.setenv("NEO4J_URI", settings.db.uri)
    monkeypatch.setenv("NEO4J_PASSWORD", settings.db.password)
    monkeypatch.setenv("PRM_ERASURE_KEY", settings.erasure.key)


async def run_prm(*args: str) -> int:
    # prm runs its own event loop: in a thread, away from the test's loop.
    return await asyncio.to_thread(prm, list(args))


@pytest.fixture(scope="module")
async def url(app: Starlette) -> AsyncIterator[str]:
    async with served(app) as ws_url:
        yield ws_url


def variables() -> dict[str, Any]:
    return {
        "t": gid("Customer", target),
        "c": gid("Contact", contact),
        "v": gid("Company", vendor),
        "p": gid("Company", partner),
        "pa": gid("Partnership", ps),
        "l": gid("DataLink", covering),
        "d": gid("Opportunity", won),
    }


def found(values: Iterable[str], text: str) -> list[str]:
    lowered = text.lower()
    return [v for v in values if v.lower() in lowered]


async def everything_served(gateway: Gateway, users: Iterable[str]) -> str:
    """Every response of every path, for each user, as one text to search."""
    bodies: list[Any] = []
    for user in users:
        token = {"authorization": f"Bearer {gateway.token(user)}"}
        for operation in EVERY_PATH:
            given = {k: v for k, v in variables().items() if f"${k}:" in operation}
            result = await gateway.query(user, operation, given)
            assert result.status == 200, result.body
            bodies.append(result.body)
        reps = [
            {"__typename": "Customer", "id": gid("Customer", target)},
            {"__typename": "Company", "id": gid("Company", vendor)},
        ]
        bodies.append((await gateway.query(user, ENTITIES, {"r": reps})).body)
        for fmt in ("csv", "jsonl"):
            response = await gateway.client.get(f"/export/customers.{fmt}", headers=token)
            assert response.status_code == 200, response.text
            bodies.append(response.text)
    return json.dumps(bodies)


async def raw_graph(db: Database) -> str:
    """Every node's labels and properties and every relationship's type and properties."""
    nodes = await db.read("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props", {})
    edges = await db.read("MATCH ()-[r]->() RETURN type(r) AS type, properties(r) AS props", {})
    rows = [json.dumps(r, default=str, sort_keys=True) for r in (*nodes, *edges)]
    return "\n".join(sorted(rows))


async def registered_and_rejected(gateway: Gateway) -> str:
    """A deal the partner registers for the target through the API and the vendor rejects
    with a reason naming the account: audit events that carry its id and its name."""
    data = await gateway.ok(
        p_exec,
        REGISTER,
        {"p": gid("Partnership", ps), "c": gid("Customer", target), "t": API_DEAL_TITLE},
    )
    deal = str(data["registerDeal"]["id"])
    await gateway.ok(v_exec, REJECT, {"id": deal, "r": REASON})
    return deal


async def test_after_an_erasure_no_path_returns_an_erased_value(
    gateway: Gateway, db: Database, app: Starlette, url: str
) -> None:
    await registered_and_rejected(gateway)
    before = await everything_served(gateway, EVERY_USER) + await raw_graph(db)
    # What the search looks for is there before: the test would see it.
    assert set(found(ERASED_VALUES, before)) == set(ERASED_VALUES)

    async with (
        subscribe(url, gateway.token(v_exec), AUDIT) as audit_events,
        subscribe(url, gateway.token(p_exec), DEALS) as deal_events,
    ):
        await listening(app, 2)
        erased = (await gateway.ok(v_exec, ERASE_CUSTOMER, variables_of(target)))["eraseCustomer"]
        # The open deal goes on: the vendor approves it, and the partner hears of it.
        approved = await gateway.ok(v_exec, APPROVE, {"id": gid("Opportunity", open_deal)})
        assert approved["approveDeal"]["status"] == "APPROVED"
        # Events of the rejection above may still arrive first: they are not the erasure's.
        events = [
            await next_with(audit_events, "erasure.customer"),
            await next_with(audit_events, "deal.approve"),
            await next_with(deal_events, "deal.approve"),
        ]

    assert erased["kind"] == "CUSTOMER"
    assert erased["by"] == v_exec
    assert (erased["customers"], erased["contacts"], erased["users"]) == (1, 1, 0)
    assert erased["deals"] == 3  # two built, one registered through the API
    assert erased["uncovered"] == 1
    assert erased["tombstones"] == 1
    assert erased["auditEvents"] >= 2  # the registration (customer id) and the rejection
    assert not found(ERASED_VALUES, json.dumps(erased))
    payloads = json.dumps(events)
    assert "erasure.customer" in payloads
    assert "APPROVED" in payloads
    assert not found(ERASED_VALUES, payloads)

    after = await everything_served(gateway, EVERY_USER)
    assert not found(ERASED_VALUES, after)
    assert not found(ERASED_VALUES, await raw_graph(db))


async def next_with(events: Subscription, action: str) -> dict[str, Any]:
    """The next message of ``events`` about ``action``."""
    while True:
        message = await events.next()
        if f'"action": "{action}"' in json.dumps(message):
            return message


AUDIT = "subscription { auditEventAdded { action actorId targetId detail } }"
DEALS = """subscription { dealStatusChanged { action opportunity {
  id title amount status customer { id name } } } }"""


def variables_of(customer: str) -> dict[str, Any]:
    return {"id": gid("Customer", customer)}


DEAL_FIGURES = """{ opportunities(first: 100) { edges { node { id title amount status
  customer { id } } } } }"""


async def test_an_erased_customers_deals_keep_status_and_amount_and_lose_the_rest(
    gateway: Gateway,
) -> None:
    await gateway.ok(v_exec, ERASE_CUSTOMER, variables_of(target))
    for user in (p_exec, v_exec):
        deals = {
            e["node"]["id"]: e["node"]
            for e in (await gateway.ok(user, DEAL_FIGURES))["opportunities"]["edges"]
        }
        assert deals[gid("Opportunity", won)] == {
            "id": gid("Opportunity", won),
            "title": "",
            "amount": 5000.0,
            "status": "WON",
            "customer": None,
        }
        assert deals[gid("Opportunity", open_deal)]["amount"] == 700.0


@pytest.mark.parametrize("user", [v_manager, v_analyst, p_exec, p_rep])
@pytest.mark.parametrize(
    ("mutation", "existing", "missing"),
    [
        (ERASE_CUSTOMER, gid("Customer", target), gid("Customer", "cu-none")),
        (ERASE_CONTACT, gid("Contact", contact), gid("Contact", "ct-none")),
    ],
)
async def test_only_the_owners_executive_erases_and_others_read_not_found(
    gateway: Gateway, user: str, mutation: str, existing: str, missing: str
) -> None:
    refused = await gateway.query(user, mutation, {"id": existing})
    absent = await gateway.query(user, mutation, {"id": missing})
    assert refused.codes() == absent.codes() == ["NOT_FOUND"], refused.body
    assert refused.errors[0]["message"] == absent.errors[0]["message"]
    # Nothing went: the customer and its contact are still there for the owner.
    data = await gateway.ok(v_exec, CUSTOMER_AND_CONTACTS, variables_of(target))
    assert data["customer"]["name"] == NAME
    assert data["customer"]["contacts"]["totalCount"] == 1


CUSTOMER_AND_CONTACTS = """query($id: ID!) { customer(id: $id) { name
  contacts { totalCount } } }"""


async def test_another_companys_executive_reads_not_found_for_a_customer_it_sees(
    gateway: Gateway,
) -> None:
    shown = await gateway.ok(p_exec, CUSTOMER_AND_CONTACTS, variables_of(target))
    assert shown["customer"]["name"] == NAME  # the partner reads it through its link
    refused = await gateway.query(p_exec, ERASE_CUSTOMER, variables_of(target))
    assert refused.codes() == ["NOT_FOUND"]


async def test_an_executive_erases_a_contact_of_a_customer_and_of_its_own_company(
    gateway: Gateway, db: Database
) -> None:
    for erased in (kept_contact, vendor_contact):
        record = (await gateway.ok(v_exec, ERASE_CONTACT, {"id": gid("Contact", erased)}))[
            "eraseContact"
        ]
        assert record["kind"] == "CONTACT"
        assert record["contacts"] == 1
        assert not await db.read("MATCH (c:Contact {id: $id}) RETURN c", {"id": erased})
    # The partner's contact is the partner's: the vendor reads it, and cannot erase it.
    refused = await gateway.query(v_exec, ERASE_CONTACT, {"id": gid("Contact", partner_contact)})
    assert refused.codes() == ["NOT_FOUND"]


async def test_the_owners_executive_reads_what_was_erased_when_and_by_whom(
    gateway: Gateway,
) -> None:
    await gateway.ok(v_exec, ERASE_CUSTOMER, variables_of(target))
    await gateway.ok(v_exec, ERASE_CONTACT, {"id": gid("Contact", kept_contact)})
    records = (await gateway.ok(v_exec, ERASURES))["erasures"]
    assert records["totalCount"] == 2
    assert [e["node"]["kind"] for e in records["edges"]] == ["CONTACT", "CUSTOMER"]
    assert {e["node"]["by"] for e in records["edges"]} == {v_exec}
    # The partner's EXECUTIVE sees none of the vendor's erasures; other roles are refused.
    assert (await gateway.ok(p_exec, ERASURES))["erasures"]["totalCount"] == 0
    for user in (v_manager, v_analyst):
        assert (await gateway.query(user, ERASURES)).codes() == ["FORBIDDEN"]


async def test_prm_erase_by_email_removes_contacts_everywhere_and_scrubs_users(
    gateway: Gateway, db: Database, cli: None, capsys: pytest.CaptureFixture[str]
) -> None:
    await db.write(
        "MATCH (u:User {id: $id}) SET u.email = $email, u.name = $name",
        {"id": p_rep, "email": PERSON_EMAIL, "name": PERSON_NAME},
    )
    assert (await gateway.query(p_rep, "{ viewer { user { id } } }")).status == 200
    assert await run_prm(*["erase", "--email", f"  {PERSON_EMAIL.title()} "]) == 0
    out = capsys.readouterr().out
    assert not found((PERSON_EMAIL, PERSON_NAME), out)
    # Both companies' contacts with the address went; the user is deactivated and scrubbed.
    assert not found((PERSON_EMAIL, PERSON_NAME), await raw_graph(db))
    assert (await gateway.query(p_rep, "{ viewer { user { id } } }")).status == 401
    user = (await db.read("MATCH (u:User {id: $id}) RETURN properties(u) AS p", {"id": p_rep}))[0]
    assert user["p"].get("deactivatedAt") is not None
    # Each company reads its own record, by the operator.
    for executive, _contacts, _users in ((v_exec, 1, 0), (p_exec, 1, 1)):
        records = (await gateway.ok(executive, ERASURES))["erasures"]["edges"]
        assert [(e["node"]["kind"], e["node"]["by"]) for e in records] == [("PERSON", "operator")]
        audit = await gateway.ok(
            executive, '{ auditEvents(actionPrefix: "erasure.") { totalCount } }'
        )
        assert audit["auditEvents"]["totalCount"] == 1


async def test_prm_erase_by_domain_erases_the_account_in_every_company(
    gateway: Gateway, db: Database, cli: None
) -> None:
    await db.write(
        "MATCH (c:Customer {id: $id}) SET c.domain = $domain",
        {"id": partner_own, "domain": " " + DOMAIN.upper() + " "},
    )
    assert await run_prm(*["erase", "--domain", DOMAIN]) == 0
    rows = await db.read(
        "MATCH (c:Customer) WHERE c.id IN $ids RETURN c.id AS id", {"ids": [target, partner_own]}
    )
    assert rows == []
    assert not found((NAME, EMAIL, CONTACT_EMAIL), await raw_graph(db))
    assert (await gateway.ok(v_exec, ERASURES))["erasures"]["edges"][0]["node"]["kind"] == "ACCOUNT"


async def test_prm_erase_refuses_a_malformed_address_in_one_line(
    cli: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run_prm(*["erase", "--email", "nobody"]) == 2
    assert capsys.readouterr().err.startswith("prm erase: ")


IMPORT_CONFIG = """
source = "hubspot"
[customers]
file = "companies.csv"
id = "Record ID"
[customers.columns]
name = "Company name"
domain = "Company Domain Name"
"""


async def test_an_erased_account_does_not_come_back_through_prm_import_unless_forced(
    db: Database, cli: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "companies.csv").write_text(
        "Record ID,Company name,Company Domain Name\n"
        f"1001,{NAME},{DOMAIN}\n"
        "1002,Ordinary Account,ordinary.example\n"
    )
    config = tmp_path / "hubspot.toml"
    config.write_text(IMPORT_CONFIG)
    assert await run_prm(*["import", str(config), "--company", vendor]) == 0
    imported = await db.read(
        "MATCH (c:Customer {domain: $d})-[:OWNED_BY]->(:Company {id: $v}) RETURN c.id AS id",
        {"d": DOMAIN, "v": vendor},
    )
    ids = sorted(r["id"] for r in imported)
    assert len(ids) == 2  # the built one and the imported one: one account
    capsys.readouterr()

    for cid in ids:
        await erase_as(db, cid)
    assert await run_prm(*["import", str(config), "--company", vendor, "--restart"]) == 1
    err = capsys.readouterr().err
    assert "the account was erased" in err
    assert "--force" in err
    assert not await db.read("MATCH (c:Customer {domain: $d}) RETURN c", {"d": DOMAIN})
    assert await db.read("MATCH (c:Customer {domain: 'ordinary.example'}) RETURN c", {})
    # Another company may hold the same account: the tombstone is the owner's.
    assert await run_prm(*["import", str(config), "--company", partner, "--restart"]) == 0
    capsys.readouterr()
    assert await run_prm(*["import", str(config), "--company", vendor, "--restart", "--force"]) == 0
    assert "1 erased accounts imported again" in capsys.readouterr().err
    back = await db.read(
        "MATCH (c:Customer {domain: $d})-[:OWNED_BY]->(:Company {id: $v}) RETURN c",
        {"d": DOMAIN, "v": vendor},
    )
    assert len(back) == 1


async def erase_as(db: Database, customer_id: str) -> None:
    """Erase a customer as the vendor's EXECUTIVE through the commands (no HTTP)."""
    policy = load_policy()
    viewer = await load_viewer(db, v_exec, policy)
    key = make_settings().erasure.key  # the app's and `prm`'s (the cli fixture)
    commands = GraphCommands(db, viewer, policy, QueryStats(), erasure_key=key)
    await commands.erasures.erase_customer(customer_id)


async def test_audit_events_past_their_retention_are_swept(db: Database, cli: None) -> None:
    await db.write(
        "CREATE (:AuditEvent {id: 'au-old', at: datetime() - duration({days: 401}),"
        " action: 'x', companyId: $c, targetId: $c}),"
        " (:AuditEvent {id: 'au-new', at: datetime() - duration({days: 399}),"
        " action: 'x', companyId: $c, targetId: $c})",
        {"c": vendor},
    )
    assert await run_prm(*["sweep-audit"]) == 0
    rows = await db.read(
        "MATCH (a:AuditEvent) WHERE a.id IN ['au-old', 'au-new'] RETURN a.id AS id", {}
    )
    assert [r["id"] for r in rows] == ["au-new"]


# -- figures change at once, as the reference computes them on the erased graph ---------


def erased_data(graph: Builder, customer_id: str) -> Builder:
    """The graph as the reference sees it after the erasure: no customer, no contacts of
    it, links that do not cover it; its deals kept (no figure reads their customer)."""
    data = copy.deepcopy(graph.data)
    data.customers = [c for c in data.customers if c["id"] != customer_id]
    data.contacts = [c for c in data.contacts if c.get("customer") != customer_id]
    for link in data.data_links:
        link["covers"] = [c for c in link["covers"] if c != customer_id]
    for deal in data.opportunities:
        if deal["customer"] == customer_id:
            deal["customer"] = None
    return Builder(data=data)


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(graph=figure_graphs(), pick=st.integers(0, 1000))
async def test_every_figure_changes_at_once_as_the_reference_says_on_the_erased_graph(
    gateway: Gateway, load_graph: GraphLoader, graph: Builder, pick: int
) -> None:
    if not graph.data.customers:
        graph.customer(graph.data.companies[0]["id"])
    customer = graph.data.customers[pick % len(graph.data.customers)]
    owner = customer["owner"]
    executive = next(
        (u["id"] for u in graph.data.users if u["company"] == owner and u["role"] == "EXECUTIVE"),
        None,
    ) or graph.user(owner, "EXECUTIVE")
    await load_graph(graph.data)
    await gateway.ok(executive, ERASE_CUSTOMER, variables_of(customer["id"]))
    after = erased_data(graph, customer["id"])
    for user in (u["id"] for u in after.data.users):
        await check_user(gateway, after, user, 3)


async def test_restoring_a_dump_taken_before_an_erasure_then_replaying_its_tombstones_erases_again(
    gateway: Gateway, db: Database, load_graph: GraphLoader, cli: None, tmp_path: Path
) -> None:
    await gateway.ok(v_exec, ERASE_CUSTOMER, variables_of(target))
    saved = tmp_path / "tombstones.txt"
    assert await run_prm("tombstones", "--out", str(saved)) == 0
    assert len(saved.read_text().split()) == 1
    assert DOMAIN not in saved.read_text()  # keyed hashes only
    await load_graph(b.data)  # the restored dump: taken before the erasure
    assert found((NAME, CONTACT_EMAIL), await raw_graph(db))
    assert await run_prm("erase", "--replay", str(saved)) == 0
    assert not found((NAME, DOMAIN, EMAIL, CONTACT_EMAIL, DEAL_TITLE), await raw_graph(db))
    records = (await gateway.ok(v_exec, ERASURES))["erasures"]["edges"]
    assert [(e["node"]["kind"], e["node"]["by"]) for e in records] == [("ACCOUNT", "operator")]


AUDIT_ERASURES = '{ auditEvents(actionPrefix: "erasure.") { totalCount } }'


async def test_an_erasure_is_in_the_executives_audit_trail_and_not_the_analysts(
    gateway: Gateway,
) -> None:
    record = (await gateway.ok(v_exec, ERASE_CUSTOMER, variables_of(target)))["eraseCustomer"]
    trail = await gateway.ok(
        v_exec, '{ auditEvents(actionPrefix: "erasure.") { edges { node { action targetId } } } }'
    )
    assert trail["auditEvents"]["edges"] == [
        {"node": {"action": "erasure.customer", "targetId": record["id"]}}
    ]
    assert (await gateway.ok(v_analyst, AUDIT_ERASURES))["auditEvents"]["totalCount"] == 0


async def test_an_erasure_that_fails_at_its_last_write_leaves_everything_as_it_was(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = await raw_graph(db)

    async def failing(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the record could not be written")

    # After the deletions, the scrubbing and the tombstone: the record is the last write.
    monkeypatch.setattr(erasures, "_record", failing)
    with pytest.raises(RuntimeError):
        await erase_as(db, target)
    assert await raw_graph(db) == before


async def test_a_running_gateway_sweeps_audit_events_past_their_retention(db: Database) -> None:
    await db.write(
        "CREATE (:AuditEvent {id: 'au-old', at: datetime() - duration({days: 31}),"
        " action: 'x', companyId: $c, targetId: $c})",
        {"c": vendor},
    )
    task = start_audit_sweeper(db, 0.05, 30)
    try:
        async with asyncio.timeout(30):
            # The sweep offers no event to wait on: poll the graph.
            while await db.read("MATCH (a:AuditEvent {id: 'au-old'}) RETURN a", {}):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
    finally:
        await stop_sweeper(task)
    assert start_audit_sweeper(db, 0, 30) is None  # 0: only `prm sweep-audit`


async def test_of_concurrent_erasures_of_one_customer_one_erases_and_the_others_read_not_found(
    gateway: Gateway,
) -> None:
    results = await asyncio.gather(
        *(gateway.query(v_exec, ERASE_CUSTOMER, variables_of(target)) for _ in range(4))
    )
    assert sorted(tuple(r.codes()) for r in results) == [
        (),
        ("NOT_FOUND",),
        ("NOT_FOUND",),
        ("NOT_FOUND",),
    ]
    assert (await gateway.ok(v_exec, ERASURES))["erasures"]["totalCount"] == 1
