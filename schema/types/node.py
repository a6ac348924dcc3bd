"""The Relay ``Node`` interface and ``PageInfo``."""

import strawberry


@strawberry.interface(description="An object with a global id (base64 of TypeName:graphId).")
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None
