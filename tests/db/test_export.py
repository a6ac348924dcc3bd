"""A partner's export holds exactly the customers its customers query shows, field by field:
what the API redacts is null (JSON Lines) or empty (CSV), never the value."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from gateway.cli import main as prm
from gateway.spreadsheet import safe_cell
from policy import CUSTOMER_PROPERTIES as FIELDS
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import CUSTOMER_SELECTION, graph_id
from tests.support.reference import FIELD_GROUP, Reference

b = Builder()
vendor = b.company("Vendor")
other_vendor = b.company("Other vendor")
partner = b.company("Partner")
stranger = b.company("Stranger")
p_exec = b.user(partner)
p_rep = b.user(partner, "REP")
medium = b.partnership(vendor, partner, tier="MEDIUM")
high = b.partnership(other_vendor, partner, tier="HIGH")
b.partnership(stranger, partner, tier="HIGH", status="ENDED")
vendor_customers = [b.customer(vendor) for _ in range(5)]
other_customers = [b.customer(other_vendor) for _ in range(4)]
own = [b.customer(partner) for _ in range(2)]
hidden = [b.customer(stranger) for _ in range(3)]
b.link(
    vendor,
    partner,
    medium,
    scope=("IDENTITY", "PROFILE", "CONTACT"),
    covers=tuple(vendor_customers[:3]),
)
b.link(other_vendor, partner, high, all_customers=True)
b.link(stranger, partner, high, all_customers=True)  # under an ENDED partnership: nothing

QUERY = "{ customers(first: 100) { edges { node { " + CUSTOMER_SELECTION + " owner { id } } } } }"


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


async def graphql_view(gateway: Gateway, user: str) -> dict[str, dict[str, Any]]:
    result = await gateway.query(user, QUERY)
    assert result.status == 200
    seen: dict[str, dict[str, Any]] = {}
    for edge in result.data["customers"]["edges"]:
        node = edge["node"]
        seen[graph_id(node["id"])] = {
            "owner": graph_id(node["owner"]["id"]),
            "access": node["access"]["level"],
            "groups": sorted(node["access"]["groups"]),
            **{f: node[f] for f in FIELDS},
        }
    return seen


def exported(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: {k: v for k, v in r.items() if k != "id"} for r in records}


@pytest.mark.parametrize("user", [p_exec, p_rep])
async def test_jsonl_export_equals_the_customers_query_and_the_reference(
    gateway: Gateway, user: str
) -> None:
    response = await gateway.client.get(
        "/export/customers.jsonl", headers={"authorization": f"Bearer {gateway.token(user)}"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/jsonl")
    records = [json.loads(line) for line in response.text.splitlines()]
    assert exported(records) == await graphql_view(gateway, user)

    expected = Reference(b.data, datetime.now(UTC)).customers(user)
    assert (
        {r["id"] for r in records}
        == set(expected)
        == {*vendor_customers[:3], *other_customers, *own}
    )
    rows = {c["id"]: c for c in b.data.customers}
    for record in records:
        groups = expected[record["id"]].groups
        assert set(record["groups"]) == groups
        for field in FIELDS:
            readable = FIELD_GROUP[field] in groups
            assert record[field] == (rows[record["id"]][field] if readable else None), field
    # A MEDIUM partnership caps the link's CONTACT scope; HIGH shares it, never INTERNAL.
    medium_row = next(r for r in records if r["id"] == vendor_customers[0])
    high_row = next(r for r in records if r["id"] == other_customers[0])
    assert medium_row["name"] is not None
    assert medium_row["email"] is None
    assert high_row["email"] is not None
    assert high_row["annualRevenue"] is not None
    assert high_row["notes"] is None


async def test_csv_export_leaves_redacted_fields_empty(gateway: Gateway) -> None:
    response = await gateway.client.get(
        "/export/customers.csv", headers={"authorization": f"Bearer {gateway.token(p_exec)}"}
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    seen = await graphql_view(gateway, p_exec)
    assert {r["id"] for r in rows} == set(seen)
    for row in rows:
        want = seen[row["id"]]
        for field in FIELDS:
            value = want[field]
            # Phones begin with "+": a spreadsheet reads them as formulas unless quoted.
            assert row[field] == ("" if value is None else str(safe_cell(value))), (
                row["id"],
                field,
            )


async def test_export_for_one_owner_and_without_a_token(gateway: Gateway) -> None:
    headers = {"authorization": f"Bearer {gateway.token(p_exec)}"}
    response = await gateway.client.get(f"/export/customers.jsonl?owner={vendor}", headers=headers)
    assert sorted(json.loads(line)["id"] for line in response.text.splitlines()) == sorted(
        vendor_customers[:3]
    )
    hidden_owner = await gateway.client.get(
        f"/export/customers.jsonl?owner={stranger}", headers=headers
    )
    assert hidden_owner.text == ""
    anonymous = await gateway.client.get("/export/customers.jsonl")
    assert anonymous.status_code == 401
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_cli_export_pages_through_everything_the_api_shows(
    app: Starlette, gateway: Gateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = app.state.prm.settings
    monkeypatch.setenv("NEO4J_URI", settings.db.uri)
    monkeypatch.setenv("NEO4J_PASSWORD", settings.db.password)
    monkeypatch.setenv("PRM_JWT_SECRET", settings.jwt.secret or "")
    out = tmp_path / "customers.jsonl"
    # prm runs its own event loop: run it in a thread, away from the test's loop.
    code = await asyncio.to_thread(
        prm,
        ["export", "--user", p_exec, "--format", "jsonl", "--out", str(out), "--page-size", "2"],
    )
    assert code == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert exported(records) == await graphql_view(gateway, p_exec)
