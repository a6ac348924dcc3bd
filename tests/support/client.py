"""A GraphQL client for tests: signs a token for a user id and posts operations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from gateway.auth import mint_token
from gateway.settings import Settings


@dataclass
class Result:
    status: int
    body: dict[str, Any]

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        errors: list[dict[str, Any]] = self.body.get("errors") or []
        return errors

    @property
    def round_trips(self) -> int:
        return int(self.body["extensions"]["stats"]["cypherRoundTrips"])

    def codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]

    def errors_at(self, *path: str | int) -> list[dict[str, Any]]:
        return [e for e in self.errors if tuple(e.get("path") or ()) == path]


class Gateway:
    def __init__(self, client: httpx.AsyncClient, settings: Settings) -> None:
        self.client = client
        self.settings = settings

    def token(self, user_id: str) -> str:
        return mint_token(self.settings, user_id)

    async def query(
        self,
        user_id: str | None,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> Result:
        all_headers = dict(headers or {})
        if user_id is not None:
            all_headers["authorization"] = f"Bearer {self.token(user_id)}"
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=all_headers
        )
        return Result(response.status_code, response.json())

    async def ok(self, user_id: str, query: str, variables: dict[str, Any] | None = None) -> Any:
        """The data of an operation that must succeed without any error."""
        result = await self.query(user_id, query, variables)
        assert result.status == 200, result.body
        assert not result.errors, result.errors
        return result.data
