"""Constraints and indexes of graph-model.md, applied idempotently at start-up, then the
versioned data migrations (graph/queries/data_migrations.py), each once."""

from __future__ import annotations

import uuid
from typing import LiteralString

from graph.driver import Database, WriteTx
from graph.queries.data_migrations import (
    DATA_MIGRATIONS,
    MIGRATION_CLAIMED_QUERY,
    MIGRATION_CONSTRAINT,
)
from graph.queries.database import AWAIT_INDEXES_QUERY, MIGRATIONS
from policy import DEFAULT_PROPOSAL_DAYS


async def migrate(db: Database) -> int:
    """Apply every statement (each is a no-op when already there); wait for indexes online;
    then apply the data migrations not yet recorded."""
    for statement in (*MIGRATIONS, MIGRATION_CONSTRAINT):
        await db.write(statement, {})
    await db.write(AWAIT_INDEXES_QUERY, {})
    await migrate_data(db)
    return len(MIGRATIONS) + 1


async def migrate_data(db: Database) -> list[str]:
    """The data migrations this call applied (none when every one is recorded)."""
    applied: list[str] = []
    for migration_id, version, statement in DATA_MIGRATIONS:

        async def unit(
            tx: WriteTx,
            migration_id: str = migration_id,
            version: int = version,
            statement: LiteralString = statement,
        ) -> bool:
            claim = uuid.uuid4().hex
            rows = await tx.run(
                MIGRATION_CLAIMED_QUERY, {"id": migration_id, "version": version, "claim": claim}
            )
            if not rows[0]["claimed"]:
                return False
            await tx.run(statement, {"proposalDays": DEFAULT_PROPOSAL_DAYS})
            return True

        if await db.transaction(unit):
            applied.append(migration_id)
    return applied
