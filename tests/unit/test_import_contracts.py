"""The import contracts of docs/architecture.md ([tool.importlinter] in pyproject.toml, run by
``make lint``): the code keeps them, and each kind of import they exist to stop breaks one."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path

import grimp
import pytest
from importlinter import configuration
from importlinter.application.use_cases import read_user_options
from importlinter.application.user_options import UserOptions
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract
from importlinter.domain.contract import Contract

ROOT = Path(__file__).resolve().parents[2]
TYPES: dict[str, type[Contract]] = {
    "layers": LayersContract,
    "forbidden": ForbiddenContract,
    "acyclic_siblings": AcyclicSiblingsContract,
}


@pytest.fixture(scope="module")
def options() -> UserOptions:
    """The options as lint-imports reads them from pyproject.toml."""
    configuration.configure()
    return read_user_options(str(ROOT / "pyproject.toml"))


@pytest.fixture(scope="module")
def graph(options: UserOptions) -> grimp.ImportGraph:
    session = options.session_options
    return grimp.build_graph(
        *session["root_packages"],
        exclude_type_checking_imports=session["exclude_type_checking_imports"] == "True",
        cache_dir=None,
    )


def _broken(options: UserOptions, graph: grimp.ImportGraph) -> list[str]:
    broken = []
    for c in options.contracts_options:
        contract = TYPES[c["type"]](
            name=c["name"], session_options=options.session_options, contract_options=c
        )
        # A contract may edit the graph it checks (ignored imports): each gets its own copy.
        if not contract.check(deepcopy(graph), verbose=False).kept:
            broken.append(c["id"])
    return broken


def test_the_code_keeps_every_import_contract(
    options: UserOptions, graph: grimp.ImportGraph
) -> None:
    assert _broken(options, graph) == []


@pytest.mark.parametrize(
    ("importer", "imported", "contract"),
    [
        # The gateway ran scripts/neo4j_local.py for `prm neo4j`.
        ("gateway.cli", "scripts.bench", "layers"),
        ("graph.driver", "schema.errors", "layers"),
        ("policy._rules", "graph.values", "layers"),
        # gateway/settings.py read the default policy file from policy._policy.
        ("gateway.settings", "policy._policy", "policy-public-names"),
        # schema read graph.values, graph.commands, graph.feed, graph.deals_reader.
        ("schema.types.course", "graph.values", "schema-uses-graph-public-names"),
        # resolve_node's home imported by the federation module the types import.
        ("schema.federation", "schema.query", "no-cycles-in-a-layer"),
        # A type module importing Company, which imports it.
        ("schema.types.course", "schema.types.company", "no-cycles-in-a-layer"),
        ("policy._model", "policy._rules", "no-cycles-in-a-layer"),
    ],
)
def test_each_import_the_contracts_forbid_breaks_its_contract(
    options: UserOptions, graph: grimp.ImportGraph, importer: str, imported: str, contract: str
) -> None:
    forbidden = deepcopy(graph)
    forbidden.add_import(
        importer=importer, imported=imported, line_number=1, line_contents="import"
    )
    assert _broken(options, forbidden) == [contract]
