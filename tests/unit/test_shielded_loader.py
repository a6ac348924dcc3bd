"""A loader batch shared by several fields survives the cancellation of one of them."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from graph.driver import QueryStats
from graph.readers import batch_loader


async def test_cancelling_one_awaiting_field_leaves_the_shared_batch_to_the_others() -> None:
    release = asyncio.Event()

    async def load(keys: Sequence[str]) -> list[str]:
        await release.wait()
        return [k.upper() for k in keys]

    loader = batch_loader(QueryStats(), "test", load)

    async def field() -> str:
        value: str = await loader.load("a")
        return value

    doomed = asyncio.create_task(field())
    survivor = asyncio.create_task(field())
    await asyncio.sleep(0)  # both wait on the one batch now
    doomed.cancel()  # graphql-core does this to the siblings of a nulled field
    await asyncio.sleep(0)
    release.set()
    assert await survivor == "A"
    assert doomed.cancelled()
