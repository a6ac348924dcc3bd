"""One vocabulary: what the policy names, the schema serves without a copy of its own."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum

import pytest
from graphql import GraphQLEnumType

from gateway.settings import Settings
from graph.importing.fields import ENTITIES
from policy import (
    CUSTOMER_FIELDS,
    CUSTOMER_OPEN_FIELDS,
    CUSTOMER_PROPERTIES,
    Criterion,
    FieldGroup,
    OversightScope,
    Role,
    Tier,
    load_policy,
)
from schema import build_schema, customer_graphql_fields


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


def test_the_schema_serves_exactly_the_customer_fields_the_policy_names() -> None:
    served = customer_graphql_fields(build_schema())
    assert served == {*CUSTOMER_FIELDS, *CUSTOMER_OPEN_FIELDS}
    assert set(load_policy().customer_fields) == set(CUSTOMER_FIELDS)


def test_the_importer_reads_every_customer_property() -> None:
    # Its own table, because each column needs its parser: held to the one list here.
    assert tuple(ENTITIES["customers"].fields) == CUSTOMER_PROPERTIES


def test_an_empty_development_environment_gives_the_defaults_the_dataclasses_write() -> None:
    # Settings.from_env writes no default of its own: each is a dataclass field's
    # (Settings, its sections, graph's DatabaseConfig, the admission's Limits).
    # Development derives the cursor secret from the token secret (PRM_CURSOR_SECRET).
    defaults = Settings()
    assert Settings.from_env({}) == replace(defaults, cursor_secret=defaults.jwt.secret or "")
