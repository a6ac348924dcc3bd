"""A small fixed graph for MDF, scorecard and oversight tests, with hand-computed figures.

Deals, courses, completions and MDF requests are written as ``GraphData`` rows
(the builder has no helpers for them); each figure the tests expect is
derived in the comments next to the rows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.builder import EPOCH, FUTURE, NOW, PAST, Builder

b = Builder()
vendor = b.company("Vendor")
partner = b.company("Partner")
second = b.company("Second partner")
stranger = b.company("Stranger")

v_exec = b.user(vendor, "EXECUTIVE")
v_mgr = b.user(vendor, "MANAGER")
v_mgr2 = b.user(vendor, "MANAGER")
v_rep = b.user(vendor, "REP")
v_analyst = b.user(vendor, "ANALYST")
p_exec = b.user(partner, "EXECUTIVE")
p_mgr = b.user(partner, "MANAGER")
p_rep = b.user(partner, "REP")
p_rep2 = b.user(partner, "REP")
p_analyst = b.user(partner, "ANALYST")
q_exec = b.user(second, "EXECUTIVE")
s_exec = b.user(stranger, "EXECUTIVE")

#: Tenure: exactly a year, so TENURE_DAYS normalizes to 365/730 = 0.5.
SINCE = NOW - timedelta(days=365)
main = b.partnership(
    vendor, partner, tier="HIGH", managers=(v_mgr,), mdfBudget=10000.0, since=SINCE
)
other = b.partnership(vendor, second, tier="MEDIUM", mdfBudget=5000.0, since=SINCE)
prospect = b.partnership(vendor, stranger, tier="LOW", status="PROSPECT", mdfBudget=1000.0)

_deals = 0


def deal(
    partnership: str,
    company: str,
    user: str,
    status: str,
    amount: float,
    *,
    expires: datetime = FUTURE,
    registered: datetime = EPOCH,
    closed: datetime | None = None,
) -> str:
    global _deals
    _deals += 1
    oid = f"op-{_deals:06d}"
    b.data.opportunities.append(
        {
            "id": oid,
            "title": f"Deal {oid}",
            "amount": amount,
            "currency": "EUR",
            "stage": "CLOSED" if closed else "QUALIFICATION",
            "status": status,
            "registeredAt": registered,
            "expiresAt": expires,
            "closedAt": closed,
            "company": company,
            "user": user,
            "partnership": partnership,
        }
    )
    return oid


# Under `main`: open pipeline 1000 + 2000 = 3000 (o3 expired); won 3000 + 5000 = 8000;
# win rate 2 / (2 + 1); cycle of won deals (10 + 20) / 2 = 15 days.
deal(main, partner, p_rep2, "SUBMITTED", 1000.0)
deal(main, partner, p_rep, "APPROVED", 2000.0)
deal(main, partner, p_rep, "APPROVED", 4000.0, expires=PAST)  # EXPIRED, not open
deal(main, partner, p_rep, "WON", 3000.0, closed=EPOCH + timedelta(days=10))
deal(main, partner, p_rep, "WON", 5000.0, closed=EPOCH + timedelta(days=20))
deal(main, partner, p_rep, "LOST", 700.0, closed=EPOCH + timedelta(days=5))
# Under `other`: one won deal of 100.
deal(other, second, q_exec, "WON", 100.0, closed=EPOCH + timedelta(days=3))

# Certified users of `partner` on `vendor`'s courses: p_exec (80 ≥ 70) and p_rep2
# (95 ≥ 90 on the course with its own passing score) → 2.
b.data.courses += [
    {"id": "cs-000001", "title": "Basics", "level": "BEGINNER", "vendor": vendor},
    {
        "id": "cs-000002",
        "title": "Expert",
        "level": "ADVANCED",
        "passingScore": 90,
        "vendor": vendor,
    },
    {"id": "cs-000003", "title": "Elsewhere", "level": "BEGINNER", "vendor": stranger},
]
b.data.completions += [
    {"user": p_exec, "course": "cs-000001", "at": EPOCH, "score": 80},
    {"user": p_mgr, "course": "cs-000001", "at": EPOCH, "score": 60},  # below 70
    {"user": p_rep, "course": "cs-000002", "at": EPOCH, "score": 85},  # below 90
    {"user": p_rep, "course": "cs-000003", "at": EPOCH, "score": 100},  # another vendor
    {"user": p_rep2, "course": "cs-000002", "at": EPOCH, "score": 95},
    {"user": p_rep2, "course": "cs-000001", "at": EPOCH, "score": 80},  # counted once
]


def mdf(partnership: str, status: str, amount: float, n: int) -> dict[str, Any]:
    return {
        "id": f"md-fixed-{n:04d}",
        "campaign": f"Campaign {n}",
        "amount": amount,
        "status": status,
        "requestedAt": EPOCH + timedelta(minutes=n),
        "decidedAt": None if status == "SUBMITTED" else EPOCH + timedelta(days=1),
        "partnership": partnership,
    }


# `main`: approved 2000 + 1000 = 3000 of 10000 → utilisation 0.3, remaining 7000;
# requested 7500, pending 500.
b.data.mdf_requests += [
    mdf(main, "APPROVED", 2000.0, 1),
    mdf(main, "APPROVED", 1000.0, 2),
    mdf(main, "SUBMITTED", 500.0, 3),
    mdf(main, "REJECTED", 4000.0, 4),
]

# Groups `partner` shares to `vendor` through live links under `main`:
# IDENTITY, PROFILE, CONTACT → depth 3 (the revoked FINANCIAL link and the
# vendor's own link to the partner do not count).
b.link(partner, vendor, main, scope=("IDENTITY", "PROFILE"), all_customers=True)
b.link(partner, vendor, main, scope=("PROFILE", "CONTACT"), all_customers=True)
b.link(partner, vendor, main, scope=("FINANCIAL",), all_customers=True, revoked_at=PAST)
b.link(vendor, partner, main, scope=("FINANCIAL",), all_customers=True)

TENURE_DAYS = (datetime.now(UTC) - SINCE).days
