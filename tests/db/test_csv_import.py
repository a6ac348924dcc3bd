"""Importing CRM CSV exports: bad rows reported by line and skipped whole, re-runs create
nothing twice, an interrupted import continues where it stopped, and the shipped
HubSpot- and Salesforce-style examples import cleanly."""

from __future__ import annotations

import asyncio
import csv
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

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "import"

b = Builder()
owner = b.company("Owner")
other = b.company("Someone else")
o_exec = b.user(owner)
b.customer(owner)  # a customer that was there before the import

CONFIG = """
source = "crm"
batch_size = {batch_size}
[customers]
file = "customers.csv"
id = "ID"
[customers.columns]
name = "Name"
email = "Email"
employees = "Employees"
address = ["Street", "City"]
[contacts]
file = "contacts.csv"
id = "ID"
[contacts.columns]
name = ["First", "Last"]
email = "Email"
[contacts.references]
customer = "Account"
"""

CUSTOMERS = """ID,Name,Email,Employees,Street,City
c1,Alpha,info@alpha.example,10,1 Main St,Berlin
c2,,info@nameless.example,5,,
c3,Gamma,not-an-email,7,,
c4,Delta,info@delta.example,many,,
c5,Epsilon,info@epsilon.example,12,"5 Long Road
Building B",Paris
c6,Zeta,info@zeta.example,3,extra,cells,here
c1,Alpha again,info@alpha2.example,11,,
c7,Eta,info@eta.example,,,
c8,Theta,info@theta.example,1,,
c9,Iota,info@iota.example,2,,
"""
CONTACTS = """ID,First,Last,Email,Account
p1,Ada,Lovelace,ada@alpha.example,c1
p2,Ghost,Writer,ghost@nowhere.example,c404
p3,Bad,Email,bad-email,c1
p4,Grace,Hopper,grace@epsilon.example,c5
p5,Orphan,Contact,orphan@example.com,c2
"""
GOOD_CUSTOMERS = {"c1", "c5", "c7", "c8", "c9"}
GOOD_CONTACTS = {"p1", "p4"}
EXPECTED_ERRORS = [
    ("customers.csv", 3, "name is required"),
    ("customers.csv", 4, "not an email address"),
    ("customers.csv", 5, "not a whole number"),
    ("customers.csv", 8, "cells where the header has"),
    ("customers.csv", 9, "same record id as line 2"),
    ("contacts.csv", 3, "customer 'c404' does not exist"),
    ("contacts.csv", 4, "not an email address"),
    ("contacts.csv", 6, "customer 'c2' does not exist"),
]


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


def fixture(tmp_path: Path, batch_size: int = 500) -> ImportConfig:
    (tmp_path / "customers.csv").write_text(CUSTOMERS)
    (tmp_path / "contacts.csv").write_text(CONTACTS)
    (tmp_path / "crm.toml").write_text(CONFIG.format(batch_size=batch_size))
    return load_config(tmp_path / "crm.toml")


async def snapshot(db: Database) -> dict[str, Any]:
    """What the import wrote, by external id, and every relationship count."""
    customers = await db.read(
        "MATCH (c:Customer {source: 'crm'})-[:OWNED_BY]->(o:Company) "
        "RETURN c.externalId AS ext, o.id AS owner, properties(c) AS props",
        {},
    )
    contacts = await db.read(
        "MATCH (p:Contact {source: 'crm'}) OPTIONAL MATCH (p)-[:WORKS_AT]->(c:Customer) "
        "RETURN p.externalId AS ext, collect(c.externalId) AS at, properties(p) AS props",
        {},
    )
    counts = await db.read(
        "MATCH (n) WITH count(n) AS nodes MATCH ()-[r]->() RETURN nodes, count(r) AS rels", {}
    )
    return {
        "customers": {r["ext"]: (r["owner"], r["props"]) for r in customers},
        "contacts": {r["ext"]: (r["at"], r["props"]) for r in contacts},
        "counts": counts[0],
    }


