"""Hypothesis strategies for small random partner graphs."""

from __future__ import annotations

from datetime import timedelta
from itertools import permutations
from typing import Any

from hypothesis import strategies as st

from tests.support.builder import FUTURE, NOW, PAST, Builder

TIERS = ("LOW", "MEDIUM", "HIGH")
STATUSES = ("ACTIVE", "ACTIVE", "ACTIVE", "SUSPENDED", "ENDED", "PROSPECT")
GROUPS = ("IDENTITY", "PROFILE", "CONTACT", "FINANCIAL")
ROLES = ("EXECUTIVE", "MANAGER", "REP", "ANALYST")


#: Accounts several companies hold (account overlap); records spell them differently.
ACCOUNT_DOMAINS = ("acme.example", "globex.example", "initech.example", "hooli.example")
#: Around a domain: ASCII white space, and a no-break space (a paste from a web page).
DOMAIN_PADDING = ("", "", " ", "\t", "\u00a0")


@st.composite
def account_props(draw: st.DrawFn) -> dict[str, object]:
    """A customer record's domain, industry and region, drawn so that companies share
    accounts: one of a few domains in any case and padding, sometimes none at all."""
    domain: str | None = draw(st.sampled_from((*ACCOUNT_DOMAINS, *ACCOUNT_DOMAINS, None, "", " ")))
    if domain and domain.strip():
        domain = draw(st.sampled_from((domain, domain.upper(), domain.title())))
        domain = (
            draw(st.sampled_from(DOMAIN_PADDING)) + domain + draw(st.sampled_from(DOMAIN_PADDING))
        )
    return {
        "domain": domain,
        "industry": draw(st.sampled_from(("Retail", "Retail", "Retail", "Banking", None))),
        "region": draw(st.sampled_from(("EMEA", "EMEA", "NA", None))),
    }


@st.composite
def partner_graphs(draw: st.DrawFn, shared_accounts: bool = False) -> Builder:
    """With ``shared_accounts``, customers get their domains from ``account_props`` (and a
    company up to eight), so companies hold the same accounts, and each partnership up
    to two more live links, with or without IDENTITY, so a partner's records are often
    read, and sometimes without their identity."""
    b = Builder()
    companies = [b.company() for _ in range(draw(st.integers(2, 5)))]
    for company in companies:
        for role in draw(st.lists(st.sampled_from(ROLES), min_size=1, max_size=3, unique=True)):
            b.user(company, role)
    if shared_accounts:
        customers = {
            c: [b.customer(c, **draw(account_props())) for _ in range(draw(st.integers(0, 8)))]
            for c in companies
        }
    else:
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
                **draw(consent_ceilings()),
                expires_at=draw(st.sampled_from([None, None, PAST, FUTURE])),
                revoked_at=draw(st.sampled_from([None, None, None, PAST])),
            )
    for vendor, partner, pid in partnerships if shared_accounts else ():
        for _ in range(draw(st.integers(0, 2))):
            owner, recipient = (vendor, partner) if draw(st.booleans()) else (partner, vendor)
            owned = customers[owner]
            covers = tuple(draw(st.lists(st.sampled_from(owned), unique=True))) if owned else ()
            others = draw(st.lists(st.sampled_from(GROUPS[1:]), min_size=1, unique=True))
            scope = ("IDENTITY", *others) if draw(st.booleans()) else tuple(others)
            b.link(owner, recipient, pid, scope=scope, covers=covers, all_customers=not covers)
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


@st.composite
def consent_ceilings(draw: st.DrawFn) -> dict[str, Any]:
    """What an owner accepted for a link: mostly its scope (as granted or migrated),
    else any set of groups, or none ever recorded, so the fuzz tests the ceiling."""
    kind = draw(st.sampled_from(("scope", "scope", "groups", "none")))
    ceiling: Any = True
    if kind == "groups":
        ceiling = tuple(draw(st.lists(st.sampled_from(GROUPS), unique=True)))
    elif kind == "none":
        ceiling = None
    return {"ceiling": ceiling, "ceiling_all": draw(st.sampled_from((None, None, True, False)))}


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
                # held for the vendor's review (issue #11), or not, or written before
                # the flag existed
                conflict=draw(st.sampled_from([None, False, True])),
                expires_at=draw(st.sampled_from([None, PAST, FUTURE, FUTURE])),
            )
    return b


# -- every figure (tests/db/test_figures_against_reference.py) ----------------

STRUCTURES = ("RESELLER", "REFERRAL", "TECHNOLOGY")
CURRENCIES = ("EUR", "USD")
#: Far from the 90- and 180-day edges of the default atRisk window, so that a few
#: minutes between drawing and asking change nothing.
DEAL_AGES = (10, 45, 120, 300)
SINCE_AGES = (30, 200, 400)
LINK_AGES = (5, 340)
MDF_AGES = (10, 200)
NEAR = NOW + timedelta(days=10)


