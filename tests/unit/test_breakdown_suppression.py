"""policy.shown_buckets: small buckets are left out, and never given away by subtraction."""

from __future__ import annotations

import pytest

from policy import shown_buckets


@pytest.mark.parametrize(
    ("counts", "total", "shown"),
    [
        # Nothing small: everything shown.
        ({"Retail": 3, "Banking": 4}, 7, {"Retail": 3, "Banking": 4}),
        # Banking 1 left out; Retail 3 would give it away (4 - 3): left out too.
        ({"Retail": 3, "Banking": 1}, 4, {}),
        # Two small buckets left out add up to 3: what is left out is no small count.
        ({"Retail": 5, "Banking": 1, "Health": 2}, 8, {"Retail": 5}),
        # The smallest shown goes first (3 before 4); then 4 + 1 left out is enough.
        ({"A": 4, "B": 3, "C": 5, "D": 1}, 13, {"A": 4, "C": 5}),
        # Ties: the null key first, then by key.
        ({None: 3, "A": 3, "B": 3, "C": 2}, 11, {"A": 3, "B": 3}),
        # A total below the bucket size shows no bucket; the total itself is allowed.
        ({"Retail": 2}, 2, {}),
        # An account in two buckets makes the shown counts exceed the total: nothing to hide.
        ({"Retail": 3, "Banking": 3}, 4, {"Retail": 3, "Banking": 3}),
    ],
)
def test_small_buckets_are_left_out_and_cannot_be_subtracted_back(
    counts: dict[str | None, int], total: int, shown: dict[str | None, int]
) -> None:
    assert shown_buckets(counts, total, 3) == shown


def test_a_bucket_of_one_shows_everything() -> None:
    assert shown_buckets({"Retail": 1, "Banking": 2}, 3, 1) == {"Retail": 1, "Banking": 2}
