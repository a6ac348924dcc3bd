"""The node types by GraphQL name: how an id finds its object, and how one type module
reaches a type it may not import.

Each type implementing ``Node`` registers its class here with ``@node_type``, under its
GraphQL name, and loads itself (``Node.load``) under its own row rules. ``node(id:)``,
``nodes(ids:)`` and federation's ``_entities`` all end in ``resolve_node``, a look-up in
this registry: every path to an object by id applies the same rules, and a new node type
joins them by registering itself, not by a new branch in ``resolve_node``.

The type modules import each other in one direction only (no import cycles inside a layer:
docs/architecture.md). Company is at the top of that order: it lists the types that point
at it (a company's partnerships, customers, products, ...). A field pointing up the order
names its type lazily (``Annotated[X, strawberry.lazy("schema.types.x")]``) and reaches the
class through a ``NodeRef`` below. A ``NodeRef`` is resolved when a field resolves, long
after every type module was imported; ``check_node_types`` proves at start-up that the
registry holds every node type of the schema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Generic, TypeVar, cast

from graphql import GraphQLInterfaceType, GraphQLSchema
from strawberry.types.base import get_object_definition

from schema.ids import NODE_TYPES

if TYPE_CHECKING:
    from schema.context import Info
    from schema.types.company import Company
    from schema.types.data_link import DataLink
    from schema.types.node import Node
    from schema.types.partnership import Partnership

N = TypeVar("N", bound="Node")

_TYPES: dict[str, type[Node]] = {}


def node_type(cls: type[N]) -> type[N]:
    """Class decorator (outside the strawberry one): ``cls`` answers ids of its GraphQL name."""
    name = get_object_definition(cls, strict=True).name
    if _TYPES.setdefault(name, cls) is not cls:
        raise RuntimeError(f"two node types are named {name}")
    return cls


async def resolve_node(info: Info, type_name: str, graph_id: str) -> Node | None:
    """Every path to an object by id ends here, so every path applies the same rules."""
    cls = _TYPES.get(type_name)
    return None if cls is None else await cls.load(info, graph_id)


class NodeRef(Generic[N]):
    """A node type by name, typed as its class, for the modules below the class's own."""

    __slots__ = ("type_name",)

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    @property
    def cls(self) -> type[N]:
        return cast("type[N]", _TYPES[self.type_name])

    async def load(self, info: Info, graph_id: str) -> N | None:
        return await self.cls.load(info, graph_id)


#: The node types that modules below their own point at.
COMPANY: Final[NodeRef[Company]] = NodeRef("Company")
DATA_LINK: Final[NodeRef[DataLink]] = NodeRef("DataLink")
PARTNERSHIP: Final[NodeRef[Partnership]] = NodeRef("Partnership")


def check_node_types(schema: GraphQLSchema) -> None:
    """Start-up: the types implementing Node in the schema, the registry and the type names
    a global id may carry (``schema.ids``) are one set, so ``node(id:)`` finds every one."""
    node = schema.get_type("Node")
    implementers = set()
    if isinstance(node, GraphQLInterfaceType):
        implementers = {t.name for t in schema.get_possible_types(node)}
    if not implementers == set(_TYPES) == NODE_TYPES:
        raise RuntimeError(
            "node types disagree: "
            f"schema {sorted(implementers)}, registered {sorted(_TYPES)}, ids {sorted(NODE_TYPES)}"
        )
