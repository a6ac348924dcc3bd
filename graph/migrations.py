"""Constraints and indexes of graph-model.md, applied idempotently at start-up."""

from __future__ import annotations

from graph.driver import Database
from graph.queries.database import AWAIT_INDEXES_QUERY, MIGRATIONS


async def migrate(db: Database) -> int:
    """Apply every statement (each is a no-op when already there); wait for indexes online."""
    for statement in MIGRATIONS:
        await db.write(statement, {})
    await db.write(AWAIT_INDEXES_QUERY, {})
    return len(MIGRATIONS)
