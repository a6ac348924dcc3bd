"""Reads of users: visible to their own company only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graph.queries.users import USERS_BY_IDS_QUERY
from graph.readers._base import AggregateReader, Props, ReadScope


@dataclass(frozen=True, slots=True)
class UserRow:
    id: str
    props: Props
    company: str


class UserReader(AggregateReader):
    def __init__(self, scope: ReadScope) -> None:
        super().__init__(scope)
        self._users = self._loader("users", self._load_users)

    async def user(self, user_id: str) -> UserRow | None:
        result: UserRow | None = await self._users.load(user_id)
        return result

    async def _load_users(self, ids: Sequence[str]) -> list[UserRow | None]:
        rows = await self._read(
            USERS_BY_IDS_QUERY, {"ids": list(ids), "companyId": self.viewer.company_id}
        )
        found = {
            r["row"]["id"]: UserRow(r["row"]["id"], r["row"]["props"], r["row"]["company"])
            for r in rows
        }
        return [found.get(i) for i in ids]
