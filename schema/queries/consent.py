"""Consent proposals of the viewer's company (docs/consent.md)."""

from __future__ import annotations

import strawberry

from schema.context import Info
from schema.ids import expect_global_id
from schema.types.consent_proposal import ConsentProposalConnection, consent_proposal_connection
from schema.types.enums import ProposalStatus


@strawberry.type
class ConsentQueries:
    @strawberry.field(
        description=(
            "Proposals about the partnerships of the viewer's company, either side, newest "
            "first: who proposed what, to whom, until when, and how it was answered. "
            "A PENDING proposal past its expiresAt reads EXPIRED."
        )
    )
    async def consent_proposals(
        self,
        info: Info,
        partnership_id: strawberry.ID | None = None,
        data_link_id: strawberry.ID | None = None,
        status: ProposalStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ConsentProposalConnection:
        reader = info.context.reader
        page = await reader.consent.proposals(
            partnership_id=(
                None
                if partnership_id is None
                else expect_global_id(partnership_id, "Partnership", "partnershipId")
            ),
            link_id=(
                None
                if data_link_id is None
                else expect_global_id(data_link_id, "DataLink", "dataLinkId")
            ),
            status=None if status is None else status.value,
            args=reader.page_args(first, after),
        )
        return consent_proposal_connection(page)