def comparable(snap: dict[str, Any]) -> dict[str, Any]:
    def strip(props: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in props.items() if k != "createdAt"}

    return {
        "customers": {k: (o, strip(p)) for k, (o, p) in snap["customers"].items()},
        "contacts": snap["contacts"],
        "counts": snap["counts"],
    }


async def test_bad_rows_are_reported_with_their_line_and_never_written(
    db: Database, tmp_path: Path
) -> None:
    report = await run_import(db, fixture(tmp_path), owner, checkpoint=tmp_path / "cp.json")
    found = [(e.file, e.line, e.message) for e in report.errors]
    assert [(f, line) for f, line, _ in found] == [(f, line) for f, line, _ in EXPECTED_ERRORS]
    for (_, _, message), (_, _, expected) in zip(found, EXPECTED_ERRORS, strict=True):
        assert expected in message
    assert str(report.errors[1]).startswith("customers.csv:4: Email: email: not an email")
    assert report.written == {"customers": len(GOOD_CUSTOMERS), "contacts": len(GOOD_CONTACTS)}

    snap = await snapshot(db)
    assert set(snap["customers"]) == GOOD_CUSTOMERS
    assert set(snap["contacts"]) == GOOD_CONTACTS
    assert all(o == owner for o, _ in snap["customers"].values())
    _, epsilon = snap["customers"]["c5"]
    assert epsilon["address"] == "5 Long Road\nBuilding B Paris"
    assert epsilon["employees"] == 12
    _, eta = snap["customers"]["c7"]
    assert "employees" not in eta  # an empty cell writes nothing
    assert snap["contacts"]["p4"][0] == ["c5"]
    assert snap["contacts"]["p1"][1]["name"] == "Ada Lovelace"
    assert not (tmp_path / "cp.json").exists()  # finished: no checkpoint left


async def test_a_re_run_creates_nothing_twice(db: Database, tmp_path: Path) -> None:
    config = fixture(tmp_path)
    first = await run_import(db, config, owner)
    after_first = comparable(await snapshot(db))
    second = await run_import(db, config, owner)
    assert comparable(await snapshot(db)) == after_first
    assert second.written == first.written
    assert [str(e) for e in second.errors] == [str(e) for e in first.errors]


class Interrupted(Exception):
    pass


async def test_an_interrupted_import_continues_after_its_last_committed_batch(
    db: Database, tmp_path: Path
) -> None:
    config = fixture(tmp_path, batch_size=2)
    checkpoint = tmp_path / "cp.json"
    batches: list[tuple[str, int]] = []

    def crash_after_two(entity: str, line: int) -> None:
        batches.append((entity, line))
        if len(batches) == 2:
            raise Interrupted

    with pytest.raises(Interrupted):
        await run_import(db, config, owner, checkpoint=checkpoint, on_batch=crash_after_two)
    assert checkpoint.exists()
    # Two batches of two good rows each were committed: c1, c5 | c7, c8 (bad rows between).
    assert set((await snapshot(db))["customers"]) == {"c1", "c5", "c7", "c8"}
    done_line = batches[-1][1]

    resumed = await run_import(db, config, owner, checkpoint=checkpoint)
    assert resumed.resumed_from == {"customers": done_line}
    assert resumed.written["customers"] == len(GOOD_CUSTOMERS) - 4
    assert [(e.file, e.line) for e in resumed.errors] == [(f, n) for f, n, _ in EXPECTED_ERRORS]
    assert not checkpoint.exists()

    once = comparable(await snapshot(db))
    assert set(once["customers"]) == GOOD_CUSTOMERS
    assert set(once["contacts"]) == GOOD_CONTACTS
    await run_import(db, config, owner)  # and the whole thing again changes nothing
    assert comparable(await snapshot(db)) == once


