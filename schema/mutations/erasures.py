"""Erasure on request: a customer or a contact, by the owner's EXECUTIVE (docs/privacy.md)."""

from __future__ import annotations

import strawberry

from graph import NotFound
from schema.context import Info
from schema.ids import expect_global_id
from schema.types.erasure import Erasure


async def _record(info: Info, erasure_id: str) -> Erasure:
    await info.context.refresh()
    props = await info.context.reader.erasures.erasure(erasure_id)
    if props is None:  # the same transaction wrote it: only a concurrent erasure of the
        raise NotFound("Erasure", argument="id")  # company itself could hide it
    return Erasure.from_props(props)


@strawberry.type
class ErasureMutations:
    @strawberry.mutation(
        description=(
            "Erase a customer of the viewer's company (its EXECUTIVE): the customer and its "
            "contacts are removed, links stop covering it, its deals keep status and amounts "
            "but lose every identifying field, audit events lose its personal data, and "
            "`prm import` refuses the account again unless forced. Anyone else reads "
            "NOT_FOUND, as for an id that does not exist. Returns the erasure's record."
        )
    )
    async def erase_customer(self, info: Info, id: strawberry.ID) -> Erasure:
        graph_id = expect_global_id(id, "Customer")
        outcome = await info.context.commands.erasures.erase_customer(graph_id)
        return await _record(info, outcome.target_id)

    @strawberry.mutation(
        description=(
            "Erase a contact of the viewer's company or of one of its customers (its "
            "EXECUTIVE). Anyone else reads NOT_FOUND. Returns the erasure's record."
        )
    )
    async def erase_contact(self, info: Info, id: strawberry.ID) -> Erasure:
        graph_id = expect_global_id(id, "Contact")
        outcome = await info.context.commands.erasures.erase_contact(graph_id)
        return await _record(info, outcome.target_id)
