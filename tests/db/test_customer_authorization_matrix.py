"""The authorization matrix of authorization.md for customers, on the list, lookup and node paths.

One owner company shares customer ``shared`` with partners of every kind;
for each viewer the expected groups are written out by hand from the
document (not computed), and checked field by field on every path.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.db.conftest import GraphLoader
from tests.support.builder import FUTURE, PAST, Builder
from tests.support.client import Gateway
from tests.support.customers import (
    CUSTOMER_SELECTION,
    check_customer,
    gid,
    unexpected_errors,
)
from tests.support.reference import Expected

ALL = frozenset({"IDENTITY", "PROFILE", "CONTACT", "FINANCIAL"})
OWNER = ALL | {"INTERNAL"}
BASIC = frozenset({"IDENTITY", "PROFILE"})

b = Builder()
owner = b.company("Owner")
shared = b.customer(owner)
private = b.customer(owner)
users: dict[str, str] = {
    f"owner {role.lower()}": b.user(owner, role)
    for role in ("EXECUTIVE", "MANAGER", "REP", "ANALYST")
}
# (viewer kind, tier, status, link kind) → expected groups on `shared`
KINDS: list[tuple[str, str, str, str, frozenset[str] | None]] = [
    ("high partner with link", "HIGH", "ACTIVE", "live", ALL),
    ("medium partner with link", "MEDIUM", "ACTIVE", "live", BASIC),
    ("low partner with link", "LOW", "ACTIVE", "live", None),
    ("high partner without link", "HIGH", "ACTIVE", "none", None),
    ("medium partner without link", "MEDIUM", "ACTIVE", "none", None),
    ("high partner with expired link", "HIGH", "ACTIVE", "expired", None),
    ("high partner with revoked link", "HIGH", "ACTIVE", "revoked", None),
    ("suspended high partnership with live link", "HIGH", "SUSPENDED", "live", None),
    ("ended high partnership with live link", "HIGH", "ENDED", "live", None),
    ("high partner with identity-only link", "HIGH", "ACTIVE", "identity", frozenset({"IDENTITY"})),
    ("high partner with all-customers link", "HIGH", "ACTIVE", "all", ALL),
    ("high partner with future-expiry link", "HIGH", "ACTIVE", "future", ALL),
]
EXPECTED: dict[str, frozenset[str] | None] = {name: OWNER for name in users}
PRIVATE_VISIBLE = set(users)
for kind, tier, status, link_kind, groups in KINDS:
    company = b.company(kind)
    partnership = b.partnership(owner, company, tier=tier, status=status)
    if link_kind != "none":
        b.link(
            owner,
            company,
            partnership,
            scope=("IDENTITY",) if link_kind == "identity" else tuple(sorted(ALL)),
            covers=() if link_kind == "all" else (shared,),
            all_customers=link_kind == "all",
            expires_at=PAST
            if link_kind == "expired"
            else FUTURE
            if link_kind == "future"
            else None,
            revoked_at=PAST if link_kind == "revoked" else None,
        )
    users[kind] = b.user(company, "EXECUTIVE")
    EXPECTED[kind] = groups
    if link_kind == "all":
        PRIVATE_VISIBLE.add(kind)
# Roles never widen nor narrow a company's customer view.
high = next(c["id"] for c in b.data.companies if c["name"] == "high partner with link")
for role in ("MANAGER", "REP", "ANALYST"):
    users[f"high partner {role.lower()}"] = b.user(high, role)
    EXPECTED[f"high partner {role.lower()}"] = ALL
unrelated = b.company("Unrelated")
users["unrelated company"] = b.user(unrelated)
EXPECTED["unrelated company"] = None
ROWS = {c["id"]: c for c in b.data.customers}

LIST = "query { customers(first: 50) { totalCount edges { node { " + CUSTOMER_SELECTION + " } } } }"
LOOKUP = "query($id: ID!) { customer(id: $id) { " + CUSTOMER_SELECTION + " } }"
NODE = "query($id: ID!) { node(id: $id) { ... on Customer { " + CUSTOMER_SELECTION + " } } }"


@pytest.fixture(scope="module", autouse=True)
async def matrix_graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


def expected_for(viewer: str, customer: str) -> Expected | None:
    if customer == private and viewer not in PRIVATE_VISIBLE:
        return None
    groups = EXPECTED[viewer]
    if groups is None:
        return None
    return Expected(groups, frozenset(), groups == OWNER)


@pytest.mark.parametrize("viewer", sorted(users))
async def test_list_shows_exactly_the_customers_and_fields_the_viewer_may_read(
    gateway: Gateway, viewer: str
) -> None:
    result = await gateway.query(users[viewer], LIST)
    assert result.status == 200
    assert not unexpected_errors(result), result.errors
    edges: list[dict[str, Any]] = result.data["customers"]["edges"]
    expected = {c: e for c in ROWS if (e := expected_for(viewer, c)) is not None}
    returned = {n["node"]["id"]: (i, n["node"]) for i, n in enumerate(edges)}
    assert set(returned) == {gid("Customer", c) for c in expected}
    assert result.data["customers"]["totalCount"] == len(expected)
    for customer, exp in expected.items():
        index, node = returned[gid("Customer", customer)]
        check_customer(result, ("customers", "edges", index, "node"), node, ROWS[customer], exp)


@pytest.mark.parametrize("path", ["customer", "node"])
@pytest.mark.parametrize("viewer", sorted(users))
async def test_lookup_and_node_give_the_same_answer_as_the_list(
    gateway: Gateway, viewer: str, path: str
) -> None:
    for customer, row in ROWS.items():
        result = await gateway.query(
            users[viewer], LOOKUP if path == "customer" else NODE, {"id": gid("Customer", customer)}
        )
        assert result.status == 200
        assert not unexpected_errors(result), result.errors
        exp = expected_for(viewer, customer)
        node = result.data[path]
        if exp is None:
            assert node is None
            assert result.errors == []  # no error that would confirm existence
        else:
            check_customer(result, (path,), node, row, exp)
