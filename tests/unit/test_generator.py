"""The synthetic graph generator: determinism, scale, referential integrity, demo identities."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from graph.generator.model import GraphData, Row
from graph.generator.synthetic import EXPIRED_BEFORE, LIVE_EXPIRY_FROM, generate, scale_counts

ROOT = Path(__file__).resolve().parents[2]
SHAREABLE = {"IDENTITY", "PROFILE", "CONTACT", "FINANCIAL"}
ROLES = ["EXECUTIVE", "MANAGER", "MANAGER", "REP", "ANALYST"]
PREFIXES = {
    "companies": "co",
    "users": "us",
    "partnerships": "pa",
    "customers": "cu",
    "contacts": "ct",
    "data_links": "dl",
    "opportunities": "op",
    "products": "pr",
    "courses": "cs",
    "mdf_requests": "md",
    "sharing_policies": "sp",
}


@pytest.fixture(scope="module")
def small() -> GraphData:
    return generate(0.01)


@pytest.fixture(scope="module")
def medium() -> GraphData:
    return generate(0.1)


@pytest.fixture(scope="module", params=["small", "medium"])
def graph(request: pytest.FixtureRequest) -> GraphData:
    data: GraphData = request.getfixturevalue(request.param)
    return data


def by_id(rows: list[Row]) -> dict[str, Row]:
    return {row["id"]: row for row in rows}


def ids_of(value: object) -> list[str]:
    """A relationship key's value as a list of ids (absent and None give none)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def digest(data: GraphData) -> str:
    return hashlib.sha256(repr(data).encode()).hexdigest()


# -- determinism and scale ---------------------------------------------------


def test_same_scale_and_seed_give_identical_rows() -> None:
    assert generate(0.01, seed=7) == generate(0.01, seed=7)


def test_another_seed_gives_another_graph() -> None:
    assert digest(generate(0.01, seed=1)) != digest(generate(0.01, seed=2))


