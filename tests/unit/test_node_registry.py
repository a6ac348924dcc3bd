"""Node resolution by a registry of types (schema/nodes.py): every type implementing Node
registers under its GraphQL name, and a type left out stops the start instead of reading
as null from ``node(id:)``."""

from __future__ import annotations

from typing import cast

import pytest
import strawberry
from graphql import GraphQLInterfaceType

from schema import build_schema, nodes
from schema.context import Info
from schema.ids import NODE_TYPES
from schema.types.node import Node


def test_every_node_type_of_the_schema_is_registered_under_its_graphql_name() -> None:
    schema = build_schema()._schema
    node = schema.get_type("Node")
    assert isinstance(node, GraphQLInterfaceType)
    implementers = {t.name for t in schema.get_possible_types(node)}
    registered = {name: cls.__name__ for name, cls in nodes._TYPES.items()}
    assert set(registered) == implementers == NODE_TYPES
    # Registered under the GraphQL name, which is the class name for every node type.
    assert all(name == cls for name, cls in registered.items())


def test_a_node_type_left_out_of_the_registry_stops_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(nodes._TYPES, "MdfRequest")
    with pytest.raises(RuntimeError, match="node types disagree"):
        build_schema()


async def test_a_type_name_without_a_node_type_resolves_to_null() -> None:
    # Nothing is read: no registered type, no loader to ask.
    assert await nodes.resolve_node(cast(Info, None), "Unknown", "x-1") is None


def test_a_second_node_type_under_a_registered_name_is_refused() -> None:
    @strawberry.type(name="Company")
    class AnotherCompany(Node):
        id: strawberry.ID

    with pytest.raises(RuntimeError, match="two node types are named Company"):
        nodes.node_type(AnotherCompany)
    assert nodes._TYPES["Company"] is not AnotherCompany
