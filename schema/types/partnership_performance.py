"""Partnership fields of co-marketing funds and scorecards (resolved here, declared on
``Partnership``): MDF money is FINANCIAL like mdfBudget; the scorecard has its own rule."""

from __future__ import annotations

from graph import Forbidden, PartnershipRow
from policy import Actor, FieldGroup, sees_scorecard
from schema.context import Info
from schema.types.mdf import MdfRequestConnection, mdf_request_connection
from schema.types.scorecard import PartnerScorecard

#: The group named in the FORBIDDEN error of a scorecard the viewer may not read.
SCORECARD_GROUP = "SCORECARD"


async def mdf_remaining(info: Info, row: PartnershipRow) -> float | None:
    if FieldGroup.FINANCIAL not in row.access.groups:
        raise Forbidden(FieldGroup.FINANCIAL.value)
    return (await info.context.reader.mdf.balance(row.id)).remaining


async def mdf_requests(
    info: Info, row: PartnershipRow, first: int | None, after: str | None
) -> MdfRequestConnection | None:
    reader = info.context.reader
    args = reader.page_args(first, after)
    if FieldGroup.FINANCIAL not in row.access.groups:
        raise Forbidden(FieldGroup.FINANCIAL.value)
    return mdf_request_connection(await reader.mdf.requests_of(row.id, args))


async def scorecard(info: Info, row: PartnershipRow) -> PartnerScorecard | None:
    v = info.context.viewer
    actor = Actor(v.user_id, v.company_id, v.role, v.managed)
    if not sees_scorecard(actor, row.id, row.vendor, row.partner):
        raise Forbidden(SCORECARD_GROUP)
    card = await info.context.reader.scorecards.scorecard(row.id)
    if card is None:  # the Cypher applies the same rule; it agrees by construction
        raise Forbidden(SCORECARD_GROUP)
    return PartnerScorecard.from_row(card)
