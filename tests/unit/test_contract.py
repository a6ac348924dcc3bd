"""The GraphQL contract is guarded: a breaking change to the served schema fails the suite.

``docs/contract/schema.graphql`` is the committed copy of what clients rely on
(``make contract`` rewrites it on purpose); ``docs/contract/design.graphql`` is
the design's contract, which the served schema may extend but never break.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import BreakingChange, GraphQLSchema, build_schema, find_breaking_changes

from schema import build_schema as build_served_schema

CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "contract"


def _parse(sdl: str) -> GraphQLSchema:
    # The federation directives (@key, @link, ...) are declared by the supergraph.
    return build_schema(sdl, assume_valid_sdl=True)


@pytest.fixture(scope="module")
def served_sdl() -> str:
    return build_served_schema().as_str()


def _breaks(old_sdl: str, new_sdl: str) -> list[BreakingChange]:
    return find_breaking_changes(_parse(old_sdl), _parse(new_sdl))


@pytest.mark.parametrize("copy", ["schema.graphql", "design.graphql"])
def test_the_served_schema_breaks_nothing_clients_rely_on(served_sdl: str, copy: str) -> None:
    committed = (CONTRACT / copy).read_text()
    assert [change.description for change in _breaks(committed, served_sdl)] == []


def test_the_committed_copy_is_the_served_schema(served_sdl: str) -> None:
    # An addition must be recorded too, or removing it later would go unnoticed.
    committed = (CONTRACT / "schema.graphql").read_text()
    assert committed.strip() == served_sdl.strip(), "run `make contract` and commit the result"


def test_the_guard_sees_a_removed_field_and_a_tightened_argument(served_sdl: str) -> None:
    removed = served_sdl.replace("  totalCount: Int!\n", "", 1)
    assert any("totalCount" in c.description for c in _breaks(served_sdl, removed))
    tightened = served_sdl.replace("direction: OrderDirection = ASC", "direction: OrderDirection!")
    assert tightened != served_sdl
    assert any("direction" in c.description for c in _breaks(served_sdl, tightened))