@st.composite
def figure_graphs(draw: st.DrawFn) -> Builder:
    """Partner graphs with everything a figure counts: accounts several companies hold,
    partnerships of every tier and status (sometimes two between the same companies,
    one each way), live, expiring, expired and revoked links either way, deals of every
    status and age (some registered by the vendor or by a third company, which the
    partner's lists hide), MDF requests, courses and completions, contacts, products."""
    b = Builder()
    companies = [b.company() for _ in range(draw(st.integers(2, 5)))]
    for company in companies:
        for role in draw(st.lists(st.sampled_from(ROLES), min_size=1, max_size=4, unique=True)):
            b.user(company, role)
    owned = {
        c: [b.customer(c, **draw(account_props())) for _ in range(draw(st.integers(0, 5)))]
        for c in companies
    }
    pairs = draw(
        st.lists(st.sampled_from(list(permutations(companies, 2))), max_size=7, unique=True)
    )
    partnerships: list[tuple[str, str, str]] = []
    for vendor, partner in pairs:
        managers = [
            u["id"]
            for u in b.data.users
            if u["company"] in (vendor, partner) and u["role"] == "MANAGER" and draw(st.booleans())
        ]
        since = NOW - timedelta(days=draw(st.sampled_from(SINCE_AGES)))
        pid = b.partnership(
            vendor,
            partner,
            tier=draw(st.sampled_from(TIERS)),
            status=draw(st.sampled_from(STATUSES)),
            managers=tuple(managers),
            structure=draw(st.sampled_from(STRUCTURES)),
            currency=draw(st.sampled_from(CURRENCIES)),
            mdfBudget=draw(st.sampled_from((None, 0.0, 5000.0))),
            since=since,
        )
        partnerships.append((vendor, partner, pid))
    users_of = {c: [u["id"] for u in b.data.users if u["company"] == c] for c in companies}
    all_customers = [c["id"] for c in b.data.customers]
    for vendor, partner, pid in partnerships:
        for _ in range(draw(st.integers(0, 3))):
            owner, recipient = (vendor, partner) if draw(st.booleans()) else (partner, vendor)
            outsiders = [c for c in companies if c not in (vendor, partner)]
            if outsiders and draw(st.integers(0, 5)) == 0:  # filed for a third company
                recipient = draw(st.sampled_from(outsiders))
            covered = (
                draw(st.lists(st.sampled_from(owned[owner]), unique=True)) if owned[owner] else []
            )
            b.link(
                owner,
                recipient,
                pid,
                scope=tuple(draw(st.lists(st.sampled_from(GROUPS), min_size=1, unique=True))),
                covers=tuple(covered),
                all_customers=not covered and draw(st.booleans()),
                **draw(consent_ceilings()),
                expires_at=draw(st.sampled_from([None, None, PAST, NEAR, FUTURE])),
                revoked_at=draw(st.sampled_from([None, None, None, PAST])),
            )
            b.data.data_links[-1]["createdAt"] = NOW - timedelta(
                days=draw(st.sampled_from(LINK_AGES))
            )
        for _ in range(draw(st.integers(0, 3)) if all_customers else 0):
            # Mostly the partner registers; sometimes the vendor or a third company.
            registrant = draw(st.sampled_from((partner, partner, partner, vendor, *companies)))
            status = draw(st.sampled_from(DEAL_STATUSES))
            registered = NOW - timedelta(days=draw(st.sampled_from(DEAL_AGES)))
            closed = (
                registered + timedelta(days=draw(st.sampled_from((5, 20))))
                if status in ("WON", "LOST") and draw(st.integers(0, 3))
                else None
            )
            b.opportunity(
                pid,
                draw(st.sampled_from(all_customers)),
                draw(st.sampled_from(users_of[registrant])),
                status=status,
                expires_at=draw(st.sampled_from([None, PAST, FUTURE, FUTURE])),
                company=registrant,
                amount=draw(st.sampled_from((500.0, 1000.0, 2500.0))),
                currency=draw(st.sampled_from(CURRENCIES)),
                registeredAt=registered,
                closedAt=closed,
            )
        for _ in range(draw(st.integers(0, 2))):
            status = draw(st.sampled_from(("SUBMITTED", "APPROVED", "APPROVED", "REJECTED")))
            b.data.mdf_requests.append(
                {
                    "id": f"md-{len(b.data.mdf_requests) + 1:06d}",
                    "campaign": "Campaign",
                    "amount": draw(st.sampled_from((250.0, 1000.0))),
                    "status": status,
                    "requestedAt": NOW - timedelta(days=draw(st.sampled_from(MDF_AGES))),
                    "decidedAt": None if status == "SUBMITTED" else PAST,
                    "partnership": pid,
                }
            )
    for company in companies:
        for _ in range(draw(st.integers(0, 2))):
            b.course(company, passingScore=draw(st.sampled_from((None, 80))))
        for _ in range(draw(st.integers(0, 2))):
            b.contact(company=company)
        for _ in range(draw(st.integers(0, 1))):
            b.product(company)
    for course in b.data.courses:
        for user in draw(st.lists(st.sampled_from([u["id"] for u in b.data.users]), unique=True)):
            b.completion(user, course["id"], draw(st.sampled_from((50, 70, 75, 85, 100))))
    for company in companies:
        if draw(st.integers(0, 3)) == 0:
            groups = draw(st.lists(st.sampled_from((*GROUPS, "INTERNAL")), unique=True))
            b.sharing_policy(company, draw(st.sampled_from(TIERS)), tuple(groups))
    return b
