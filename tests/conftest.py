"""Shared fixtures: the real Neo4j test instance, the app, a client that signs tokens.

Tests under ``tests/db`` run against the Neo4j that ``make test`` provisions
(``bolt://127.0.0.1:7688``, or ``NEO4J_TEST_URI``); each test that needs a
graph wipes the database and loads its own.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gateway import neo4j_local
from gateway.settings import DEV_NEO4J_PASSWORD, Settings

# The instance `make test` provisions (its port follows PRM_NEO4J_TEST_PORT), unless
# NEO4J_TEST_URI names another server.
TEST_URI = os.environ.get("NEO4J_TEST_URI") or neo4j_local.instance("test").uri


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(item.path).parent.name == "db":
            item.add_marker(pytest.mark.db)


RELAXED_LIMITS = {
    "PRM_MAX_COST": "1000000000000",
    "PRM_MAX_ALIASES": "10000",
    "PRM_MAX_ROOT_FIELDS": "10000",
    "PRM_MAX_TOKENS": "1000000",
    "PRM_MAX_DEPTH": "50",
    "PRM_RATE_LIMIT_PER_SECOND": "0",
}
#: The defaults of gateway.settings, for tests that check them.
DEFAULTS = Settings()
PRODUCTION_LIMITS = {
    "PRM_MAX_COST": str(DEFAULTS.limits.max_cost),
    "PRM_MAX_ALIASES": str(DEFAULTS.limits.max_aliases),
    "PRM_MAX_ROOT_FIELDS": str(DEFAULTS.limits.max_root_fields),
    "PRM_MAX_TOKENS": str(DEFAULTS.limits.max_tokens),
    "PRM_MAX_DEPTH": str(DEFAULTS.limits.max_depth),
    "PRM_RATE_LIMIT_PER_SECOND": str(DEFAULTS.rate.per_second),
}


def make_settings(**overrides: str) -> Settings:
    env = {
        "PRM_ENV": "dev",
        "NEO4J_URI": TEST_URI,
        "NEO4J_PASSWORD": os.environ.get("NEO4J_TEST_PASSWORD", DEV_NEO4J_PASSWORD),
        "PRM_JWT_SECRET": "test-secret-0123456789abcdef0123456789",
        # Production requires one (tests/unit/test_settings_fail_closed.py).
        "PRM_CURSOR_SECRET": "test-cursor-secret-0123456789abcdef01234",
        # So does the tombstones' key (docs/privacy.md).
        "PRM_ERASURE_KEY": "test-erasure-key-0123456789abcdef012345",
        "PRM_EXPOSE_STATS": "true",
        # The suites' nested and heavily aliased operations go beyond production's
        # query limits; tests/db/test_admission.py checks those limits themselves.
        **RELAXED_LIMITS,
        **overrides,
    }
    return Settings.from_env(env)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return make_settings()
