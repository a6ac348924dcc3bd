"""User and Viewer."""

from __future__ import annotations

from typing import Self

import strawberry

from graph import UserRow
from schema.context import Info
from schema.ids import to_global_id
from schema.types.company import Company, require_company
from schema.types.enums import Role
from schema.types.node import Node


@strawberry.type
class User(Node):
    id: strawberry.ID
    name: str
    email: str | None
    role: Role
    company_id: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: UserRow) -> Self:
        p = row.props
        return cls(
            id=strawberry.ID(to_global_id("User", row.id)),
            name=p.get("name") or "",
            email=p.get("email"),
            role=Role(p.get("role")),
            company_id=row.company,
        )

    @strawberry.field
    async def company(self, info: Info) -> Company:
        return await require_company(info, self.company_id)


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
    async def company(self, info: Info) -> Company:
        return await require_company(info, info.context.viewer.company_id)

    @strawberry.field
    def role(self, info: Info) -> Role:
        return Role(info.context.viewer.role)
