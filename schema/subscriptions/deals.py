"""Deal registration notifications: partners follow their deals, vendors their pipeline."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from datetime import datetime

import strawberry

from graph import DealRow, FeedEvent
from schema.context import Context, Info
from schema.subscriptions._routing import same_company
from schema.types.deal import Opportunity

REGISTERED = "deal.register"


@strawberry.type(description="Something happened to a deal the subscriber may see.")
class DealEvent:
    action: str = strawberry.field(
        description="deal.register(.rejected), deal.approve, deal.reject, deal.won, deal.lost, "
        "deal.expire"
    )
    at: datetime
    opportunity: Opportunity


async def _deal_events(
    context: Context,
    concerns: Callable[[FeedEvent, str], bool],
    wanted: Callable[[FeedEvent, DealRow, Context], bool],
) -> AsyncGenerator[DealEvent, None]:
    assert context.feed is not None
    company = context.viewer.company_id
    async with context.feed.listen(
        "deal.", company=company, wants=lambda event: concerns(event, company)
    ) as events:
        while True:
            event = await events.get()
            # Read as a new request would: the viewer reloaded (a changed role or a
            # revoked link counts at once), new loaders, the deal through its row rules.
            await context.reauthorize()
            same_company(context, company)
            row = await context.reader.deals.deal(event.target_id)
            if row is not None and wanted(event, row, context):
                yield DealEvent(
                    action=event.action, at=event.at, opportunity=Opportunity.from_row(row)
                )


# Before any reload, on the event's own facts: which company's subscribers it may concern.
def _changed_for_registrant(event: FeedEvent, company: str) -> bool:
    return not event.action.startswith(REGISTERED) and event.registrant_id == company


def _registered_with_vendor(event: FeedEvent, company: str) -> bool:
    return event.action.startswith(REGISTERED) and event.vendor_id == company


# After the reload, on the deal as the viewer may read it now.
def _status_change_of_own_deal(event: FeedEvent, row: DealRow, context: Context) -> bool:
    return not event.action.startswith(REGISTERED) and row.registrant == context.viewer.company_id


def _registered_with_us(event: FeedEvent, row: DealRow, context: Context) -> bool:
    return event.action.startswith(REGISTERED) and row.vendor == context.viewer.company_id


@strawberry.type
class DealSubscriptions:
    @strawberry.subscription(
        description=(
            "A deal your company registered changed status (approved, rejected, won, lost, "
            "expired): the deals you may see (a REP its own, a MANAGER those it manages)."
        )
    )
    async def deal_status_changed(self, info: Info) -> AsyncGenerator[DealEvent, None]:
        events = _deal_events(info.context, _changed_for_registrant, _status_change_of_own_deal)
        async for event in events:
            yield event

    @strawberry.subscription(
        description=(
            "A partner registered a deal with your company: for a MANAGER, under the "
            "partnerships it manages; for an EXECUTIVE or ANALYST, under any."
        )
    )
    async def deal_registered(self, info: Info) -> AsyncGenerator[DealEvent, None]:
        async for event in _deal_events(info.context, _registered_with_vendor, _registered_with_us):
            yield event
