"""Hypothesis strategies for small random partner graphs."""

from __future__ import annotations

from itertools import permutations

from hypothesis import strategies as st

from tests.support.builder import FUTURE, PAST, Builder

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
