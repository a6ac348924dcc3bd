"""An export's CSV never carries a formula: customer values that a spreadsheet would
evaluate get a leading quote, over HTTP and from `prm export`; JSON Lines keeps them exact."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

import pytest
from starlette.applications import Starlette

from gateway.cli import main as prm
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.formulas import FORMULAS as HOSTILE

b = Builder()
vendor = b.company("Vendor")
v_exec = b.user(vendor)
planted = {
    b.customer(vendor, name=value, notes=value, domain=value, phone=value): value
    for value in HOSTILE
}
plain = b.customer(vendor, name="Plain", phone="030 1234", notes="no formula", employees=-5)
#: A carriage return inside a value must not start a row (whose first cell is a formula).
broken = b.customer(vendor, name="Broken", notes="ok\r=1+1,\n@SUM(A1)")


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


def check(text: str) -> None:
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}
    assert set(rows) == {*planted, plain, broken}
    for customer, value in planted.items():
        for column in ("name", "notes", "domain", "phone"):
            assert rows[customer][column] == "'" + value, (customer, column)
    assert rows[plain]["name"] == "Plain"
    assert rows[plain]["phone"] == "030 1234"
    assert rows[plain]["employees"] == "-5"  # a number is never a formula
    assert rows[broken]["notes"] == "ok\r=1+1,\n@SUM(A1)"  # one cell, quoted


async def test_the_http_csv_export_neutralizes_formulas(gateway: Gateway) -> None:
    headers = {"authorization": f"Bearer {gateway.token(v_exec)}"}
    response = await gateway.client.get("/export/customers.csv", headers=headers)
    assert response.status_code == 200
    check(response.text)
    exact = await gateway.client.get("/export/customers.jsonl", headers=headers)
    names = {json.loads(line)["id"]: json.loads(line)["name"] for line in exact.text.splitlines()}
    assert {c: names[c] for c in planted} == planted


async def test_prm_export_csv_neutralizes_formulas(
    app: Starlette, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = app.state.prm.settings
    monkeypatch.setenv("NEO4J_URI", settings.db.uri)
    monkeypatch.setenv("NEO4J_PASSWORD", settings.db.password)
    monkeypatch.setenv("PRM_JWT_SECRET", settings.jwt.secret or "")
    out = tmp_path / "customers.csv"
    args = ["export", "--user", v_exec, "--format", "csv", "--out", str(out)]
    # prm runs its own event loop: in a thread, away from the test's loop.
    assert await asyncio.to_thread(prm, args) == 0
    check(out.read_bytes().decode("utf-8"))  # no newline translation
