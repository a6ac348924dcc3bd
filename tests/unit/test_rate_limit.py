"""The per-user token bucket, with requests that cost more than one token (an export)."""

from __future__ import annotations

import pytest

from gateway.rate_limit import RateLimiter


def test_a_request_takes_as_many_tokens_as_it_costs() -> None:
    limiter = RateLimiter(rate_per_second=1.0, burst=10)
    assert limiter.acquire("u", now=0.0, tokens=7) == 0.0
    assert limiter.acquire("u", now=0.0, tokens=3) == 0.0
    assert limiter.acquire("u", now=0.0) == pytest.approx(1.0)


def test_a_request_the_bucket_cannot_cover_takes_nothing_and_says_when() -> None:
    limiter = RateLimiter(rate_per_second=2.0, burst=10)
    assert limiter.acquire("u", now=0.0, tokens=6) == 0.0
    assert limiter.acquire("u", now=0.0, tokens=5) == pytest.approx(0.5)  # 4 left, 1 short
    assert limiter.acquire("u", now=0.0, tokens=4) == 0.0  # nothing was taken


def test_a_request_dearer_than_the_burst_needs_a_full_bucket_and_leaves_a_debt() -> None:
    limiter = RateLimiter(rate_per_second=1.0, burst=10)
    assert limiter.acquire("u", now=0.0, tokens=1) == 0.0
    assert limiter.acquire("u", now=0.0, tokens=25) == pytest.approx(1.0)  # until full
    assert limiter.acquire("u", now=1.0, tokens=25) == 0.0
    # 15 tokens of debt: the next request waits until the rate has paid them back.
    assert limiter.acquire("u", now=1.0) == pytest.approx(16.0)
    assert limiter.acquire("u", now=17.0) == 0.0


def test_other_users_are_not_charged() -> None:
    limiter = RateLimiter(rate_per_second=1.0, burst=10)
    assert limiter.acquire("u", now=0.0, tokens=10) == 0.0
    assert limiter.acquire("v", now=0.0, tokens=10) == 0.0
