"""Exploring the partner network: who the hops go through, what account mapping shows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from policy._model import Role, Tier

#: Network depth when a deployment does not configure one (PRM_MAX_NETWORK_DEPTH).
DEFAULT_MAX_NETWORK_DEPTH = 3
#: Smallest count a breakdown shows (PRM_MIN_BUCKET): no count singles out one account.
DEFAULT_MIN_BUCKET = 3


def network_hubs(company: str, high_partners: Iterable[str]) -> list[str]:
    """The companies every partnership visible to ``company`` touches: itself and its
    ACTIVE HIGH partners (authorization.md, Partnerships). A hop through a partnership
    is allowed exactly when one of its two parties is a hub."""
    return [company, *sorted(set(high_partners) - {company})]


def overlap_lists_accounts(tier: str) -> bool:
    """LOW collaboration exchanges no customer data: overlap counts only. MEDIUM and HIGH
    list the overlapping accounts, each read through the customer rules."""
    return tier in (Tier.MEDIUM, Tier.HIGH)


def sees_portfolio(role: str) -> bool:
    """Portfolio analytics cover every partnership and deal of the company: the roles
    that oversee the whole company (EXECUTIVE, ANALYST; see oversight_scope)."""
    return role in (Role.EXECUTIVE, Role.ANALYST)


def shown_buckets(
    counts: Mapping[str | None, int], total: int, min_bucket: int
) -> dict[str | None, int]:
    """Small-bucket suppression that subtraction cannot undo.

    A bucket of fewer than ``min_bucket`` accounts is left out; and while the
    accounts left out (``total`` minus the shown counts, which a client can
    subtract) are more than none but fewer than ``min_bucket``, the smallest
    shown bucket (then the lowest key, null first) is left out too. Otherwise a
    breakdown with one small bucket left out would still tell its count.
    """
    shown = {k: n for k, n in counts.items() if n >= min_bucket}
    smallest_first = sorted(shown, key=lambda k: (shown[k], k is not None, k or ""))
    while shown and 0 < total - sum(shown.values()) < min_bucket:
        del shown[smallest_first.pop(0)]
    return shown
