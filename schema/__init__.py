"""The Strawberry schema: types, queries, redaction, error codes.

Resolvers are thin: they ask the request's ``graph.GraphReader`` and build
types from its rows; they never write Cypher.
"""

from schema.build import build_schema, customer_graphql_fields
from schema.context import Context
from schema.errors import ErrorCodes, ValidationFailed, coded

__all__ = [
    "Context",
    "ErrorCodes",
    "ValidationFailed",
    "build_schema",
    "coded",
    "customer_graphql_fields",
]
