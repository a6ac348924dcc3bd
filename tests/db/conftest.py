"""Fixtures that need the real database."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from urllib.parse import urlparse

import httpx
import pytest
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.settings import Settings
from graph import Database
from graph.generator.loader import load, wipe
from graph.generator.model import GraphData
from tests.conftest import TEST_URI, make_settings
from tests.support.client import Gateway
from tests.support.proxy import TcpProxy


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
def db(app: Starlette) -> Database:
    database: Database = app.state.prm.db
    return database


@pytest.fixture(scope="session")
async def gateway(app: Starlette, settings: Settings) -> AsyncIterator[Gateway]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield Gateway(client, settings)


class GraphLoader:
    """Replaces the whole test database with one graph."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def __call__(self, data: GraphData) -> GraphData:
        await wipe(self.db)
        await load(self.db, data)
        return data


@pytest.fixture(scope="session")
def load_graph(db: Database) -> GraphLoader:
    return GraphLoader(db)


@pytest.fixture
async def proxy() -> AsyncIterator[TcpProxy]:
    """A loopback proxy in front of the test Neo4j, to cut, stall or break the connection."""
    target = urlparse(TEST_URI)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 7687)
    await proxy.up()
    yield proxy
    await proxy.down()


@contextlib.asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[Gateway]:
    """A gateway of its own, started with ``settings`` (and stopped after)."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            yield Gateway(client, settings)


@pytest.fixture
async def proxied(proxy: TcpProxy) -> AsyncIterator[Gateway]:
    """A gateway of its own whose Neo4j is reached through ``proxy``."""
    async with serving(make_settings(NEO4J_URI=f"bolt://127.0.0.1:{proxy.port}")) as gateway:
        yield gateway
