"""Cypher built from a ``str`` fails the type check; the same statements with parameters pass.

graph/driver.py and the builders of graph/queries/ take their Cypher as ``LiteralString``,
which mypy does not check. The pinned pyright (tools/pyright, installed by
``make pyright-deps``, which ``make typecheck`` and ``make unit`` run) does: here it checks
two fixtures against those real signatures, with the project's configuration
(``[tool.pyright]``: the venv, and strict mode, which each fixture also asks for). That
graph/ itself keeps the rule is ``make typecheck``'s part (pyright over graph/).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYRIGHT = ROOT / "tools" / "pyright" / "node_modules" / ".bin" / "pyright"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SPLICED = FIXTURES / "spliced_cypher.py"
PARAMETERIZED = FIXTURES / "parameterized_cypher.py"
#: The lines pyright must refuse carry this comment.
REFUSED = "# refused"


@pytest.fixture(scope="module")
def diagnostics() -> dict[Path, list[dict[str, Any]]]:
    """pyright's diagnostics of both fixtures (one run), by file."""
    if not PYRIGHT.exists():
        pytest.fail(
            f"pyright is not installed ({PYRIGHT.relative_to(ROOT)}): run `make pyright-deps` "
            "(`make typecheck` and `make unit` do it)"
        )
    # Reads the fixtures and the project, writes nothing: pyright keeps no cache on disk.
    done = subprocess.run(  # noqa: S603 -- the pinned checker on our own files
        [PYRIGHT, "--outputjson", "-p", ROOT / "pyproject.toml", SPLICED, PARAMETERIZED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # 0: no errors, 1: errors found; anything else is pyright failing to run at all.
    assert done.returncode in (0, 1), done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["summary"]["filesAnalyzed"] == 2, report["summary"]
    found: dict[Path, list[dict[str, Any]]] = {SPLICED: [], PARAMETERIZED: []}
    for diagnostic in report["generalDiagnostics"]:
        found[Path(diagnostic["file"])].append(diagnostic)
    return found


def _marked_lines(path: Path) -> list[int]:
    """1-based numbers of the lines marked as refused."""
    lines = path.read_text().splitlines()
    return [n for n, line in enumerate(lines, start=1) if line.rstrip().endswith(REFUSED)]


def test_cypher_spliced_from_a_str_is_refused_on_exactly_its_lines(
    diagnostics: dict[Path, list[dict[str, Any]]],
) -> None:
    refused = diagnostics[SPLICED]
    marked = _marked_lines(SPLICED)
    assert len(marked) == 4  # read, write, WriteTx.run, a graph/queries builder
    assert sorted(d["range"]["start"]["line"] + 1 for d in refused) == marked, refused
    for d in refused:
        assert d["severity"] == "error", d
        assert '"str" is not assignable to "LiteralString"' in d["message"], d


def test_the_same_statements_with_parameters_pass(
    diagnostics: dict[Path, list[dict[str, Any]]],
) -> None:
    assert diagnostics[PARAMETERIZED] == []
    assert _marked_lines(PARAMETERIZED) == []
