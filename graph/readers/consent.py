"""Reads of consent proposals: those about the viewer's company's partnerships."""

from __future__ import annotations

from dataclasses import dataclass

from graph.queries.consent import CONSENT_PROPOSALS_OF_COMPANY_QUERY
from graph.readers._base import AggregateReader, Page, PageArgs, Props


@dataclass(frozen=True, slots=True)
class ConsentProposalRow:
    id: str
    props: Props
    partnership: str
    #: The link it widens, or the one a data request's approval created.
    link: str | None


class ConsentReader(AggregateReader):
    async def proposals(
        self,
        *,
        proposal_id: str | None = None,
        partnership_id: str | None,
        link_id: str | None,
        status: str | None,
        args: PageArgs,
    ) -> Page[ConsentProposalRow]:
        """Newest first. Both parties of a partnership read its proposals, every role:
        they say what may flow and who asked, nothing of the data itself."""
        ordering = f"consent:{proposal_id}:{partnership_id}:{link_id}:{status}:CREATED:DESC"
        params = self.paging.params(ordering, args)
        params.update(
            companyId=self.viewer.company_id,
            proposalId=proposal_id,
            partnershipId=partnership_id,
            linkId=link_id,
            status=status,
        )
        record = (await self._read(CONSENT_PROPOSALS_OF_COMPANY_QUERY, params))[0]
        return self.paging.page(
            ordering,
            args,
            record["total"],
            record["page"],
            lambda r: ConsentProposalRow(r["id"], r["props"], r["partnership"], r["link"]),
        )

    async def proposal(self, proposal_id: str) -> ConsentProposalRow | None:
        """One proposal about a partnership of the viewer's company; None otherwise."""
        page = await self.proposals(
            proposal_id=proposal_id,
            partnership_id=None,
            link_id=None,
            status=None,
            args=self.paging.args(1, None),
        )
        return page.rows[0] if page.rows else None
