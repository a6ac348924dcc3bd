"""Deterministic synthetic partner graphs at a scale factor (graph-model.md).

``generate(scale, seed)`` returns identical rows for identical arguments, in
any process: one ``random.Random(seed)``, no clock (every time is an offset
from ``EPOCH``, 2026-01-01T00:00:00Z), no iteration over sets. Counts scale
linearly from SF1 (1,000 companies, 5 users each, 3,000 partnerships, 50,000
customers, 150,000 contacts, 5,000 data links, 20,000 opportunities, 200
products, 300 courses) with a floor so that SF0.01 still has every kind of
row; ``scale_counts`` gives them. Ids are ``<prefix>-<number>`` zero-padded to
six digits (``co-000001``); past 999,999 (contacts at SF10) they grow a digit.

Demo identities, the same at every scale and seed (only names and other
details follow the seed):

- Company ``co-00000k`` has five users in this role order: EXECUTIVE, MANAGER,
  MANAGER, REP, ANALYST. So ``co-000001`` has ``us-000001`` EXECUTIVE,
  ``us-000002`` MANAGER, ``us-000003`` MANAGER, ``us-000004`` REP,
  ``us-000005`` ANALYST.
- ``co-000001`` is a hub vendor: vendor in at least max(5, 3% of all
  partnerships) (90 at SF1), each managed by ``us-000002`` or ``us-000003``.
- ``pa-000001``: co-000001 vendor, co-000002 partner, ACTIVE, HIGH, managed by
  us-000002. ``dl-000001``: co-000002 grants co-000001 all four shareable
  groups over some of co-000002's customers (half of them, at most 30).
- ``pa-000002``: co-000001 vendor, co-000003 partner, ACTIVE, MEDIUM, managed
  by us-000002. ``dl-000002``: co-000003 grants IDENTITY, PROFILE, CONTACT over
  all its customers; the default MEDIUM policy lets only IDENTITY and PROFILE
  through.
- ``pa-000003``: co-000001 vendor, co-000004 partner, ACTIVE, LOW, managed by
  us-000003. ``dl-000003``: co-000004 grants IDENTITY, PROFILE over all its
  customers; the default LOW policy grants nothing, so they stay invisible.
- The three demo links are live (never revoked, never expiring), and
  co-000001..co-000004 have no SharingPolicy, so the default tier table holds.
- ``pr-000001`` and ``cs-000001`` belong to co-000001.
- ``co-000005`` has no partnership with co-000001: the demo prospect to recruit.

Invariants the tests check: a pair of companies has at most one partnership
(in either direction); every company owns at least one customer; a data link's
owner and recipient are the two parties of its partnership and it covers only
the owner's customers; no scope or policy contains INTERNAL; about 20% of
customers share their ``domain`` with a customer of another company.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import TypeVar

from graph.generator.model import GraphData, Row
from policy import SHAREABLE_GROUPS, FieldGroup, Role, Tier

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
#: Expired links expire before this; live ones never or from 2030 on.
EXPIRED_BEFORE = datetime(2026, 11, 1, tzinfo=UTC)
LIVE_EXPIRY_FROM = datetime(2030, 1, 1, tzinfo=UTC)

USERS_PER_COMPANY = 5
#: Role of the n-th user of each company (``us-`` numbers 5k-4 .. 5k).
USER_ROLES: tuple[str, ...] = (
    Role.EXECUTIVE.value,
    Role.MANAGER.value,
    Role.MANAGER.value,
    Role.REP.value,
    Role.ANALYST.value,
)
#: In FieldGroup order, so that a scope is always listed the same way.
SHARED_GROUPS: tuple[str, ...] = tuple(g.value for g in FieldGroup if g in SHAREABLE_GROUPS)

# SF1 count and floor per kind; users and sharing policies follow companies.
_SF1: dict[str, tuple[int, int]] = {
    "companies": (1_000, 10),
    "partnerships": (3_000, 30),
    "customers": (50_000, 200),
    "contacts": (150_000, 300),
    "data_links": (5_000, 20),
    "opportunities": (20_000, 50),
    "products": (200, 5),
    "courses": (300, 5),
    "completions": (6_000, 20),
    "mdf_requests": (2_000, 10),
}
_POLICY_SHARE = 0.05
_HUB_SHARE = 0.03
_DEMO_COMPANIES = 4
_DEMO_PROSPECT = 4

# Zipf exponents over a company ranking: who sells to whom is heavily skewed
# (a few hub vendors), who resells less so.
_VENDOR_SKEW = 0.7
_PARTNER_SKEW = 0.4
_OWNER_SKEW = 0.8
# A customer copies an earlier customer's account with this probability; each
# copy marks two records as shared, so about twice this share ends up shared.
_SHARED_ACCOUNT_P = 0.11

_TIERS = (Tier.LOW.value, Tier.MEDIUM.value, Tier.HIGH.value)
_TIER_WEIGHTS = (40, 35, 25)
_STATUSES = ("ACTIVE", "PROSPECT", "ONBOARDING", "SUSPENDED", "ENDED")
_STATUS_WEIGHTS = (70, 8, 8, 6, 8)
#: Partnerships that were active at some point: deals, funds, training.
_EVER_ACTIVE = frozenset({"ACTIVE", "SUSPENDED", "ENDED"})
_STRUCTURES = (
    "RESELLER",
    "REFERRAL",
    "DISTRIBUTOR",
    "INTEGRATOR",
    "MSP",
    "TECHNOLOGY",
    "CO_MARKETING",
)
_CURRENCIES = ("USD", "EUR", "GBP")
_CURRENCY_WEIGHTS = (60, 25, 15)
_MDF_BY_TIER = {"LOW": 10_000.0, "MEDIUM": 50_000.0, "HIGH": 200_000.0}

_OPP_STATUSES = ("SUBMITTED", "APPROVED", "REJECTED", "WON", "LOST", "EXPIRED")
_OPP_WEIGHTS = (15, 30, 10, 20, 15, 10)
_OPEN_STAGES = ("DISCOVERY", "PROPOSAL", "NEGOTIATION")
_MDF_STATUSES = ("SUBMITTED", "APPROVED", "REJECTED")
_MDF_WEIGHTS = (25, 60, 15)
_LEVELS = ("BEGINNER", "INTERMEDIATE", "ADVANCED")

# Overrides that change something: wider at LOW, narrower or wider above.
_POLICY_OVERRIDES: tuple[tuple[str, list[str]], ...] = (
    ("LOW", ["IDENTITY"]),
    ("MEDIUM", ["IDENTITY"]),
    ("MEDIUM", ["IDENTITY", "PROFILE", "CONTACT"]),
    ("HIGH", ["IDENTITY", "PROFILE", "CONTACT"]),
    ("HIGH", ["IDENTITY", "PROFILE"]),
)

_INDUSTRIES = (
    "Software",
    "Manufacturing",
    "Healthcare",
    "Financial Services",
    "Retail",
    "Logistics",
    "Energy",
    "Telecommunications",
    "Education",
    "Media",
    "Public Sector",
    "Hospitality",
)
_COUNTRIES = (
    "US", "GB", "DE", "FR", "NL", "SE", "ES", "IT", "CA", "BR",
    "MX", "JP", "SG", "AU", "IN", "ID", "ZA", "AE",
)  # fmt: skip
_REGIONS = ("NA", "EMEA", "APAC", "LATAM")
_REGION_WEIGHTS = (35, 35, 20, 10)
_COMPANY_PREFIXES = (
    "Acme", "Blue", "Bright", "Cedar", "Crest", "Delta", "Ever", "Falcon",
    "Granite", "Harbor", "Iron", "Juniper", "Keystone", "Lumen", "Maple",
    "Nimbus", "Nova", "Oak", "Orion", "Pioneer", "Quartz", "Red", "Silver",
    "Summit", "Terra", "Vertex", "Willow", "Zenith",
)  # fmt: skip
_COMPANY_CORES = (
    "Systems", "Networks", "Labs", "Solutions", "Dynamics", "Works", "Logic",
    "Cloud", "Data", "Soft", "Tech", "Analytics",
)  # fmt: skip
_ACCOUNT_PLACES = (
    "Harborview", "Lakeside", "Riverside", "Hillcrest", "Westfield", "Eastgate",
    "Northpoint", "Southbank", "Greenfield", "Stonebridge", "Brookhaven",
    "Fairview", "Oakridge", "Pinecrest", "Maplewood", "Sunset", "Clearwater",
    "Redwood", "Silverlake", "Kingsbridge", "Bayside", "Highland", "Meadow",
    "Coral", "Sentosa", "Merapi", "Borobudur", "Lombok",
)  # fmt: skip
_ACCOUNT_TRADES = (
    "Logistics", "Retail", "Clinic", "Bank", "Foods", "Motors", "Insurance",
    "Hotels", "Pharma", "Energy", "Telecom", "Airlines", "Textiles", "Steel",
    "Media", "Farms", "Builders", "Outfitters", "Partners", "Holdings",
)  # fmt: skip
_ACCOUNT_FORMS = ("Inc", "Ltd", "GmbH", "SA", "Pte", "Co", "LLC", "BV", "AB", "Tbk")
_FIRST_NAMES = (
    "Ada", "Alan", "Amara", "Ana", "Arjun", "Ayu", "Bima", "Carlos", "Chen",
    "Dewi", "Elena", "Emma", "Fatima", "Grace", "Hana", "Hugo", "Ines", "Ivan",
    "James", "Kenji", "Lars", "Leila", "Lucas", "Maya", "Mei", "Nadia", "Noah",
    "Olga", "Omar", "Priya", "Putri", "Rahul", "Rina", "Sara", "Sofia", "Tomas",
    "Wei", "Yusuf", "Zara", "Zoe",
)  # fmt: skip
_LAST_NAMES = (
    "Andersson", "Bakker", "Costa", "Dubois", "Fischer", "Garcia", "Gunawan",
    "Hartono", "Ito", "Jensen", "Kim", "Kowalski", "Kusuma", "Lee", "Lopez",
    "Martin", "Meyer", "Moreau", "Nakamura", "Nguyen", "Novak", "Okafor",
    "Patel", "Rossi", "Santoso", "Schmidt", "Silva", "Singh", "Smith", "Tanaka",
    "Wang", "Wijaya", "Williams", "Yilmaz",
)  # fmt: skip
_TITLES = (
    "CEO", "CFO", "CTO", "Head of IT", "IT Manager", "Procurement Lead",
    "Operations Director", "Sales Director", "Marketing Manager", "Account Manager",
    "Solutions Architect", "Office Manager",
)  # fmt: skip
_STREETS = ("Main St", "Market St", "Harbour Rd", "Station Rd", "Jl. Sudirman", "Park Ave")
_CITIES = ("Austin", "London", "Berlin", "Paris", "Jakarta", "Singapore", "Sydney", "Toronto")
_MAILBOXES = ("info", "sales", "contact", "hello", "office", "purchasing")
_NOTES = (
    "Renewal due next quarter; champion is the CFO.",
    "Price sensitive; asked twice for a discount.",
    "Expanding to two new sites this year.",
    "Escalated a support case last month.",
    "Strong relationship with the IT team.",
    "Evaluating a competitor's offer.",
)
_PURPOSES = (
    "Joint pipeline review",
    "Co-selling into shared accounts",
    "Renewal coordination",
    "Targeted co-marketing campaign",
    "Support and onboarding handover",
)
_PRODUCT_NOUNS = ("Suite", "Gateway", "Platform", "Agent", "Vault", "Insights", "Connect")
_COURSE_TOPICS = (
    "Sales Foundations",
    "Technical Deployment",
    "Solution Design",
    "Support Essentials",
    "Co-marketing Playbook",
)
_CAMPAIGNS = ("Webinar series", "Trade show booth", "Email nurture", "Customer event", "Ads")
_DESCRIPTIONS = (
    "Serves mid-market and enterprise customers.",
    "Known for fast implementations.",
    "Focused on regulated industries.",
    "Grows mostly through channel partners.",
)

_T = TypeVar("_T")


def scale_counts(scale: float) -> dict[str, int]:
    """Rows per ``GraphData`` field at a scale factor: ``max(floor, round(sf1 * scale))``.

    ``completions`` is a ceiling: it is capped by the (user, course) pairs that
    partnerships make eligible, which at the smallest scales can be fewer.
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    counts = {name: max(floor, round(sf1 * scale)) for name, (sf1, floor) in _SF1.items()}
    companies = counts["companies"]
    return {
        "companies": companies,
        "users": USERS_PER_COMPANY * companies,
        **{name: n for name, n in counts.items() if name != "companies"},
        "sharing_policies": max(1, round(_POLICY_SHARE * companies)),
    }


