"""Hypothesis strategies for small random partner graphs."""

from __future__ import annotations

from itertools import permutations

from hypothesis import strategies as st

from tests.support.builder import FUTURE, PAST, Builder

TIERS = ("LOW", "MEDIUM", "HIGH")
STATUSES = ("ACTIVE", "ACTIVE", "ACTIVE", "SUSPENDED", "ENDED", "PROSPECT")
GROUPS = ("IDENTITY", "PROFILE", "CONTACT", "FINANCIAL")
ROLES = ("EXECUTIVE", "MANAGER", "REP", "ANALYST")


@st.composite
def partner_graphs(draw: st.DrawFn) -> Builder:
    b = Builder()
    companies = [b.company() for _ in range(draw(st.integers(2, 5)))]
    for company in companies:
        for role in draw(st.lists(st.sampled_from(ROLES), min_size=1, max_size=3, unique=True)):
            b.user(company, role)
    customers = {c: [b.customer(c) for _ in range(draw(st.integers(0, 4)))] for c in companies}
    pairs = draw(
        st.lists(st.sampled_from(list(permutations(companies, 2))), max_size=6, unique=True)
    )
    partnerships: list[tuple[str, str, str]] = []
    for vendor, partner in pairs:
        if any({vendor, partner} == {v, p} for v, p, _ in partnerships):
            continue  # one partnership per pair of companies
        managers = [
            u["id"]
            for u in b.data.users
            if u["company"] in (vendor, partner) and u["role"] == "MANAGER" and draw(st.booleans())
        ]
        pid = b.partnership(
            vendor,
            partner,
            tier=draw(st.sampled_from(TIERS)),
            status=draw(st.sampled_from(STATUSES)),
            managers=tuple(managers),
        )
        partnerships.append((vendor, partner, pid))
    for vendor, partner, pid in partnerships:
        for _ in range(draw(st.integers(0, 2))):
            owner, recipient = (vendor, partner) if draw(st.booleans()) else (partner, vendor)
            owned = customers[owner]
            all_customers = draw(st.booleans()) if owned else True
            covers = (
                ()
                if all_customers
                else tuple(draw(st.lists(st.sampled_from(owned), min_size=1, unique=True)))
            )
            b.link(
                owner,
                recipient,
                pid,
                scope=tuple(draw(st.lists(st.sampled_from(GROUPS), min_size=1, unique=True))),
                covers=covers,
                all_customers=all_customers,
                expires_at=draw(st.sampled_from([None, None, PAST, FUTURE])),
                revoked_at=draw(st.sampled_from([None, None, None, PAST])),
            )
    # A link filed under a partnership of two other companies grants nothing.
    if len(companies) >= 3 and partnerships and draw(st.booleans()):
        vendor, partner, pid = partnerships[0]
        outsider = next(c for c in companies if c not in (vendor, partner))
        b.link(vendor, outsider, pid, covers=(), all_customers=True)
    for company in companies:
        if draw(st.integers(0, 3)) == 0:
            groups = draw(st.lists(st.sampled_from((*GROUPS, "INTERNAL")), unique=True))
            b.sharing_policy(company, draw(st.sampled_from(TIERS)), tuple(groups))
    return b


DEAL_STATUSES = ("SUBMITTED", "APPROVED", "REJECTED", "WON", "LOST", "EXPIRED")


@st.composite
def deal_graphs(draw: st.DrawFn) -> Builder:
    """A random partner graph with deals registered by partners under its partnerships."""
    b = draw(partner_graphs())
    for partnership in list(b.data.partnerships):
        partner = partnership["partner"]
        owned = [c["id"] for c in b.data.customers if c["owner"] == partner]
        users = [u["id"] for u in b.data.users if u["company"] == partner]
        if not owned:
            continue
        for _ in range(draw(st.integers(0, 3))):
            b.opportunity(
                partnership["id"],
                draw(st.sampled_from(owned)),
                draw(st.sampled_from(users)),
                status=draw(st.sampled_from(DEAL_STATUSES)),
                expires_at=draw(st.sampled_from([None, PAST, FUTURE, FUTURE])),
            )
    return b
