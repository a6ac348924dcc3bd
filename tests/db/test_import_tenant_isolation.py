"""`prm import` as an attacker who writes one tenant's CSV files: no row reaches another
company's data. Each test dumps the victim's subgraph (every node of its own, with all
properties and every relationship touching it) before and after the attacker's import
and compares the two byte for byte."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from gateway.cli import main as prm
from graph import Database
from graph.importing import ConfigError, ImportConfig, load_config, run_import
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid

# The derived graph ids the attacker's import computes for record id "taken": the test
# graph plants the victim's nodes on them (a collision, however it came about).
_IDS = ImportConfig("crm", ())

b = Builder()
attacker = b.company("Attacker")
victim = b.company("Victim")
third = b.company("Third")
neighbour = b.company("Neighbour")
a_exec = b.user(attacker)
v_exec = b.user(victim)
b.user(third)
b.user(neighbour)
v_customer = b.customer(victim)
b.contact(company=victim)
b.contact(customer=v_customer)
v_third = b.partnership(victim, third, tier="HIGH")
b.link(victim, third, v_third, covers=(v_customer,))
# The attacker already partners with the neighbour: a live partnership between the two.
b.partnership(neighbour, attacker, tier="LOW")

KINDS = ("customers", "contacts", "companies", "partnerships")
TAKEN = {kind: _IDS.entity_id(kind, attacker, "taken") for kind in KINDS}
b.customer(victim, id=TAKEN["customers"], name="Victim's own customer")
b.data.contacts.append(
    {"id": TAKEN["contacts"], "name": "Victim's own contact", "customer": v_customer}
)
b.company("Victim's partner org", id=TAKEN["companies"], importedBy=victim)
b.partnership(victim, third, id=TAKEN["partnerships"], tier="LOW", status="SUSPENDED")


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


VICTIM_DATA = """
MATCH (v:Company {id: $victim})
CALL (v) {
  MATCH (n) WHERE n = v OR n.id IN $extra OR n.importedBy = v.id RETURN n
  UNION MATCH (n)-[:OWNED_BY|MEMBER_OF|WORKS_AT]->(v) RETURN n
  UNION MATCH (v)-[:VENDOR_IN|PARTNER_IN|GRANTS|HAS_POLICY|REQUIRES]->(n) RETURN n
  UNION MATCH (n:DataLink)-[:TO]->(v) RETURN n
  UNION MATCH (n:Contact)-[:WORKS_AT]->(:Customer)-[:OWNED_BY]->(v) RETURN n
  UNION MATCH (v)-[:VENDOR_IN|PARTNER_IN]->(:Partnership)-[:HAS_ITEM]->(n) RETURN n
}
WITH DISTINCT n
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props,
       [(n)-[r]-(m) | {type: type(r), out: startNode(r) = n, other: m.id,
                       props: properties(r)}] AS rels
ORDER BY id
"""


async def dump(db: Database, company: str, extra: tuple[str, ...] = ()) -> str:
    """The company's subgraph as canonical JSON: equal strings, unchanged data."""
    rows = await db.read(VICTIM_DATA, {"victim": company, "extra": list(extra)})
    for row in rows:
        row["rels"] = sorted(row["rels"], key=lambda r: json.dumps(r, sort_keys=True, default=str))
    return json.dumps(rows, sort_keys=True, default=str)


