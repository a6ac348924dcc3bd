"""The shape docs/architecture.md gives graph/, read from the source: every statement in
graph/queries/, imports that need no dodge, one name per aggregate across the layers."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import graph
from graph import GraphCommands, GraphReader

ROOT = Path(__file__).resolve().parents[2]

# A line of a string that opens a Cypher clause: how every statement starts.
CLAUSE = re.compile(
    r"^\s*(OPTIONAL MATCH|MATCH|MERGE|UNWIND|CALL|RETURN|CREATE|WITH|DETACH DELETE)[ (]", re.M
)


def sources(*folders: str) -> Iterator[Path]:
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), str(path))


def docstrings(module: ast.Module) -> set[int]:
    """The ids of the docstring nodes of a module, its classes and its functions."""
    found: set[int] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def modules(folder: str) -> set[str]:
    """The aggregate modules of a package: its files but __init__ and _private ones."""
    return {p.stem for p in (ROOT / folder).glob("*.py") if not p.stem.startswith("_")}


def test_every_cypher_statement_lives_in_graph_queries() -> None:
    outside = []
    for path in sources("gateway", "schema", "graph", "policy"):
        if path.is_relative_to(ROOT / "graph" / "queries"):
            continue
        module = tree(path)
        skip = docstrings(module)
        for node in ast.walk(module):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in skip
                and CLAUSE.search(node.value)
            ):
                outside.append(f"{relative(path)}:{node.lineno}")
    assert outside == []


def test_graph_imports_nothing_inside_a_function_or_under_type_checking() -> None:
    # An import inside a function (or only for the type checker) is how a cycle is dodged.
    hidden = []
    for path in sources("graph"):
        module = tree(path)
        top = {id(n) for n in module.body if isinstance(n, ast.Import | ast.ImportFrom)}
        for node in ast.walk(module):
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in top:
                hidden.append(f"{relative(path)}:{node.lineno}")
    assert hidden == []


def test_no_private_name_is_imported_from_another_module_of_ours() -> None:
    ours = ("gateway", "schema", "graph", "policy")
    imported = []
    for path in sources(*ours):
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ours:
                imported += [
                    f"{relative(path)}:{node.lineno} {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
    assert imported == []


def in_graph(module: str) -> bool:
    return module == "graph" or module.startswith("graph.")


def test_schema_takes_from_graph_only_what_graph_exports() -> None:
    reaching = []
    for path in sources("schema"):
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.ImportFrom) and in_graph(node.module or ""):
                names = {alias.name for alias in node.names}
                if node.module != "graph" or not names <= set(graph.__all__):
                    reaching.append(f"{relative(path)}:{node.lineno} {node.module}")
            elif isinstance(node, ast.Import):
                reaching += [
                    f"{relative(path)}:{node.lineno} {alias.name}"
                    for alias in node.names
                    if in_graph(alias.name)
                ]
    assert reaching == []


def test_an_aggregate_has_one_name_in_queries_readers_commands_and_schema() -> None:
    queries = modules("graph/queries")
    readers = modules("graph/readers")
    commands = modules("graph/commands")
    # explore reads the network and the portfolio, each a module of statements.
    assert readers - {"explore"} <= queries
    assert {"network", "portfolio"} <= queries
    assert commands <= queries
    assert commands <= readers
    roots = (
        modules("schema/queries") | modules("schema/mutations") | modules("schema/subscriptions")
    )
    assert roots <= readers | commands
    # policy's rule modules share the names; the others hold what every aggregate uses
    # (actions, model, rules, the policy file) or a sub-concept (products' pricing).
    rules = {p.stem[1:] for p in (ROOT / "policy").glob("_*.py") if p.stem != "__init__"}
    assert rules - {"actions", "model", "policy", "pricing", "rules"} <= readers
    assert {name for name in vars(GraphReader) if not name.startswith("_")} >= readers
    assert {name for name in vars(GraphCommands) if not name.startswith("_")} >= commands
