"""Generated operations over the whole schema (queries and mutations, valid by construction
but with arbitrary arguments) never get a 5xx, and every answer fits the schema.

hypothesis-graphql is the generator schemathesis uses in its GraphQL mode; it
runs here against the in-process gateway, with real tokens, on the demo graph.
PRM_FUZZ_EXAMPLES sets the length (CI: a short run; ``make fuzz``: a long one).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from graphql import GraphQLSchema, parse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from gateway.app import create_app
from graph.generator.synthetic import generate
from schema import build_schema
from tests.conftest import PRODUCTION_LIMITS, make_settings
from tests.db.conftest import GraphLoader
from tests.support.client import Gateway
from tests.support.conformance import violations

EXAMPLES = int(os.environ.get("PRM_FUZZ_EXAMPLES", "20"))
#: An EXECUTIVE of the hub vendor, a REP of its HIGH partner, an ANALYST.
USERS = ("us-000001", "us-000009", "us-000005")

SCALARS = {
    "DateTime": st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ).map(lambda d: nodes.String(d.isoformat())),
}
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture(scope="module")
async def demo(load_graph: GraphLoader) -> None:
    await load_graph(generate(0.01, seed=42))


@pytest.fixture(scope="module")
async def strict() -> AsyncIterator[Gateway]:
    """A gateway with production's query limits (the suite's shared one relaxes them):
    the fuzz must meet what the internet meets, where an expensive query is refused
    before any database work. Only the rate limit is off, to fuzz quickly."""
    settings = make_settings(**{**PRODUCTION_LIMITS, "PRM_RATE_LIMIT_PER_SECOND": "0"})
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield Gateway(client, settings)


def _root_fields(schema: GraphQLSchema, kind: str) -> list[str]:
    root = schema.query_type if kind == "query" else schema.mutation_type
    assert root is not None
    # _entities takes federation representations (the _Any scalar): its own tests cover it.
    return sorted(name for name in root.fields if name != "_entities")


SCHEMA: GraphQLSchema = build_schema()._schema
QUERIES = queries(SCHEMA, fields=_root_fields(SCHEMA, "query"), custom_scalars=SCALARS)
MUTATIONS = mutations(SCHEMA, fields=_root_fields(SCHEMA, "mutation"), custom_scalars=SCALARS)


async def _run(gateway: Gateway, schema: GraphQLSchema, user: str, operation: str) -> None:
    result = await gateway.query(user, operation)
    assert result.status < 500, (operation, result.body)
    problems = violations(schema, parse(operation), result.body)
    assert not problems, (operation, problems, result.body)
    codes = result.codes()
    assert "INTERNAL_SERVER_ERROR" not in codes, (operation, result.errors)


@pytest.mark.usefixtures("demo")
@FUZZ_SETTINGS
@given(operation=QUERIES, user=st.sampled_from(USERS))
async def test_generated_queries_get_answers_that_fit_the_schema(
    strict: Gateway, operation: str, user: str
) -> None:
    await _run(strict, SCHEMA, user, operation)


@pytest.mark.usefixtures("demo")
@FUZZ_SETTINGS
@given(operation=MUTATIONS, user=st.sampled_from(USERS))
async def test_generated_mutations_are_refused_or_done_never_a_server_error(
    strict: Gateway, operation: str, user: str
) -> None:
    await _run(strict, SCHEMA, user, operation)
