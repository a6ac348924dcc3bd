"""Apollo Federation v2: the entities this subgraph owns and how ``_entities`` finds them.

Company, Customer, Partnership, Product and User carry ``@key(fields: "id")``,
keyed by the global id: the same value their ``id`` field returns, so another
subgraph that stores a reference stores what clients see. ``_entities`` calls
each type's ``resolve_reference``, which goes through ``resolve_node`` (schema/nodes.py),
the path ``node(id:)`` takes: the same row rules (an invisible entity is ``null``
without an error) and the same field redaction (a forbidden field is ``null``
with a FORBIDDEN error). All representations of one operation resolve
concurrently, so the request's DataLoaders batch them into one read per type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal, TypeVar

from schema.ids import expect_global_id
from schema.nodes import resolve_node

if TYPE_CHECKING:
    from schema.context import Info
    from schema.types.node import Node

#: The Federation version declared in ``@link``: both Apollo's composer and Hive's
#: (which accepts 2.0-2.9) compose it; Strawberry's default (2.11) Hive refuses.
FEDERATION_VERSION: Final[Literal["2.7"]] = "2.7"
#: The entity types of this subgraph (each has ``@key(fields: "id")``).
ENTITY_KEYS = ["id"]

N = TypeVar("N", bound="Node")


async def resolve_entity(info: Info, cls: type[N], id: str) -> N | None:
    """The entity behind a representation, read as ``node(id:)`` reads it; None if invisible."""
    type_name = cls.__name__
    node = await resolve_node(info, type_name, expect_global_id(id, type_name, "representations"))
    return node if isinstance(node, cls) else None
