"""An export costs one rate-limit token per page of PRM_MAX_FIRST rows, says so in its
headers, and one the user's budget cannot cover is refused before its first byte with
the 429 body of /graphql."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from tests.conftest import make_settings
from tests.db.conftest import GraphLoader, serving
from tests.support.builder import Builder
from tests.support.client import Gateway

b = Builder()
company = b.company("Exporter")
user = b.user(company)
rows = [b.customer(company) for _ in range(5)]
PAGE = 2  # so five rows are three pages: three tokens
BURST = 10


@pytest.fixture
async def throttled(load_graph: GraphLoader) -> AsyncIterator[Gateway]:
    """A gateway whose buckets refill too slowly to matter during a test."""
    await load_graph(b.data)
    settings = make_settings(
        PRM_MAX_FIRST=str(PAGE),
        PRM_DEFAULT_FIRST="1",
        PRM_RATE_LIMIT_PER_SECOND="0.001",
        PRM_RATE_LIMIT_BURST=str(BURST),
    )
    async with serving(settings) as gateway:
        yield gateway


async def export(gateway: Gateway) -> tuple[int, dict[str, str], str]:
    response = await gateway.client.get(
        "/export/customers.jsonl", headers={"authorization": f"Bearer {gateway.token(user)}"}
    )
    return response.status_code, dict(response.headers), response.text


async def requests_until_refused(gateway: Gateway) -> int:
    """How many GraphQL requests the user's bucket still lets through."""
    for served in range(BURST + 1):
        if (await gateway.query(user, "{ viewer { role } }")).status == 429:
            return served
    raise AssertionError("never throttled")


async def test_an_export_costs_one_rate_token_per_page_and_states_its_price(
    throttled: Gateway,
) -> None:
    status, headers, body = await export(throttled)
    assert status == 200
    assert len(body.splitlines()) == len(rows)
    assert headers["x-export-rows"] == "5"
    assert headers["x-export-page-size"] == str(PAGE)
    assert headers["x-export-cost"] == "3"
    assert await requests_until_refused(throttled) == BURST - 3


async def test_an_export_the_budget_cannot_cover_is_refused_before_its_first_byte(
    throttled: Gateway,
) -> None:
    for _ in range(BURST - 2):  # two tokens left; the export costs three
        assert (await throttled.query(user, "{ viewer { role } }")).status == 200
    status, headers, body = await export(throttled)
    assert status == 429
    assert int(headers["retry-after"]) >= 1
    assert headers["content-type"] == "application/json"
    assert headers["x-export-cost"] == "3"
    # The count took the first page's token; the refusal took nothing more.
    assert (await throttled.query(user, "{ viewer { role } }")).status == 200
    graphql_refusal = await throttled.query(user, "{ viewer { role } }")
    assert graphql_refusal.status == 429
    refusal = json.loads(body)
    assert refusal.keys() == graphql_refusal.body.keys() == {"data", "errors", "extensions"}
    assert refusal["data"] is None
    assert [e["extensions"] for e in refusal["errors"]] == [{"code": "RATE_LIMITED"}]
    assert "3 rate-limit tokens" in refusal["errors"][0]["message"]
    assert refusal["extensions"]["requestId"] == headers["x-request-id"]