def write(folder: Path, toml: str, csvs: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in csvs.items():
        (folder / name).write_text(text)
    (folder / "crm.toml").write_text(toml)
    return folder / "crm.toml"


def files(folder: Path, toml: str, csvs: dict[str, str]) -> ImportConfig:
    return load_config(write(folder, toml, csvs))


COMPANIES = """
source = "crm"
[companies]
file = "companies.csv"
id = "ID"
[companies.columns]
name = "Name"
"""

CUSTOMERS = """
source = "crm"
[customers]
file = "customers.csv"
id = "ID"
[customers.columns]
name = "Name"
"""

CONTACTS = (
    COMPANIES
    + """
[customers]
file = "customers.csv"
id = "ID"
[customers.columns]
name = "Name"
[contacts]
file = "contacts.csv"
id = "ID"
[contacts.columns]
name = "Name"
[contacts.references]
company = "Company"
customer = "Customer"
"""
)

PARTNERSHIPS = """
source = "crm"
[partnerships]
file = "partnerships.csv"
id = "ID"
[partnerships.columns]
tier = "Tier"
structure = "Type"
{more}
[partnerships.references]
partner = "Partner"
"""


def partnerships(folder: Path, rows: str, more: str = "") -> ImportConfig:
    return load_config(partnership_files(folder, rows, more))


def partnership_files(folder: Path, rows: str, more: str = "") -> Path:
    csv = "ID,Partner,Tier,Type,Status,Budget\n" + rows
    return write(folder, PARTNERSHIPS.format(more=more), {"partnerships.csv": csv})


async def partnership_of(db: Database, record: str) -> dict[str, Any]:
    rows = await db.read(
        "MATCH (v:Company)-[:VENDOR_IN]->(p:Partnership {source: 'crm', externalId: $record}) "
        "MATCH (p)<-[:PARTNER_IN]-(partner:Company) "
        "RETURN p.id AS id, p.status AS status, p.tier AS tier, p.since AS since, "
        "       v.id AS vendor, collect(partner.id) AS partners, "
        "       [(p)-[:HAS_ITEM]->(i) | i.key] AS items",
        {"record": record},
    )
    assert len(rows) == 1, rows
    return rows[0]


async def set_status(db: Database, partnership: str, status: str, tier: str) -> None:
    """What the lifecycle mutations would have done meanwhile."""
    await db.write(
        "MATCH (p:Partnership {id: $id}) SET p.status = $status, p.tier = $tier",
        {"id": partnership, "status": status, "tier": tier},
    )


def messages(report: Any) -> list[tuple[int, str]]:
    return [(e.line, e.message) for e in report.errors]


# --- Record ids are the importing company's: another tenant's ids lead elsewhere.


async def test_a_company_record_id_that_another_tenant_imported_reaches_a_company_of_its_own(
    db: Database, tmp_path: Path
) -> None:
    theirs = files(tmp_path / "victim", COMPANIES, {"companies.csv": "ID,Name\n9001,Northwind\n"})
    await run_import(db, theirs, victim)
    (victims_org,) = await db.read("MATCH (c:Company {externalId: '9001'}) RETURN c.id AS id", {})
    before = await dump(db, victim, (victims_org["id"],))

    csvs = {
        "companies.csv": "ID,Name\n9001,Hijacked\n",
        "customers.csv": "ID,Name\n",
        "contacts.csv": "ID,Name,Company,Customer\n5001,Planted,9001,\n",
    }
    report = await run_import(db, files(tmp_path / "attacker", CONTACTS, csvs), attacker)

    assert await dump(db, victim, (victims_org["id"],)) == before
    assert report.errors == []
    rows = await db.read(
        "MATCH (c:Company {externalId: '9001'}) "
        "RETURN c.name AS name, [(p:Contact)-[:WORKS_AT]->(c) | p.name] AS contacts "
        "ORDER BY name",
        {},
    )
    assert rows == [
        {"name": "Hijacked", "contacts": ["Planted"]},
        {"name": "Northwind", "contacts": []},
    ]


@pytest.mark.parametrize("kind", KINDS)
async def test_a_derived_id_that_collides_with_another_companys_node_is_skipped_not_merged(
    db: Database, tmp_path: Path, kind: str
) -> None:
    before = await dump(db, victim, (TAKEN["companies"],))
    toml, csvs = {
        "customers": (CUSTOMERS, {"customers.csv": "ID,Name\ntaken,Overwritten\n"}),
        "contacts": (
            CONTACTS,
            {
                "companies.csv": "ID,Name\n",
                "customers.csv": "ID,Name\nmine,Mine\n",
                "contacts.csv": "ID,Name,Company,Customer\ntaken,Moved,,mine\n",
            },
        ),
        "companies": (COMPANIES, {"companies.csv": "ID,Name\ntaken,Overwritten\n"}),
        "partnerships": (
            PARTNERSHIPS.format(more=""),
            {"partnerships.csv": f"ID,Partner,Tier,Type\ntaken,{third},HIGH,RESELLER\n"},
        ),
    }[kind]

    report = await run_import(db, files(tmp_path, toml, csvs), attacker)

    assert await dump(db, victim, (TAKEN["companies"],)) == before
    assert [(e.file, e.line) for e in report.errors] == [(f"{kind}.csv", 2)]
    assert "did not import" in report.errors[0].message


async def test_a_company_the_import_created_is_no_longer_its_own_once_it_has_users(
    db: Database, tmp_path: Path
) -> None:
    config = files(tmp_path, COMPANIES, {"companies.csv": "ID,Name\nx1,Newco\n"})
    await run_import(db, config, attacker)
    (newco,) = await db.read("MATCH (c:Company {externalId: 'x1'}) RETURN c.id AS id", {})
    # The operator onboards Newco as a tenant of its own.
    await db.write(
        "MATCH (c:Company {id: $id}) CREATE (:User {id: 'us-newco', role: 'EXECUTIVE'})"
        "-[:MEMBER_OF]->(c)",
        {"id": newco["id"]},
    )
    before = await dump(db, newco["id"])

    config = files(tmp_path, COMPANIES, {"companies.csv": "ID,Name\nx1,Renamed by Attacker\n"})
    report = await run_import(db, config, attacker)

    assert await dump(db, newco["id"]) == before
    assert messages(report)[0][0] == 2


# --- References: a contact works at the importing company's own data only.


@pytest.mark.parametrize("target", ["victim", "victims-import", "third"])
async def test_a_contact_row_cannot_plant_a_contact_at_another_tenants_company(
    db: Database, tmp_path: Path, target: str
) -> None:
    company = {"victim": victim, "victims-import": TAKEN["companies"], "third": third}[target]
    before = await dump(db, victim, (TAKEN["companies"], third))
    csvs = {
        "companies.csv": "ID,Name\nx1,Own partner org\n",
        "customers.csv": "ID,Name\n",
        "contacts.csv": (
            "ID,Name,Company,Customer\n"
            f"p1,Planted,{company},\n"
            f"p2,At home,{attacker},\n"
            "p3,At own partner org,x1,\n"
        ),
    }

    report = await run_import(db, files(tmp_path, CONTACTS, csvs), attacker)

    assert await dump(db, victim, (TAKEN["companies"], third)) == before
    # The same answer as for a company that does not exist.
    assert messages(report) == [(2, f"company {company!r} does not exist; row skipped")]
    assert report.written["contacts"] == 2


# --- Partnerships: created as PROSPECT only; an existing one is never changed.


async def test_a_mapping_of_the_partnership_status_is_refused_and_cannot_revive_an_ended_one(
    db: Database, gateway: Gateway, tmp_path: Path
) -> None:
    await run_import(db, partnerships(tmp_path, f"r1,{victim},HIGH,RESELLER,,\n"), attacker)
    made = await partnership_of(db, "r1")
    # The victim shared while the partnership was ACTIVE; then it ended.
    await db.write(
        "MATCH (v:Company {id: $victim}), (a:Company {id: $attacker}), "
        "      (p:Partnership {id: $id}), (c:Customer {id: $customer}) "
        "SET p.status = 'ENDED' "
        "CREATE (v)-[:GRANTS]->(l:DataLink {id: 'dl-shared', scope: ['IDENTITY'], "
        "  allCustomers: true, createdAt: datetime()})-[:TO]->(a), (l)-[:UNDER]->(p)",
        {"victim": victim, "attacker": attacker, "id": made["id"], "customer": v_customer},
    )
    before = await dump(db, victim)

    rows = f"r1,{victim},HIGH,RESELLER,Active,\n"
    mapping = partnership_files(tmp_path, rows, 'status = "Status"')
    # The mapping file is refused when it is read (`prm import` reads it before any write).
    with pytest.raises(ConfigError, match="PROSPECT"):
        await run_import(db, load_config(mapping), attacker)

    assert await dump(db, victim) == before
    seen = await gateway.ok(a_exec, "{ customers(first: 50) { edges { node { id } } } }")
    assert gid("Customer", v_customer) not in {e["node"]["id"] for e in seen["customers"]["edges"]}


@pytest.mark.parametrize("status", ["ACTIVE", "ENDED"])
async def test_a_re_import_never_changes_an_existing_partnership(
    db: Database, tmp_path: Path, status: str
) -> None:
    await run_import(db, partnerships(tmp_path, f"r1,{victim},LOW,RESELLER,,\n"), attacker)
    made = await partnership_of(db, "r1")
    await set_status(db, made["id"], status, "LOW")
    before = await dump(db, victim)

    rows = f"r1,{victim},HIGH,DISTRIBUTOR,,\n"
    report = await run_import(db, partnerships(tmp_path, rows), attacker)

    assert await dump(db, victim) == before
    assert report.errors == []
    assert report.written["partnerships"] == 0
    assert report.unchanged == {"partnerships": 1}


async def test_a_partnership_row_cannot_move_an_existing_partnership_to_another_partner(
    db: Database, tmp_path: Path
) -> None:
    own = files(
        tmp_path,
        COMPANIES,
        {"companies.csv": "ID,Name\nx1,Own partner org\n"},
    )
    await run_import(db, own, attacker)
    await run_import(db, partnerships(tmp_path, "r1,x1,HIGH,RESELLER,,\n"), attacker)
    made = await partnership_of(db, "r1")
    await set_status(db, made["id"], "ACTIVE", "HIGH")
    before = await dump(db, victim)

    report = await run_import(
        db, partnerships(tmp_path, f"r1,{victim},HIGH,RESELLER,,\n"), attacker
    )

    assert await dump(db, victim) == before
    assert messages(report) == [
        (2, "the record id already names a partnership with another partner; row skipped")
    ]
    assert (await partnership_of(db, "r1"))["partners"] == made["partners"]


async def test_a_partnership_row_for_a_company_it_already_partners_with_is_refused(
    db: Database, tmp_path: Path
) -> None:
    before = await dump(db, neighbour)

    rows = f"r1,{neighbour},HIGH,RESELLER,,\n"
    report = await run_import(db, partnerships(tmp_path, rows), attacker)

    assert await dump(db, neighbour) == before
    assert messages(report) == [
        (
            2,
            f"partner {neighbour!r} already has a partnership with the importing company "
            "that has not ended; row skipped",
        )
    ]


async def test_two_rows_naming_one_partner_create_one_partnership(
    db: Database, tmp_path: Path
) -> None:
    rows = f"r1,{third},LOW,RESELLER,,\nr2,{third},HIGH,RESELLER,,\n"
    report = await run_import(db, partnerships(tmp_path, rows), attacker)

    assert messages(report) == [(3, "same partner as line 2")]
    count = await db.read(
        "MATCH (:Company {id: $a})-[:VENDOR_IN]->(p)<-[:PARTNER_IN]-(:Company {id: $t}) "
        "RETURN count(p) AS n",
        {"a": attacker, "t": third},
    )
    assert count == [{"n": 1}]


async def test_an_imported_partnership_is_a_prospect_that_activates_only_through_the_lifecycle(
    db: Database, gateway: Gateway, tmp_path: Path
) -> None:
    await gateway.ok(
        a_exec,
        """mutation { setOnboardingChecklist(items: [{key: "nda", title: "Sign the NDA"}]) {
             items { key } } }""",
    )
    await run_import(db, partnerships(tmp_path, f"r1,{third},HIGH,RESELLER,,\n"), attacker)
    made = await partnership_of(db, "r1")
    assert (made["status"], made["since"], made["items"]) == ("PROSPECT", None, ["nda"])

    transition = """mutation($id: ID!, $status: PartnershipStatus!) {
      transitionPartnership(id: $id, status: $status) { status } }"""
    variables = {"id": gid("Partnership", made["id"])}
    await gateway.ok(a_exec, transition, {**variables, "status": "ONBOARDING"})
    refused = await gateway.query(a_exec, transition, {**variables, "status": "ACTIVE"})
    assert refused.codes() == ["INVALID_TRANSITION"]


# --- Files and the importing company.


@pytest.mark.parametrize("how", ["parent", "absolute", "symlink"])
async def test_a_mapping_file_cannot_read_csv_files_outside_its_own_folder(
    db: Database, tmp_path: Path, how: str
) -> None:
    theirs = tmp_path / "victim" / "customers.csv"
    theirs.parent.mkdir()
    theirs.write_text("ID,Name\nv1,The victim's customer list\n")
    mine = tmp_path / "attacker"
    mine.mkdir()
    file = {"parent": "../victim/customers.csv", "absolute": str(theirs)}.get(how, "link.csv")
    if how == "symlink":
        (mine / "link.csv").symlink_to(theirs)
    toml = CUSTOMERS.replace('"customers.csv"', json.dumps(file))
    (mine / "crm.toml").write_text(toml)

    with pytest.raises(ConfigError, match="outside"):
        await run_import(db, load_config(mine / "crm.toml"), attacker)

    assert await db.read("MATCH (c:Customer {source: 'crm'}) RETURN c.id AS id", {}) == []


async def test_prm_import_needs_an_existing_company_even_for_companies_alone(
    app: Starlette, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = app.state.prm.settings
    monkeypatch.setenv("NEO4J_URI", settings.db.uri)
    monkeypatch.setenv("NEO4J_PASSWORD", settings.db.password)
    files(tmp_path, COMPANIES, {"companies.csv": "ID,Name\nx1,Newco\n"})
    toml = str(tmp_path / "crm.toml")

    # prm runs its own event loop: in a thread, away from the test's loop.
    with pytest.raises(SystemExit) as refused:
        await asyncio.to_thread(prm, ["import", toml])
    assert refused.value.code == 2
    assert await asyncio.to_thread(prm, ["import", toml, "--company", "co-999999"]) == 2
    assert await db.read("MATCH (c:Company {source: 'crm'}) RETURN c.id AS id", {}) == []
