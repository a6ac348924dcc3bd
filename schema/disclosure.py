"""``_service { sdl }`` only where a federation router needs it.

The field prints the whole schema, introspection off or not. Without federation
(production's default, ``PRM_FEDERATION``) a validation rule refuses it with the
very error a field the schema lacks gets, so its answer says nothing more.
"""

from __future__ import annotations

from typing import Any

from graphql import FieldNode, GraphQLError, ValidationRule
from strawberry.extensions import AddValidationRules

SERVICE_FIELD = "_service"


class NoServiceSdl(ValidationRule):
    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        if (
            node.name.value == SERVICE_FIELD
            and self.context.get_parent_type() is self.context.schema.query_type
        ):
            # graphql-core's own words for an unknown field (suggestions are off in prod).
            message = f"Cannot query field '{SERVICE_FIELD}' on type 'Query'."
            self.report_error(GraphQLError(message, node))


def federation_sdl_off() -> AddValidationRules:
    return AddValidationRules([NoServiceSdl])
