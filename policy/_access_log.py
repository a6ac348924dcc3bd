"""Access transparency (issue #13, item 3): what counts as a read, and who sees the reads.

A read is a customer row returned to a user of a *recipient* company with at least
one guarded field of a readable group; it counts against every live link through
which the row was shared that grants one of the groups returned. An owner reading
its own customers is not a read; neither is a row that returned only the open
fields (``id``, ``owner``, ``access``), a ``totalCount`` or a figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum

from policy._model import FieldGroup, Role

#: Days the log keeps a read (PRM_ACCESS_LOG_RETENTION_DAYS).
DEFAULT_ACCESS_LOG_RETENTION_DAYS = 400


class ReadsView(Enum):
    """How much of a link's read log a viewer may see."""

    ALL = "all"  # every recipient user's reads of the link
    OWN = "own"  # the viewer's own reads only
    NONE = "none"  # nothing (reads alike with a link that was never read)


def reads_view(
    *,
    viewer_company: str,
    role: str,
    managed: frozenset[str],
    link_owner: str,
    link_recipient: str,
    partnership: str | None,
) -> ReadsView:
    """Who may see a link's reads.

    The owner's EXECUTIVE and a MANAGER who manages the partnership see every read of
    the link: it is the owner's data. On the recipient side the reads are the
    recipient's own: its EXECUTIVE and the partnership's managing MANAGER see all of
    its users' reads of the link (a link has one recipient, so that is nothing of any
    other recipient), any other recipient user only their own. Anyone else, including
    the owner's REPs and ANALYSTs, sees nothing.
    """
    if viewer_company not in (link_owner, link_recipient):
        return ReadsView.NONE
    if role == Role.EXECUTIVE or (
        role == Role.MANAGER and partnership is not None and partnership in managed
    ):
        return ReadsView.ALL
    if viewer_company == link_recipient:
        return ReadsView.OWN
    return ReadsView.NONE


def link_reads(
    via: Iterable[str],
    returned: Iterable[FieldGroup],
    link_groups: Mapping[str, frozenset[FieldGroup]],
) -> dict[str, frozenset[FieldGroup]]:
    """Link → the groups it granted among ``returned`` (a customer read through several
    live links counts against each link that granted a returned group)."""
    groups = frozenset(returned)
    out: dict[str, frozenset[FieldGroup]] = {}
    for link in via:
        granted = groups & link_groups.get(link, frozenset())
        if granted:
            out[link] = granted
    return out
