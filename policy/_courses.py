"""Training and certification: a vendor's courses and its partners' completions.

Courses follow the visibility of products (``sees_vendor_offerings``): the
vendor and its ACTIVE partners. A user of an ACTIVE partner records a
completion; a retake keeps the best score. A completion at or above the
course's passing score counts as a certification.
"""

from __future__ import annotations

from collections.abc import Collection

from policy._model import Role

#: Passing score of a course that does not set one.
DEFAULT_PASSING_SCORE = 70
MAX_SCORE = 100


def is_certified(score: float | None, passing_score: float | None) -> bool:
    if score is None:
        return False
    passing = DEFAULT_PASSING_SCORE if passing_score is None else passing_score
    return score >= passing


def may_record_completion(
    viewer_company: str, role: str, vendor: str, active_partners: Collection[str]
) -> bool:
    """A user (not ANALYST) of a company with an ACTIVE partnership with the vendor.

    The vendor's own staff write the courses; they do not certify on them.
    """
    return role != Role.ANALYST and viewer_company != vendor and vendor in active_partners
