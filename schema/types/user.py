"""User and Viewer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from graph import UserRow
from schema.context import Info
from schema.federation import ENTITY_KEYS, resolve_entity
from schema.ids import from_global_id, to_global_id
from schema.nodes import COMPANY, node_type
from schema.types.course import CourseCompletionConnection, completion_connection
from schema.types.enums import Role
from schema.types.node import Node

if TYPE_CHECKING:
    from schema.types.company import Company


@node_type
@strawberry.federation.type(keys=ENTITY_KEYS)
class User(Node):
    id: strawberry.ID
    name: str
    email: str | None
    role: Role
    company_id: strawberry.Private[str]

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Self | None:
        """Federation ``_entities``: the rules of ``node(id:)`` (schema/federation.py)."""
        return await resolve_entity(info, cls, id)

    @classmethod
    def from_row(cls, row: UserRow) -> Self:
        p = row.props
        return cls(
            id=strawberry.ID(to_global_id("User", row.id)),
            name=p.get("name") or "",
            email=p.get("email"),
            role=Role(p["role"]),
            company_id=row.company,
        )

    @classmethod
    async def load(cls, info: Info, graph_id: str) -> Self | None:
        row = await info.context.reader.users.user(graph_id)
        return cls.from_row(row) if row else None

    @strawberry.field
    async def company(
        self, info: Info
    ) -> Annotated[Company, strawberry.lazy("schema.types.company")]:
        return await COMPANY.cls.require(info, self.company_id)

    @strawberry.field(
        description="Courses this user completed (users are visible to their own company only)."
    )
    async def completions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> CourseCompletionConnection:
        reader = info.context.reader
        args = reader.page_args(first, after)
        return completion_connection(await reader.courses.completions_of(self.id_in_graph, args))

    @property
    def id_in_graph(self) -> str:
        return from_global_id(self.id)[1]


@strawberry.type
class Viewer:
    @strawberry.field
    def user(self, info: Info) -> User:
        v = info.context.viewer
        return User(
            id=strawberry.ID(to_global_id("User", v.user_id)),
            name=v.name,
            email=v.email,
            role=Role(v.role),
            company_id=v.company_id,
        )

    @strawberry.field
    async def company(
        self, info: Info
    ) -> Annotated[Company, strawberry.lazy("schema.types.company")]:
        return await COMPANY.cls.require(info, info.context.viewer.company_id)

    @strawberry.field
    def role(self, info: Info) -> Role:
        return Role(info.context.viewer.role)
