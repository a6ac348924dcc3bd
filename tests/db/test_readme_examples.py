"""The README's workflow examples run, in order, on the demo data without an error.

A block is a ```graphql fence whose first line is ``# as us-NNNNNN``: it runs
as that demo user. ``"<id of fieldName>"`` in a block stands for the ``id``
returned by the latest earlier block whose root field was ``fieldName`` (for a
connection, its first node's), so the examples read as a story (register a
deal, then approve it).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from graph.generator.synthetic import generate
from tests.db.conftest import GraphLoader
from tests.support.client import Gateway

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"```graphql\n# as (us-\d{6})[^\n]*\n(.*?)```", re.S)
PLACEHOLDER = re.compile(r'"<id of (\w+)>"')


def examples() -> list[tuple[str, str]]:
    return BLOCK.findall(README.read_text())


def test_the_readme_has_workflow_examples() -> None:
    operations = " ".join(body for _, body in examples())
    for field in ("recruitPartner", "grantDataLink", "registerDeal", "approveDeal"):
        assert field in operations


@pytest.fixture
async def demo(load_graph: GraphLoader) -> None:
    await load_graph(generate(0.01, seed=42))


@pytest.mark.usefixtures("demo")
async def test_every_readme_example_runs_on_the_demo_data(gateway: Gateway) -> None:
    returned: dict[str, str] = {}
    for user, body in examples():

        def substitute(match: re.Match[str]) -> str:
            field = match.group(1)
            assert field in returned, f"no earlier example returned {field}"
            return f'"{returned[field]}"'

        query = PLACEHOLDER.sub(substitute, body)
        result = await gateway.query(user, query)
        assert result.status == 200, (query, result.body)
        assert not result.errors, (query, result.errors)
        data: dict[str, Any] = result.data
        for field, value in data.items():
            if isinstance(value, dict) and value.get("edges") and "node" in value["edges"][0]:
                value = value["edges"][0]["node"]
            if isinstance(value, dict) and isinstance(value.get("id"), str):
                returned[field] = value["id"]
