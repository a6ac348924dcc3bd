"""Batch loaders: every lookup and connection of a request goes through one.

aiodataloader collects the keys asked for in one tick of the event loop and
calls the batch function once with all of them, so N sibling fields asking for
the same kind of thing cost one round trip.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiodataloader import DataLoader

from graph.driver import QueryStats


def batch_loader(
    stats: QueryStats, name: str, load: Callable[[Sequence[Any]], Awaitable[Any]]
) -> DataLoader[Any, Any]:
    """A DataLoader whose every batch reports its name and size to ``stats``
    (the gateway turns that into the loader batch size metric)."""

    async def observed(keys: Sequence[Any]) -> Any:
        stats.batch(name, len(keys))
        return await load(keys)

    return ShieldedLoader(observed)


class ShieldedLoader(DataLoader[Any, Any]):
    """A DataLoader whose shared futures survive the cancellation of one awaiting field.

    graphql-core cancels the sibling resolvers of a field whose error nulls their
    parent; cancelling a task that awaits a loader future would cancel the future
    itself, and every other field waiting on the same batch would get a
    CancelledError (escaping as a failed request). Each caller awaits a shield.
    """

    def load(self, key: Any) -> Any:
        return asyncio.shield(super().load(key))
