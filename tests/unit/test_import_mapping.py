"""The import's mapping file and cell validation: only allow-listed properties reach the
graph, and every refusal names what is wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.importing import ENTITIES, ConfigError, parse_config
from graph.importing.fields import InvalidValue

BASE: dict[str, Any] = {
    "source": "crm",
    "customers": {"file": "c.csv", "id": "ID", "columns": {"name": "Name"}},
}


def config(**entity: Any) -> dict[str, Any]:
    return {**BASE, "customers": {**BASE["customers"], **entity}}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (config(columns={"name": "Name", "id": "Other"}), "'id' is not one of"),
        (config(columns={"name": "Name", "n.x = 1 //": "X"}), "is not one of"),
        (config(columns={"name": "Name", "createdAt": "Created"}), "'createdAt' is not one of"),
        (config(columns={"email": "Email"}), "map the required ['name']"),
        (config(references={"customer": "X"}), "'customer' is not one of"),
        (config(values={"segment": {"a": "b"}}), "'segment' is not a mapped column"),
        ({**BASE, "deals": {}}, "unknown keys ['deals']"),
        ({"customers": BASE["customers"]}, "'source' must name the CRM"),
        ({**BASE, "batch_size": 0}, "'batch_size' must be between"),
        (
            {"source": "crm", "contacts": {"file": "x", "id": "ID", "columns": {"name": "N"}}},
            "map one of ['company', 'customer']",
        ),
        (
            {
                "source": "crm",
                "partnerships": {
                    "file": "p.csv",
                    "id": "ID",
                    "columns": {"tier": "T", "structure": "S", "status": "Status"},
                    "references": {"partner": "P"},
                },
            },
            "'status' cannot be imported: imported partnerships start as PROSPECT",
        ),
        (config(file="../c.csv"), "file '../c.csv' is outside the mapping file's folder"),
        (config(file="/etc/passwd"), "is outside the mapping file's folder"),
    ],
)
def test_a_mapping_outside_the_allow_list_is_refused(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        parse_config(raw, Path("."))
    assert message in str(exc.value)


def test_ids_are_stable_and_scoped_to_the_importing_company_and_the_source() -> None:
    cfg = parse_config(BASE, Path("."))
    first = cfg.entity_id("customers", "co-1", "42")
    assert first == cfg.entity_id("customers", "co-1", "42")
    assert first.startswith("cu-")
    assert len(first) == len("cu-") + 16
    assert first != cfg.entity_id("customers", "co-2", "42")
    assert first != parse_config({**BASE, "source": "other"}, Path(".")).entity_id(
        "customers", "co-1", "42"
    )
    # Partner organisations too: one tenant's record id never leads to another's company.
    assert cfg.entity_id("companies", "co-1", "9") != cfg.entity_id("companies", "co-2", "9")


@pytest.mark.parametrize(
    ("entity", "prop", "raw", "value"),
    [
        ("customers", "annualRevenue", "$12,500,000", 12_500_000.0),
        ("customers", "employees", "1,200", 1200),
        ("customers", "domain", "https://www.Acme.example/", "acme.example"),
        ("customers", "email", "Info@Acme.Example", "info@acme.example"),
        ("partnerships", "structure", "Co-Marketing", "CO_MARKETING"),
        ("partnerships", "tier", "high", "HIGH"),
        ("partnerships", "revenueSharePct", "12.5%", 12.5),
        ("partnerships", "currency", "eur", "EUR"),
        ("companies", "country", "de", "DE"),
    ],
)
def test_cells_are_converted_to_graph_values(entity: str, prop: str, raw: str, value: Any) -> None:
    assert ENTITIES[entity].fields[prop].parse(raw) == value


@pytest.mark.parametrize(
    ("entity", "prop", "raw"),
    [
        ("customers", "employees", "-3"),
        ("customers", "employees", "2.5"),
        ("customers", "annualRevenue", "lots"),
        ("customers", "email", "nobody"),
        ("customers", "domain", "not a domain"),
        ("partnerships", "tier", "PLATINUM"),
        ("partnerships", "revenueSharePct", "150"),
        ("partnerships", "since", "yesterday"),
        ("partnerships", "currency", "EURO"),
    ],
)
def test_bad_cells_are_refused(entity: str, prop: str, raw: str) -> None:
    with pytest.raises(InvalidValue):
        ENTITIES[entity].fields[prop].parse(raw)
