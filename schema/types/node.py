"""The Relay ``Node`` interface and ``PageInfo``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

import strawberry

if TYPE_CHECKING:
    from schema.context import Info


@strawberry.interface(description="An object with a global id (base64 of TypeName:graphId).")
class Node:
    id: strawberry.ID

    @classmethod
    async def load(cls, info: Info, graph_id: str) -> Self | None:
        """The object with this graph id as the viewer may see it; None when it is absent or
        invisible, which read alike. Each node type implements it with its own row rules and
        registers itself with ``schema.nodes.node_type``: ``node(id:)``, ``nodes(ids:)`` and
        ``_entities`` all come here."""
        raise NotImplementedError(f"{cls.__name__} does not say how it loads")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None
