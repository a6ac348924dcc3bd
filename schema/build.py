"""Assembling the schema, and what start-up checks on it."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from graphql import GraphQLError, GraphQLObjectType
from strawberry.extensions import (
    DisableIntrospection,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from schema.caps import enforce_caps
from schema.disclosure import federation_sdl_off
from schema.errors import ErrorCodes
from schema.federation import FEDERATION_VERSION
from schema.mutations.consent import ConsentMutations
from schema.mutations.courses import CourseMutations
from schema.mutations.data_sharing import DataSharingMutations
from schema.mutations.deals import DealMutations
from schema.mutations.erasures import ErasureMutations
from schema.mutations.mdf import MdfMutations
from schema.mutations.partnerships import PartnershipMutations
from schema.mutations.products import ProductMutations
from schema.mutations.scorecards import ScorecardMutations
from schema.nodes import check_node_types
from schema.queries.audit import AuditQueries
from schema.queries.consent import ConsentQueries
from schema.queries.courses import CourseQueries
from schema.queries.data_sharing import DataSharingQueries
from schema.queries.deals import DealQueries
from schema.queries.erasures import ErasureQueries
from schema.queries.explore import ExploreQueries
from schema.queries.mdf import MdfQueries
from schema.queries.oversight import OversightQueries
from schema.queries.products import ProductQueries
from schema.query import Query
from schema.subscriptions.audit import AuditSubscriptions
from schema.subscriptions.deals import DealSubscriptions
from schema.types.company import Company
from schema.types.contact import Contact
from schema.types.customer import Customer
from schema.types.data_link import DataLink
from schema.types.partnership import Partnership
from schema.types.product import Product
from schema.types.user import User

# The roots are merged from one type per aggregate, so each area keeps its own module.
QUERY_PARTS: tuple[type, ...] = (
    Query,
    DataSharingQueries,
    AuditQueries,
    DealQueries,
    ProductQueries,
    CourseQueries,
    MdfQueries,
    OversightQueries,
    ExploreQueries,
    ConsentQueries,
    ErasureQueries,
)
SUBSCRIPTION_PARTS: tuple[type, ...] = (AuditSubscriptions, DealSubscriptions)
MUTATION_PARTS: tuple[type, ...] = (
    PartnershipMutations,
    DataSharingMutations,
    DealMutations,
    ProductMutations,
    CourseMutations,
    MdfMutations,
    ScorecardMutations,
    ConsentMutations,
    ErasureMutations,
)


class GatewaySchema(strawberry.federation.Schema):
    """An Apollo Federation v2 subgraph (docs/federation.md) that also serves clients directly."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Strawberry logs every error with its stack trace; a FORBIDDEN field is
        # an expected answer, not an incident. ErrorCodes codes every result (streamed
        # ones too) and logs the unexpected errors.
        return


def build_schema(*, introspection: bool = True, federation: bool = True) -> strawberry.Schema:
    """The schema; production turns introspection, "Did you mean" suggestions and the
    federation SDL off (schema/disclosure.py)."""
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        ErrorCodes,
        ParserCache,
        ValidationCache,
    ]
    if not federation:
        extensions.append(federation_sdl_off)
    if not introspection:
        extensions.append(DisableIntrospection)
    # `_service { sdl }` is an ordinary field, so DisableIntrospection leaves it on:
    # a federation gateway composes from it (docs/federation.md).
    schema = GatewaySchema(
        query=merge_types("Query", QUERY_PARTS),
        mutation=merge_types("Mutation", MUTATION_PARTS),
        subscription=merge_types("Subscription", SUBSCRIPTION_PARTS),
        types=[Company, Customer, Partnership, DataLink, Contact, User, Product],
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not introspection),
        federation_version=FEDERATION_VERSION,
    )
    # Every list stays within the cap the query cost priced it at (schema/caps.py).
    enforce_caps(schema._schema)
    # Every node type answers node(id:): the registry holds each one (schema/nodes.py).
    check_node_types(schema._schema)
    return schema


def customer_graphql_fields(schema: strawberry.Schema) -> set[str]:
    """The fields of Customer as clients see them (the policy file is checked against these)."""
    customer = schema._schema.get_type("Customer")
    if not isinstance(customer, GraphQLObjectType):
        raise RuntimeError("schema has no Customer type")
    return set(customer.fields)