def generate(scale: float, seed: int = 42) -> GraphData:
    """The graph at ``scale`` (1.0 is SF1) for ``seed``; see the module docstring."""
    return _Builder(scale_counts(scale), random.Random(seed)).build()


def _id(prefix: str, index: int) -> str:
    """Zero-based index to a one-based id."""
    return f"{prefix}-{index + 1:06d}"


def _user_id(company: int, slot: int) -> str:
    return _id("us", company * USERS_PER_COMPANY + slot)


def _zipf(n: int, skew: float) -> list[float]:
    """Cumulative weights of ranks 1..n, for ``Random.choices(cum_weights=...)``."""
    return list(accumulate(1.0 / (rank**skew) for rank in range(1, n + 1)))


class _Builder:
    def __init__(self, counts: dict[str, int], rng: random.Random) -> None:
        self.counts = counts
        self.rng = rng
        self.data = GraphData()
        self.n = counts["companies"]
        # Indices into data.customers, courses and products by owning company.
        self.customers_of: list[list[int]] = [[] for _ in range(self.n)]
        self.courses_of: list[list[int]] = [[] for _ in range(self.n)]
        self.products_of: list[list[int]] = [[] for _ in range(self.n)]
        # Company index per partnership: (vendor, partner).
        self.parties: list[tuple[int, int]] = []

    def build(self) -> GraphData:
        self.companies()
        self.users()
        self.partnerships()
        self.customers()
        self.contacts()
        self.products()
        self.courses()
        self.data_links()
        self.opportunities()
        self.completions()
        self.mdf_requests()
        self.sharing_policies()
        return self.data

    # -- helpers -----------------------------------------------------------

    def ago(self, min_days: int, max_days: int) -> datetime:
        return EPOCH - timedelta(seconds=self.rng.randrange(min_days * 86_400, max_days * 86_400))

    def between(self, start: datetime, end: datetime) -> datetime:
        span = int((end - start).total_seconds())
        return start + timedelta(seconds=self.rng.randrange(span)) if span > 0 else start

    def pick(self, items: Sequence[_T], weights: Sequence[float]) -> _T:
        return self.rng.choices(items, weights)[0]

    def person(self) -> tuple[str, str]:
        first = self.rng.choice(_FIRST_NAMES)
        last = self.rng.choice(_LAST_NAMES)
        return f"{first} {last}", f"{first}.{last}".lower()

    def phone(self) -> str:
        return f"+{self.rng.randrange(1, 99)} {self.rng.randrange(10**8, 10**9)}"

    def window(self, partnership: Row) -> tuple[datetime, datetime]:
        """When something could happen inside a partnership."""
        end: datetime = partnership.get("endedAt") or EPOCH
        return partnership["since"], end

    # -- nodes -------------------------------------------------------------

    def companies(self) -> None:
        rng = self.rng
        taken: set[str] = set()
        for i in range(self.n):
            prefix = rng.choice(_COMPANY_PREFIXES)
            core = rng.choice(_COMPANY_CORES)
            name = f"{prefix} {core}"
            if name in taken:
                name = f"{name} {i + 1}"
            taken.add(name)
            industry = rng.choice(_INDUSTRIES)
            self.data.companies.append(
                {
                    "id": _id("co", i),
                    "name": name,
                    "domain": f"{prefix}{core}-{i + 1}.example".lower(),
                    "industry": industry,
                    "country": rng.choice(_COUNTRIES),
                    "employees": int(10 ** rng.uniform(1, 4.7)),
                    "description": f"{industry} company. {rng.choice(_DESCRIPTIONS)}",
                    "createdAt": self.ago(365, 3_650),
                }
            )

    def users(self) -> None:
        for c, company in enumerate(self.data.companies):
            locals_: set[str] = set()
            for slot, role in enumerate(USER_ROLES):
                name, local = self.person()
                if local in locals_:
                    local = f"{local}{slot + 1}"
                locals_.add(local)
                self.data.users.append(
                    {
                        "id": _user_id(c, slot),
                        "name": name,
                        "email": f"{local}@{company['domain']}",
                        "role": role,
                        "company": company["id"],
                    }
                )

    def partnerships(self) -> None:
        rng, n = self.rng, self.n
        total = self.counts["partnerships"]
        # A pair of companies has at most one partnership, in either direction.
        linked: list[set[int]] = [set() for _ in range(n)]
        vendor_cw = _zipf(n, _VENDOR_SKEW)
        partner_rank = list(range(n))
        rng.shuffle(partner_rank)
        partner_cw = _zipf(n, _PARTNER_SKEW)
        companies = range(n)

        def partner_for(vendor: int) -> int:
            for _ in range(20):
                p = partner_rank[rng.choices(companies, cum_weights=partner_cw)[0]]
                if p != vendor and p not in linked[vendor]:
                    return p
            # Only for a vendor already partnered with most companies.
            return rng.choice([p for p in companies if p != vendor and p not in linked[vendor]])

        # The demo partnerships, then the hub floor of co-000001, then the rest.
        plan: list[tuple[int, int, str | None]] = [(0, 1, "HIGH"), (0, 2, "MEDIUM"), (0, 3, "LOW")]
        # co-000005 is co-000001's demo prospect: never partnered, so recruiting it works.
        for v, p in [(v, p) for v, p, _ in plan] + [(0, _DEMO_PROSPECT)]:
            linked[v].add(p)
            linked[p].add(v)
        hub_floor = min(n - 2, max(5, round(_HUB_SHARE * total)))
        while len(plan) < total:
            if len(plan) < hub_floor:
                vendor = 0
            else:
                vendor = rng.choices(companies, cum_weights=vendor_cw)[0]
                if len(linked[vendor]) >= n - 1:
                    continue
            partner = partner_for(vendor)
            linked[vendor].add(partner)
            linked[partner].add(vendor)
            plan.append((vendor, partner, None))

        for i, (vendor, partner, demo_tier) in enumerate(plan):
            self.parties.append((vendor, partner))
            if demo_tier is not None:
                tier, status = demo_tier, "ACTIVE"
                managers = [_user_id(0, 2 if demo_tier == "LOW" else 1)]
            else:
                tier = self.pick(_TIERS, _TIER_WEIGHTS)
                status = self.pick(_STATUSES, _STATUS_WEIGHTS)
                managers = [_user_id(vendor, rng.choice((1, 2)))]
                if rng.random() < 0.3:
                    managers.append(_user_id(partner, rng.choice((1, 2))))
            founded = max(
                self.data.companies[vendor]["createdAt"], self.data.companies[partner]["createdAt"]
            )
            since = self.between(founded, EPOCH - timedelta(days=30))
            self.data.partnerships.append(
                {
                    "id": _id("pa", i),
                    "tier": tier,
                    "structure": rng.choice(_STRUCTURES),
                    "status": status,
                    "since": since,
                    "endedAt": self.between(since, EPOCH) if status == "ENDED" else None,
                    "currency": self.pick(_CURRENCIES, _CURRENCY_WEIGHTS),
                    "revenueSharePct": round(rng.uniform(5, 40), 1),
                    "mdfBudget": round(_MDF_BY_TIER[tier] * rng.uniform(0.2, 1.5), -2),
                    "vendor": _id("co", vendor),
                    "partner": _id("co", partner),
                    "managers": managers,
                    # Both companies consented (docs/consent.md), so the demo's
                    # partnerships move through their lifecycle as they did.
                    "vendorAcceptedAt": since,
                    "partnerAcceptedAt": since,
                }
            )

    def customers(self) -> None:
        rng, n = self.rng, self.n
        total = self.counts["customers"]
        # Every company owns one customer first (links and deals need some),
        # then ownership follows the vendor ranking: hubs hold many accounts.
        owners = list(range(min(n, total)))
        owners += rng.choices(range(n), cum_weights=_zipf(n, _OWNER_SKEW), k=total - len(owners))
        held: set[tuple[int, str]] = set()
        rows = self.data.customers
        for i, owner in enumerate(owners):
            account: Row | None = None
            if rows and rng.random() < _SHARED_ACCOUNT_P:
                source = rows[rng.randrange(len(rows))]
                # Held by another company: the same owner never records it twice.
                if (owner, source["domain"]) not in held:
                    account = source
            if account is None:
                place, trade = rng.choice(_ACCOUNT_PLACES), rng.choice(_ACCOUNT_TRADES)
                employees = int(10 ** rng.uniform(0.7, 5))
                name = f"{place} {trade} {rng.choice(_ACCOUNT_FORMS)}"
                domain = f"{place}-{trade}-{i + 1}.example".lower()
                industry = rng.choice(_INDUSTRIES)
                region = self.pick(_REGIONS, _REGION_WEIGHTS)
            else:
                # The same real account as another company records it.
                name, domain = account["name"], account["domain"]
                industry, region = account["industry"], account["region"]
                employees = account["employees"]
            held.add((owner, domain))
            segment = "SMB" if employees < 200 else "MID" if employees < 2_000 else "ENTERPRISE"
            street = f"{rng.randrange(1, 999)} {rng.choice(_STREETS)}"
            self.customers_of[owner].append(i)
            rows.append(
                {
                    "id": _id("cu", i),
                    "name": name,
                    "domain": domain,
                    "industry": industry,
                    "region": region,
                    "segment": segment,
                    "employees": employees,
                    "email": f"{rng.choice(_MAILBOXES)}@{domain}",
                    "phone": self.phone(),
                    "address": f"{street}, {rng.choice(_CITIES)}",
                    "annualRevenue": round(employees * rng.uniform(50_000, 400_000), -3),
                    "notes": rng.choice(_NOTES),
                    "createdAt": self.between(self.data.companies[owner]["createdAt"], EPOCH),
                    "owner": _id("co", owner),
                }
            )

    def contacts(self) -> None:
        rng = self.rng
        customers, companies = self.data.customers, self.data.companies
        for i in range(self.counts["contacts"]):
            # Two in three contacts work at a customer, the others at a company.
            if rng.random() < 2 / 3:
                employer = customers[rng.randrange(len(customers))]
                key = "customer"
            else:
                employer = companies[rng.randrange(len(companies))]
                key = "company"
            name, local = self.person()
            self.data.contacts.append(
                {
                    "id": _id("ct", i),
                    "name": name,
                    "email": f"{local}@{employer['domain']}",
                    "phone": self.phone(),
                    "title": rng.choice(_TITLES),
                    key: employer["id"],
                }
            )

    def vendors(self, k: int) -> list[int]:
        """``k`` companies that sell or train, the first co-000001.

        Weighted by how many partnerships a company is the vendor in, so that
        products and courses belong to vendors that have partners to use them.
        """
        weights = [0] * self.n
        for vendor, _ in self.parties:
            weights[vendor] += 1
        return [0, *self.rng.choices(range(self.n), weights, k=k - 1)]

    def products(self) -> None:
        rng = self.rng
        for i, vendor in enumerate(self.vendors(self.counts["products"])):
            noun = rng.choice(_PRODUCT_NOUNS)
            company = self.data.companies[vendor]
            self.products_of[vendor].append(i)
            self.data.products.append(
                {
                    "id": _id("pr", i),
                    "sku": f"SKU-{i + 1:06d}",
                    "name": f"{company['name']} {noun}",
                    "description": f"{noun} for {rng.choice(_INDUSTRIES).lower()} teams.",
                    "listPrice": round(rng.lognormvariate(8, 1), 2),
                    "currency": self.pick(_CURRENCIES, _CURRENCY_WEIGHTS),
                    "vendor": company["id"],
                }
            )

    def courses(self) -> None:
        rng = self.rng
        for i, vendor in enumerate(self.vendors(self.counts["courses"])):
            level = rng.choice(_LEVELS)
            self.courses_of[vendor].append(i)
            self.data.courses.append(
                {
                    "id": _id("cs", i),
                    "title": f"{rng.choice(_COURSE_TOPICS)} ({level.title()})",
                    "level": level,
                    "vendor": _id("co", vendor),
                }
            )

    # -- rows that live inside partnerships ---------------------------------

    def data_links(self) -> None:
        rng = self.rng
        # The demo links: each demo partner grants co-000001 (see the docstring).
        high = self.customers_of[self.parties[0][1]]
        self.link(0, False, SHARED_GROUPS, rng.sample(high, min(30, max(1, len(high) // 2))))
        self.link(1, False, SHARED_GROUPS[:3], None)
        self.link(2, False, SHARED_GROUPS[:2], None)
        while len(self.data.data_links) < self.counts["data_links"]:
            p, owner_is_vendor = rng.randrange(len(self.parties)), rng.random() < 0.5
            mask = rng.randrange(1, 2 ** len(SHARED_GROUPS))
            scope = [g for b, g in enumerate(SHARED_GROUPS) if mask >> b & 1]
            owned = self.customers_of[self.parties[p][0 if owner_is_vendor else 1]]
            covers = None
            if rng.random() >= 0.25:
                covers = rng.sample(owned, min(len(owned), rng.randint(1, 30)))
            self.link(p, owner_is_vendor, scope, covers, live=False)

    def link(
        self,
        p: int,
        owner_is_vendor: bool,
        scope: Sequence[str],
        covers: list[int] | None,
        *,
        live: bool = True,
    ) -> None:
        """A data link under partnership ``p``; ``covers=None`` means all customers.

        Unless ``live``, one in ten has expired and one in ten was revoked.
        """
        rng = self.rng
        vendor, partner = self.parties[p]
        owner, recipient = (vendor, partner) if owner_is_vendor else (partner, vendor)
        partnership = self.data.partnerships[p]
        created = self.between(*self.window(partnership))
        expires: datetime | None = None
        revoked: datetime | None = None
        if not live:
            state = rng.random()
            if state < 0.1:
                expires = self.between(created + timedelta(days=1), EXPIRED_BEFORE)
            else:
                if state < 0.2:
                    revoked = self.between(created, EPOCH)
                if rng.random() < 0.5:
                    expires = LIVE_EXPIRY_FROM + timedelta(days=rng.randrange(730))
        self.data.data_links.append(
            {
                "id": _id("dl", len(self.data.data_links)),
                "scope": list(scope),
                "allCustomers": covers is None,
                # What the owner accepted (docs/consent.md): a generated link was
                # granted by its owner, so its ceiling is its scope.
                "ceiling": list(scope),
                "ceilingAllCustomers": covers is None,
                "purpose": rng.choice(_PURPOSES),
                "createdAt": created,
                "expiresAt": expires,
                "revokedAt": revoked,
                "owner": _id("co", owner),
                "recipient": _id("co", recipient),
                "partnership": partnership["id"],
                "covers": [_id("cu", c) for c in sorted(covers or [])],
            }
        )

    def ever_active(self) -> list[int]:
        return [p for p, row in enumerate(self.data.partnerships) if row["status"] in _EVER_ACTIVE]

    def opportunities(self) -> None:
        rng = self.rng
        eligible = self.ever_active()
        customers = self.data.customers
        for i in range(self.counts["opportunities"]):
            p = rng.choice(eligible)
            partnership = self.data.partnerships[p]
            vendor, partner = self.parties[p]
            customer = customers[rng.choice(self.customers_of[partner])]
            start, end = self.window(partnership)
            status = self.pick(_OPP_STATUSES, _OPP_WEIGHTS)
            if partnership["status"] == "ENDED" and status in ("SUBMITTED", "APPROVED"):
                status = "EXPIRED"
            closed: datetime | None = None
            if status in ("SUBMITTED", "APPROVED"):
                registered = self.between(max(start, EPOCH - timedelta(days=120)), EPOCH)
                expires = registered + timedelta(days=540)
                stage = "QUALIFICATION" if status == "SUBMITTED" else rng.choice(_OPEN_STAGES)
            else:
                registered = self.between(start, end)
                expires = registered + timedelta(days=180)
                stage = "QUALIFICATION" if status == "REJECTED" else rng.choice(_OPEN_STAGES)
                if status in ("WON", "LOST"):
                    closed = self.between(registered, min(expires, EPOCH))
                    stage = "CLOSED"
            product: Row | None = None
            if self.products_of[vendor] and rng.random() < 0.7:
                product = self.data.products[rng.choice(self.products_of[vendor])]
            structure = partnership["structure"].replace("_", "-").title()
            what = product["name"] if product else f"{structure} deal"
            # Reps register most deals, channel managers the rest.
            slot = rng.choice((3, 3, 3, 1, 2))
            self.data.opportunities.append(
                {
                    "id": _id("op", i),
                    "title": f"{customer['name']}: {what}",
                    "amount": round(rng.lognormvariate(10, 1), 2),
                    "currency": partnership["currency"],
                    "stage": stage,
                    "status": status,
                    "registeredAt": registered,
                    "expiresAt": expires,
                    "closedAt": closed,
                    "company": _id("co", partner),
                    "customer": customer["id"],
                    "user": _user_id(partner, slot),
                    "partnership": partnership["id"],
                    "product": product["id"] if product else None,
                }
            )

    def completions(self) -> None:
        """Users of a partner take courses of its vendor; each (user, course) once.

        A pair of companies has one partnership, so the candidates are distinct.
        """
        rng = self.rng
        pairs: list[tuple[int, int, int]] = []
        for p in self.ever_active():
            vendor, partner = self.parties[p]
            pairs.extend((p, partner, course) for course in self.courses_of[vendor])
        # Candidate ``c`` is user slot ``c % 5`` of pair ``c // 5``.
        candidates = len(pairs) * USERS_PER_COMPANY
        picked = rng.sample(range(candidates), min(self.counts["completions"], candidates))
        for c in sorted(picked):
            p, partner, course = pairs[c // USERS_PER_COMPANY]
            slot = c % USERS_PER_COMPANY
            start, end = self.window(self.data.partnerships[p])
            self.data.completions.append(
                {
                    "user": _user_id(partner, slot),
                    "course": _id("cs", course),
                    "at": self.between(start, end),
                    "score": min(100, max(0, round(rng.gauss(78, 12)))),
                }
            )

    def mdf_requests(self) -> None:
        rng = self.rng
        eligible = self.ever_active()
        for i in range(self.counts["mdf_requests"]):
            partnership = self.data.partnerships[rng.choice(eligible)]
            requested = self.between(*self.window(partnership))
            status = self.pick(_MDF_STATUSES, _MDF_WEIGHTS)
            decided = None if status == "SUBMITTED" else self.between(requested, EPOCH)
            quarter = f"Q{(requested.month - 1) // 3 + 1} {requested.year}"
            self.data.mdf_requests.append(
                {
                    "id": _id("md", i),
                    "campaign": f"{rng.choice(_CAMPAIGNS)} {quarter}",
                    "amount": round(partnership["mdfBudget"] * rng.uniform(0.05, 0.5), 2),
                    "status": status,
                    "requestedAt": requested,
                    "decidedAt": decided,
                    "partnership": partnership["id"],
                }
            )

    def sharing_policies(self) -> None:
        # Demo companies keep the default table, so the docstring's promises hold.
        others = range(_DEMO_COMPANIES, self.n)
        chosen = self.rng.sample(others, min(len(others), self.counts["sharing_policies"]))
        for i, company in enumerate(sorted(chosen)):
            tier, groups = self.rng.choice(_POLICY_OVERRIDES)
            self.data.sharing_policies.append(
                {
                    "id": _id("sp", i),
                    "tier": tier,
                    "groups": list(groups),
                    "company": _id("co", company),
                }
            )
