"""Data requests (#13 item 2, docs/consent.md): a recipient asks an owner for a link;
the owner's EXECUTIVE or the partnership's managing MANAGER approves it, possibly
narrowed, or declines; the approval creates the DataLink in its transaction."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from graph import Database
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid

b = Builder()
owner = b.company("Owner")
recipient = b.company("Recipient")
stranger = b.company("Stranger")
o_exec = b.user(owner, "EXECUTIVE")
o_manager = b.user(owner, "MANAGER")
o_other_manager = b.user(owner, "MANAGER")
o_rep = b.user(owner, "REP")
r_exec = b.user(recipient, "EXECUTIVE")
r_rep = b.user(recipient, "REP")
s_exec = b.user(stranger, "EXECUTIVE")
high = b.partnership(owner, recipient, tier="HIGH", managers=(o_manager,))
c1 = b.customer(owner)
c2 = b.customer(owner)

REQUEST = """mutation($input: RequestDataLinkInput!) { requestDataLink(input: $input) {
  id kind status toScope toAllCustomers customerIds purpose durationDays
  proposer { id } answerer { id } dataLink { id } } }"""
APPROVE = """mutation($id: ID!, $scope: [FieldGroup!], $customers: [ID!]) {
  approveDataRequest(id: $id, scope: $scope, customerIds: $customers) {
    status dataLink { id scope allCustomers ceiling ceilingAllCustomers purpose expiresAt
      owner { id } recipient { id } customers { totalCount } } } }"""
DECLINE = "mutation($id: ID!) { declineConsentProposal(id: $id) { status dataLink { id } } }"
GROUPS = "query($id: ID!) { customer(id: $id) { access { groups } } }"


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


def request_input(**overrides: Any) -> dict[str, Any]:
    return {
        "partnershipId": gid("Partnership", high),
        "scope": ["IDENTITY", "PROFILE", "CONTACT"],
        "customerIds": [gid("Customer", c1), gid("Customer", c2)],
        "purpose": "joint account planning",
        "durationDays": 30,
        **overrides,
    }


async def ask(gateway: Gateway, **overrides: Any) -> dict[str, Any]:
    data = await gateway.ok(r_exec, REQUEST, {"input": request_input(**overrides)})
    result: dict[str, Any] = data["requestDataLink"]
    return result


async def groups_of(gateway: Gateway, customer: str) -> set[str] | None:
    found = (await gateway.ok(r_exec, GROUPS, {"id": gid("Customer", customer)}))["customer"]
    return None if found is None else set(found["access"]["groups"])


async def test_a_request_shares_nothing_until_the_owner_approves(gateway: Gateway) -> None:
    asked = await ask(gateway)
    assert (asked["kind"], asked["status"]) == ("DATA_REQUEST", "PENDING")
    assert asked["proposer"]["id"] == gid("Company", recipient)
    assert asked["answerer"]["id"] == gid("Company", owner)
    assert asked["toScope"] == ["IDENTITY", "PROFILE", "CONTACT"]
    assert asked["purpose"] == "joint account planning"
    assert asked["durationDays"] == 30
    assert asked["dataLink"] is None
    assert await groups_of(gateway, c1) is None


async def test_the_managing_manager_approves_narrowed_and_the_link_exists_at_once(
    gateway: Gateway,
) -> None:
    asked = await ask(gateway)
    data = await gateway.ok(
        o_manager,
        APPROVE,
        {"id": asked["id"], "scope": ["IDENTITY"], "customers": [gid("Customer", c1)]},
    )
    approved = data["approveDataRequest"]
    assert approved["status"] == "ACCEPTED"
    link = approved["dataLink"]
    assert link["scope"] == ["IDENTITY"]
    assert link["ceiling"] == ["IDENTITY"]
    assert link["allCustomers"] is False
    assert link["purpose"] == "joint account planning"
    assert link["expiresAt"] is not None
    assert link["owner"]["id"] == gid("Company", owner)
    assert link["recipient"]["id"] == gid("Company", recipient)
    assert link["customers"]["totalCount"] == 1
    assert await groups_of(gateway, c1) == {"IDENTITY"}
    assert await groups_of(gateway, c2) is None


async def test_an_all_customers_request_approved_as_asked(gateway: Gateway) -> None:
    asked = await ask(gateway, customerIds=None, allCustomers=True)
    data = await gateway.ok(o_exec, APPROVE, {"id": asked["id"]})
    link = data["approveDataRequest"]["dataLink"]
    assert (link["allCustomers"], link["ceilingAllCustomers"]) == (True, True)
    assert await groups_of(gateway, c2) == {"IDENTITY", "PROFILE", "CONTACT"}


async def test_a_declined_request_creates_no_link(gateway: Gateway, db: Database) -> None:
    asked = await ask(gateway)
    data = await gateway.ok(o_exec, DECLINE, {"id": asked["id"]})
    assert data["declineConsentProposal"] == {"status": "DECLINED", "dataLink": None}
    rows = await db.read("MATCH (l:DataLink) RETURN count(l) AS n", {})
    assert rows[0]["n"] == 0


@pytest.mark.parametrize(
    ("user", "code"),
    [
        (r_exec, "FORBIDDEN"),  # the recipient cannot approve its own request
        (o_rep, "FORBIDDEN"),
        (o_other_manager, "FORBIDDEN"),  # does not manage the partnership
        (s_exec, "NOT_FOUND"),
    ],
)
async def test_only_the_owner_executive_or_managing_manager_approves(
    gateway: Gateway, user: str, code: str
) -> None:
    asked = await ask(gateway)
    result = await gateway.query(user, APPROVE, {"id": asked["id"]})
    assert result.codes() == [code]


async def test_an_approval_cannot_widen_the_request(gateway: Gateway) -> None:
    asked = await ask(gateway, scope=["IDENTITY"])
    result = await gateway.query(o_exec, APPROVE, {"id": asked["id"], "scope": ["FINANCIAL"]})
    assert result.codes() == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["argument"] == "scope"


@pytest.mark.parametrize(
    ("overrides", "argument"),
    [
        ({"allCustomers": True}, "input.customerIds"),
        ({"scope": ["INTERNAL"]}, "input.scope"),
        ({"durationDays": 0}, "input.durationDays"),
    ],
)
async def test_bad_request_input_names_the_field(
    gateway: Gateway, overrides: dict[str, Any], argument: str
) -> None:
    result = await gateway.query(r_exec, REQUEST, {"input": request_input(**overrides)})
    assert result.codes() == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["argument"] == argument


async def test_a_recipient_rep_may_not_request(gateway: Gateway) -> None:
    result = await gateway.query(r_rep, REQUEST, {"input": request_input()})
    assert result.codes() == ["FORBIDDEN"]


async def test_two_concurrent_approvals_create_one_link(gateway: Gateway, db: Database) -> None:
    asked = await ask(gateway)
    results = await asyncio.gather(
        gateway.query(o_exec, APPROVE, {"id": asked["id"]}),
        gateway.query(o_manager, APPROVE, {"id": asked["id"]}),
    )
    assert sorted(tuple(r.codes()) for r in results) == [(), ("INVALID_TRANSITION",)]
    rows = await db.read("MATCH (l:DataLink) RETURN count(l) AS n", {})
    assert rows[0]["n"] == 1


async def test_an_erased_customer_leaves_the_requests_that_named_it(
    gateway: Gateway, db: Database
) -> None:
    name = (await db.read("MATCH (c:Customer {id: $id}) RETURN c.name AS n", {"id": c1}))[0]["n"]
    asked = await ask(gateway, purpose=f"joint selling to {name}")
    erase = "mutation($id: ID!) { eraseCustomer(id: $id) { id } }"
    await gateway.ok(o_exec, erase, {"id": gid("Customer", c1)})
    query = "query($id: ID!) { node(id: $id) { ... on ConsentProposal { customerIds purpose } } }"
    for viewer in (r_exec, o_exec):
        node = (await gateway.ok(viewer, query, {"id": asked["id"]}))["node"]
        assert node["customerIds"] == [gid("Customer", c2)]
        assert name.lower() not in (node["purpose"] or "").lower()
