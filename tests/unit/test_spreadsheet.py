"""CSV injection (OWASP): a text cell a spreadsheet would evaluate gets a leading quote, in
every CSV the project writes; here the shared guard and `prm import --errors`' file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from gateway.cli import _write_errors
from gateway.spreadsheet import safe_cell
from graph.importing.runner import RowError
from tests.support.formulas import FORMULAS as HOSTILE


@pytest.mark.parametrize("value", HOSTILE)
def test_text_a_spreadsheet_would_evaluate_gets_a_leading_quote(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["Acme", "", " =1", "a=b", "'=already", "info@acme.example", None, -5, 2.5, True]
)
def test_other_values_and_numbers_are_left_alone(value: object) -> None:
    assert safe_cell(value) == value


def test_the_import_error_file_neutralizes_cells_quoted_from_the_imported_csv(
    tmp_path: Path,
) -> None:
    path = tmp_path / "errors.csv"
    errors = [RowError("customers.csv", 2, value, column=value) for value in HOSTILE]
    errors.append(RowError("=evil.csv", 3, "bad row"))
    _write_errors(str(path), errors)
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [(r["column"], r["message"]) for r in rows[:-1]] == [("'" + v, "'" + v) for v in HOSTILE]
    assert rows[-1] == {"file": "'=evil.csv", "line": "3", "column": "", "message": "bad row"}
