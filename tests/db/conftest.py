"""Fixtures that need the real database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.settings import Settings
from graph import Database
from graph.generator.loader import load, wipe
from graph.generator.model import GraphData
from tests.support.client import Gateway


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
