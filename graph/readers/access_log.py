"""Reads of the access log: a data link's reads per day and recipient user, as far as
the viewer may see them (``policy.reads_view``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from graph.queries.access_log import READS_OF_LINKS_QUERY
from graph.readers._base import AggregateReader, ReadScope
from graph.readers.data_sharing import DataLinkRow
from graph.values import native
from policy import FieldGroup, ReadsView, reads_view


@dataclass(frozen=True, slots=True)
class LinkReadRow:
    """One recipient user's reads of one link's customers on one (UTC) day."""

    day: date
    user: str
    #: The user's name now (None once the user is gone or erased).
    user_name: str | None
    #: Distinct customers read.
    customers: int
    groups: frozenset[FieldGroup]


class AccessLogReader(AggregateReader):
    def __init__(self, scope: ReadScope) -> None:
        super().__init__(scope)
        self._reads = self._loader("link_reads", self._load_reads)

    async def reads_of_link(
        self, link: DataLinkRow, since: date | None, until: date | None
    ) -> list[LinkReadRow]:
        """The reads of ``link`` between the two days (inclusive, open if None) the
        viewer may see; empty, without a read, for a viewer who may see none."""
        viewer = self.viewer
        view = reads_view(
            viewer_company=viewer.company_id,
            role=viewer.role,
            managed=viewer.managed,
            link_owner=link.owner,
            link_recipient=link.recipient,
            partnership=link.partnership,
        )
        if view is ReadsView.NONE:
            return []
        user = viewer.user_id if view is ReadsView.OWN else None
        result: list[LinkReadRow] = await self._reads.load((link.id, since, until, user))
        return result

    async def _load_reads(
        self, keys: Sequence[tuple[str, date | None, date | None, str | None]]
    ) -> list[list[LinkReadRow]]:
        parents = [
            {"key": i, "link": link, "from": since, "to": until, "user": user}
            for i, (link, since, until, user) in enumerate(keys)
        ]
        found: dict[int, list[LinkReadRow]] = {}
        for record in await self._read(READS_OF_LINKS_QUERY, {"parents": parents}):
            rows = [
                LinkReadRow(
                    day=native(r["day"]),
                    user=str(r["user"]),
                    user_name=r["userName"],
                    customers=int(r["customers"]),
                    groups=frozenset(FieldGroup(g) for g in r["groups"]),
                )
                for r in record["rows"]
            ]
            # Newest day first: a long history is cut to its latest days (schema/caps.py).
            found[int(record["key"])] = sorted(rows, key=lambda r: (-r.day.toordinal(), r.user))
        return [found.get(i, []) for i in range(len(keys))]
