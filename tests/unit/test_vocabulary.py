"""One vocabulary: what the policy names, the schema serves without a copy of its own."""

from __future__ import annotations

from enum import Enum

import pytest
from graphql import GraphQLEnumType

from policy import Criterion, FieldGroup, OversightScope, Role, Tier
from schema import build_schema


@pytest.fixture(scope="module")
def served() -> dict[str, GraphQLEnumType]:
    types = build_schema()._schema.type_map
    return {name: t for name, t in types.items() if isinstance(t, GraphQLEnumType)}


@pytest.mark.parametrize(
    ("graphql_name", "policy_enum"),
    [
        ("CollaborationTier", Tier),
        ("Role", Role),
        ("FieldGroup", FieldGroup),
        ("OversightScope", OversightScope),
        ("ScorecardCriterion", Criterion),
    ],
)
def test_a_value_read_from_graphql_is_the_policys_own_enum_member(
    served: dict[str, GraphQLEnumType], graphql_name: str, policy_enum: type[Enum]
) -> None:
    enum = served[graphql_name]
    assert list(enum.values) == [member.name for member in policy_enum]
    for member in policy_enum:
        assert enum.parse_value(member.name) is member
        assert enum.serialize(member) == member.name
