"""Every Cypher statement constant of ``graph`` is planned by the real Neo4j (EXPLAIN).

A syntax error in a rarely taken branch (a refusal, a sweep) would otherwise
surface only when a user hits it; EXPLAIN plans without running anything.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import graph
from graph import Database


def _statements() -> dict[str, str]:
    found: dict[str, str] = {}
    for module in pkgutil.walk_packages(graph.__path__, "graph."):
        for name, value in vars(importlib.import_module(module.name)).items():
            if name.endswith("_QUERY") and isinstance(value, str):
                # Re-exported constants appear under each module that imports them.
                found.setdefault(value, f"{module.name}.{name}")
    return {where: text for text, where in found.items()}


STATEMENTS = _statements()


def test_statements_are_found() -> None:
    assert len(STATEMENTS) > 40
    assert "graph.queries.viewer.VIEWER_QUERY" in STATEMENTS


@pytest.mark.parametrize("where", sorted(STATEMENTS))
async def test_statement_is_planned_by_neo4j(db: Database, where: str) -> None:
    await db.read("EXPLAIN " + STATEMENTS[where], {})