async def test_a_checkpoint_of_other_files_is_refused_unless_restarting(
    db: Database, tmp_path: Path
) -> None:
    config = fixture(tmp_path, batch_size=2)
    checkpoint = tmp_path / "cp.json"

    def crash(entity: str, line: int) -> None:
        raise Interrupted

    with pytest.raises(Interrupted):
        await run_import(db, config, owner, checkpoint=checkpoint, on_batch=crash)
    (tmp_path / "customers.csv").write_text(CUSTOMERS + "c10,Kappa,info@kappa.example,1,,\n")
    with pytest.raises(ConfigError, match="--restart"):
        await run_import(db, config, owner, checkpoint=checkpoint)
    report = await run_import(db, config, owner, checkpoint=checkpoint, restart=True)
    assert report.resumed_from == {}
    assert report.written["customers"] == len(GOOD_CUSTOMERS) + 1


async def test_an_unknown_owner_or_a_missing_column_imports_nothing(
    db: Database, tmp_path: Path
) -> None:
    config = fixture(tmp_path)
    before = await snapshot(db)
    with pytest.raises(ConfigError, match="does not exist"):
        await run_import(db, config, "co-999999")
    (tmp_path / "contacts.csv").write_text(CONTACTS.replace("Account", "Company"))
    with pytest.raises(ConfigError, match=r"no column\(s\) \['Account'\]"):
        await run_import(db, load_config(tmp_path / "crm.toml"), owner)
    assert await snapshot(db) == before  # every header is checked before any write


@pytest.mark.parametrize(
    ("name", "counts"),
    [
        ("hubspot", {"companies": 2, "customers": 3, "contacts": 3, "partnerships": 2}),
        ("salesforce", {"companies": 2, "customers": 3, "contacts": 2, "partnerships": 2}),
    ],
)
async def test_the_shipped_crm_examples_import_cleanly_and_show_in_the_api(
    db: Database, gateway: Gateway, tmp_path: Path, name: str, counts: dict[str, int]
) -> None:
    config = load_config(EXAMPLES / f"{name}.toml")
    report = await run_import(db, config, owner, checkpoint=tmp_path / "cp.json")
    assert [str(e) for e in report.errors] == []
    assert report.written == counts
    again = await run_import(db, config, owner)
    # An existing partnership is never changed by import: the re-run leaves both as they are.
    assert again.written == {**counts, "partnerships": 0}
    assert again.unchanged == {"partnerships": counts["partnerships"]}
    data = await gateway.ok(
        o_exec,
        """{ customers(first: 50) { totalCount }
             viewer { company { partnerships(first: 10) { totalCount
               edges { node { tier structure partner { name } } } } } } }""",
    )
    assert data["customers"]["totalCount"] == 1 + counts["customers"]
    partnerships = data["viewer"]["company"]["partnerships"]
    assert partnerships["totalCount"] == counts["partnerships"]
    assert {e["node"]["tier"] for e in partnerships["edges"]} == {"HIGH", "MEDIUM"}


async def test_prm_import_exits_1_and_writes_the_skipped_rows_when_some_are_bad(
    app: Starlette, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = app.state.prm.settings
    monkeypatch.setenv("NEO4J_URI", settings.db.uri)
    monkeypatch.setenv("NEO4J_PASSWORD", settings.db.password)
    fixture(tmp_path)
    errors = tmp_path / "errors.csv"
    args = ["import", str(tmp_path / "crm.toml"), "--company", owner, "--errors", str(errors)]
    # prm runs its own event loop: in a thread, away from the test's loop.
    assert await asyncio.to_thread(prm, args) == 1
    rows = list(csv.DictReader(errors.read_text().splitlines()))
    assert [(r["file"], int(r["line"])) for r in rows] == [(f, n) for f, n, _ in EXPECTED_ERRORS]
    assert set((await snapshot(db))["customers"]) == GOOD_CUSTOMERS
    assert not (tmp_path / "crm.toml.checkpoint.json").exists()
    clean = ["import", str(EXAMPLES / "hubspot.toml"), "--owner", owner]  # the former name
    assert await asyncio.to_thread(prm, clean) == 0
    with pytest.raises(SystemExit) as no_company:  # argparse: a required option
        await asyncio.to_thread(prm, ["import", str(tmp_path / "crm.toml")])
    assert no_company.value.code == 2