def test_rows_do_not_depend_on_the_process_hash_seed(small: GraphData) -> None:
    script = (
        "import hashlib; from graph.generator.synthetic import generate; "
        "print(hashlib.sha256(repr(generate(0.01)).encode()).hexdigest())"
    )
    outputs = {
        subprocess.run(  # noqa: S603 -- our own interpreter and a fixed script
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for hash_seed in ("1", "2")
    }
    assert outputs == {digest(small)}


def test_scale_0_01_gives_ten_companies_and_every_kind_of_row(small: GraphData) -> None:
    assert small.counts() == {
        "companies": 10,
        "users": 50,
        "partnerships": 30,
        "customers": 500,
        "contacts": 1_500,
        "data_links": 50,
        "opportunities": 200,
        "products": 5,
        "courses": 5,
        "completions": 60,
        "mdf_requests": 20,
        "sharing_policies": 1,
    }


def test_counts_at_scale_0_1_are_a_tenth_of_sf1(medium: GraphData) -> None:
    sf1 = scale_counts(1.0)
    assert sf1["companies"] == 1_000
    assert sf1["customers"] == 50_000
    assert medium.counts() == {name: round(n / 10) for name, n in sf1.items()}


@pytest.mark.parametrize("scale", [0.0, -1.0])
def test_scale_must_be_positive(scale: float) -> None:
    with pytest.raises(ValueError, match="scale must be positive"):
        generate(scale)


# -- ids and referential integrity --------------------------------------------


@pytest.mark.parametrize(("field", "prefix"), sorted(PREFIXES.items()))
def test_ids_are_unique_and_zero_padded_per_label(
    graph: GraphData, field: str, prefix: str
) -> None:
    ids = [row["id"] for row in getattr(graph, field)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(rf"{prefix}-\d{{6}}", i) for i in ids)
    assert ids[0] == f"{prefix}-000001"


@pytest.mark.parametrize(
    ("field", "key", "target", "required"),
    [
        ("users", "company", "companies", True),
        ("partnerships", "vendor", "companies", True),
        ("partnerships", "partner", "companies", True),
        ("partnerships", "managers", "users", True),
        ("customers", "owner", "companies", True),
        ("contacts", "company", "companies", False),
        ("contacts", "customer", "customers", False),
        ("data_links", "owner", "companies", True),
        ("data_links", "recipient", "companies", True),
        ("data_links", "partnership", "partnerships", True),
        ("data_links", "covers", "customers", False),
        ("opportunities", "company", "companies", True),
        ("opportunities", "customer", "customers", True),
        ("opportunities", "user", "users", True),
        ("opportunities", "partnership", "partnerships", True),
        ("opportunities", "product", "products", False),
        ("products", "vendor", "companies", True),
        ("courses", "vendor", "companies", True),
        ("completions", "user", "users", True),
        ("completions", "course", "courses", True),
        ("mdf_requests", "partnership", "partnerships", True),
        ("sharing_policies", "company", "companies", True),
    ],
)
def test_relationship_ids_point_to_rows_of_the_right_label(
    graph: GraphData, field: str, key: str, target: str, required: bool
) -> None:
    targets = {row["id"] for row in getattr(graph, target)}
    for row in getattr(graph, field):
        ids = ids_of(row.get(key))
        assert set(ids) <= targets, row
        if required:
            assert ids, row


def test_a_contact_works_at_a_company_or_a_customer_never_both(graph: GraphData) -> None:
    assert all(("company" in c) != ("customer" in c) for c in graph.contacts)
    at_customers = sum("customer" in c for c in graph.contacts)
    assert 0.6 < at_customers / len(graph.contacts) < 0.73


# -- companies and users -------------------------------------------------------


def test_company_names_and_domains_are_unique(graph: GraphData) -> None:
    for key in ("name", "domain"):
        values = [c[key] for c in graph.companies]
        assert len(set(values)) == len(values)


def test_each_company_has_an_executive_two_managers_a_rep_and_an_analyst(
    graph: GraphData,
) -> None:
    roles: dict[str, list[str]] = defaultdict(list)
    for user in graph.users:
        roles[user["company"]].append(user["role"])
    assert {c["id"]: ROLES for c in graph.companies} == roles


def test_user_emails_are_at_their_company_domain_and_unique(graph: GraphData) -> None:
    companies = by_id(graph.companies)
    emails = [u["email"] for u in graph.users]
    assert len(set(emails)) == len(emails)
    for user in graph.users:
        local, domain = user["email"].split("@")
        assert domain == companies[user["company"]]["domain"]
        assert "." in local


# -- partnerships ----------------------------------------------------------------


def test_partnership_parties_differ_and_a_pair_has_one_partnership(graph: GraphData) -> None:
    pairs = [frozenset((p["vendor"], p["partner"])) for p in graph.partnerships]
    assert all(len(pair) == 2 for pair in pairs)
    assert len(set(pairs)) == len(pairs)


def test_partnership_managers_are_managers_of_a_party_vendor_first(graph: GraphData) -> None:
    users = by_id(graph.users)
    for p in graph.partnerships:
        assert 1 <= len(p["managers"]) <= 2
        assert users[p["managers"][0]]["company"] == p["vendor"]
        for manager in p["managers"]:
            assert users[manager]["role"] == "MANAGER"
            assert users[manager]["company"] in (p["vendor"], p["partner"])


def test_partnership_only_an_ended_one_has_ended_at(graph: GraphData) -> None:
    for p in graph.partnerships:
        assert (p["endedAt"] is not None) == (p["status"] == "ENDED")
        if p["endedAt"] is not None:
            assert p["since"] <= p["endedAt"]


def test_partnership_values_come_from_the_model_vocabulary(graph: GraphData) -> None:
    for p in graph.partnerships:
        assert p["tier"] in {"LOW", "MEDIUM", "HIGH"}
        assert p["status"] in {"PROSPECT", "ONBOARDING", "ACTIVE", "SUSPENDED", "ENDED"}
        assert p["structure"] in {
            "RESELLER",
            "REFERRAL",
            "DISTRIBUTOR",
            "INTEGRATOR",
            "MSP",
            "TECHNOLOGY",
            "CO_MARKETING",
        }
        assert p["currency"] in {"USD", "EUR", "GBP"}
        assert 5 <= p["revenueSharePct"] <= 40
        assert isinstance(p["mdfBudget"], float)


def test_most_partnerships_are_active(medium: GraphData) -> None:
    statuses = Counter(p["status"] for p in medium.partnerships)
    assert 0.6 < statuses["ACTIVE"] / statuses.total() < 0.8


# -- customers -------------------------------------------------------------------


def test_every_company_owns_a_customer(graph: GraphData) -> None:
    assert {c["owner"] for c in graph.customers} == {c["id"] for c in graph.companies}


def test_about_a_fifth_of_customers_share_a_domain_with_another_company(
    graph: GraphData,
) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for c in graph.customers:
        owners[c["domain"]].add(c["owner"])
    shared = sum(len(owners[c["domain"]]) > 1 for c in graph.customers)
    assert 0.15 < shared / len(graph.customers) < 0.25


def test_a_company_holds_an_account_domain_once(graph: GraphData) -> None:
    held = [(c["owner"], c["domain"]) for c in graph.customers]
    assert len(set(held)) == len(held)


def test_customers_have_every_field_of_the_model(graph: GraphData) -> None:
    fields = {
        "id", "name", "domain", "industry", "region", "segment", "employees", "email",
        "phone", "address", "annualRevenue", "notes", "createdAt", "owner",
    }  # fmt: skip
    for c in graph.customers:
        assert set(c) == fields
        assert c["region"] in {"NA", "EMEA", "APAC", "LATAM"}
        assert c["segment"] in {"SMB", "MID", "ENTERPRISE"}
        assert isinstance(c["annualRevenue"], float)


# -- data links --------------------------------------------------------------------


def test_link_owner_and_recipient_are_the_two_parties_of_its_partnership(
    graph: GraphData,
) -> None:
    partnerships = by_id(graph.partnerships)
    for link in graph.data_links:
        p = partnerships[link["partnership"]]
        assert {link["owner"], link["recipient"]} == {p["vendor"], p["partner"]}


def test_link_covers_only_customers_of_its_owner(graph: GraphData) -> None:
    customers = by_id(graph.customers)
    for link in graph.data_links:
        assert {customers[c]["owner"] for c in link["covers"]} <= {link["owner"]}
        assert len(set(link["covers"])) == len(link["covers"])


def test_link_to_all_customers_lists_none_and_others_list_one_to_thirty(
    graph: GraphData,
) -> None:
    for link in graph.data_links:
        if link["allCustomers"]:
            assert link["covers"] == []
        else:
            assert 1 <= len(link["covers"]) <= 30


def test_link_scope_is_a_non_empty_set_of_shareable_groups_never_internal(
    graph: GraphData,
) -> None:
    for link in graph.data_links:
        assert link["scope"]
        assert len(set(link["scope"])) == len(link["scope"])
        assert set(link["scope"]) <= SHAREABLE


def test_sharing_policies_never_grant_internal(graph: GraphData) -> None:
    assert graph.sharing_policies
    for policy in graph.sharing_policies:
        assert set(policy["groups"]) <= SHAREABLE
        assert policy["tier"] in {"LOW", "MEDIUM", "HIGH"}


def test_link_lifetimes_are_expired_revoked_or_live(medium: GraphData) -> None:
    links = medium.data_links
    expired = [x for x in links if x["expiresAt"] is not None and x["expiresAt"] < EXPIRED_BEFORE]
    revoked = [x for x in links if x["revokedAt"] is not None]
    for link in links:
        assert link["expiresAt"] is None or link["expiresAt"] > link["createdAt"]
        if link not in expired:
            assert link["expiresAt"] is None or link["expiresAt"] >= LIVE_EXPIRY_FROM
    assert 0.05 < len(expired) / len(links) < 0.15
    assert 0.05 < len(revoked) / len(links) < 0.15
    assert 0.15 < sum(x["allCustomers"] for x in links) / len(links) < 0.35


# -- opportunities, products, training -------------------------------------------


def test_opportunity_is_registered_by_the_partner_for_its_own_customer(graph: GraphData) -> None:
    partnerships = by_id(graph.partnerships)
    customers, users, products = by_id(graph.customers), by_id(graph.users), by_id(graph.products)
    for opp in graph.opportunities:
        p = partnerships[opp["partnership"]]
        assert opp["company"] == p["partner"]
        assert customers[opp["customer"]]["owner"] == p["partner"]
        assert users[opp["user"]]["company"] == p["partner"]
        assert users[opp["user"]]["role"] in {"REP", "MANAGER"}
        if opp["product"] is not None:
            assert products[opp["product"]]["vendor"] == p["vendor"]
        assert opp["currency"] == p["currency"]


def test_only_won_and_lost_opportunities_are_closed(graph: GraphData) -> None:
    for opp in graph.opportunities:
        assert opp["status"] in {"SUBMITTED", "APPROVED", "REJECTED", "WON", "LOST", "EXPIRED"}
        assert (opp["closedAt"] is not None) == (opp["status"] in {"WON", "LOST"})
        assert opp["registeredAt"] < opp["expiresAt"]


def test_product_skus_are_unique(graph: GraphData) -> None:
    skus = [p["sku"] for p in graph.products]
    assert len(set(skus)) == len(skus)


def test_users_complete_courses_of_vendors_their_company_partners_with(
    graph: GraphData,
) -> None:
    users, courses = by_id(graph.users), by_id(graph.courses)
    vendors_of = {(p["partner"], p["vendor"]) for p in graph.partnerships}
    pairs = [(c["user"], c["course"]) for c in graph.completions]
    assert len(set(pairs)) == len(pairs)
    for completion in graph.completions:
        partner = users[completion["user"]]["company"]
        assert (partner, courses[completion["course"]]["vendor"]) in vendors_of
        assert 0 <= completion["score"] <= 100


def test_every_time_is_utc_aware(small: GraphData) -> None:
    for rows in vars(small).values():
        for row in rows:
            for value in row.values():
                if isinstance(value, datetime):
                    assert value.tzinfo is UTC


# -- demo identities ---------------------------------------------------------------


def test_demo_company_users_have_documented_roles(graph: GraphData) -> None:
    users = by_id(graph.users)
    for user_id, role in zip(
        ["us-000001", "us-000002", "us-000003", "us-000004", "us-000005"], ROLES, strict=True
    ):
        assert users[user_id]["company"] == "co-000001"
        assert users[user_id]["role"] == role


def test_co_000005_is_never_a_partner_of_co_000001(graph: GraphData) -> None:
    pairs = {frozenset((p["vendor"], p["partner"])) for p in graph.partnerships}
    assert frozenset(("co-000001", "co-000005")) not in pairs


@pytest.mark.parametrize(
    ("partnership", "partner", "tier", "manager"),
    [
        ("pa-000001", "co-000002", "HIGH", "us-000002"),
        ("pa-000002", "co-000003", "MEDIUM", "us-000002"),
        ("pa-000003", "co-000004", "LOW", "us-000003"),
    ],
)
def test_demo_partners_grant_co_000001_a_live_link_under_an_active_partnership(
    graph: GraphData, partnership: str, partner: str, tier: str, manager: str
) -> None:
    p = by_id(graph.partnerships)[partnership]
    assert (p["vendor"], p["partner"], p["tier"], p["status"]) == (
        "co-000001",
        partner,
        tier,
        "ACTIVE",
    )
    assert p["managers"] == [manager]
    links = [
        x
        for x in graph.data_links
        if (x["partnership"], x["owner"], x["recipient"]) == (partnership, partner, "co-000001")
    ]
    assert any(x["expiresAt"] is None and x["revokedAt"] is None for x in links)


def test_demo_links_have_the_documented_scopes(graph: GraphData) -> None:
    links = by_id(graph.data_links)
    high, medium, low = links["dl-000001"], links["dl-000002"], links["dl-000003"]
    assert high["scope"] == ["IDENTITY", "PROFILE", "CONTACT", "FINANCIAL"]
    assert not high["allCustomers"]
    owned = sum(c["owner"] == "co-000002" for c in graph.customers)
    assert 1 <= len(high["covers"]) < owned
    assert (medium["scope"], medium["allCustomers"]) == (["IDENTITY", "PROFILE", "CONTACT"], True)
    assert (low["scope"], low["allCustomers"]) == (["IDENTITY", "PROFILE"], True)


def test_demo_companies_keep_the_default_sharing_policy(graph: GraphData) -> None:
    demo = {"co-000001", "co-000002", "co-000003", "co-000004"}
    assert not demo & {p["company"] for p in graph.sharing_policies}


def test_co_000001_is_a_hub_vendor(graph: GraphData) -> None:
    as_vendor = sum(p["vendor"] == "co-000001" for p in graph.partnerships)
    assert as_vendor >= max(5, round(0.03 * len(graph.partnerships)))
    vendor_side = {p["managers"][0] for p in graph.partnerships if p["vendor"] == "co-000001"}
    assert vendor_side == {"us-000002", "us-000003"}


def test_co_000001_has_at_least_50_partnerships_at_sf1() -> None:
    # The benchmarks need "a company with 50 partnerships" at SF1.
    data = generate(1.0)
    assert sum(p["vendor"] == "co-000001" for p in data.partnerships) >= 50


def test_co_000001_sells_and_trains(graph: GraphData) -> None:
    assert by_id(graph.products)["pr-000001"]["vendor"] == "co-000001"
    assert by_id(graph.courses)["cs-000001"]["vendor"] == "co-000001"
