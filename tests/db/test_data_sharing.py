"""Data sharing: granting and revoking DataLinks and editing the SharingPolicy change what
the recipient sees on its very next request; INTERNAL can never be shared."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
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
friend = b.company("High friend of owner")
stranger = b.company("Stranger")
o_exec = b.user(owner, "EXECUTIVE")
o_manager = b.user(owner, "MANAGER")
o_other_manager = b.user(owner, "MANAGER")
o_rep = b.user(owner, "REP")
o_analyst = b.user(owner, "ANALYST")
r_exec = b.user(recipient, "EXECUTIVE")
r_rep = b.user(recipient, "REP")
f_exec = b.user(friend, "EXECUTIVE")
s_exec = b.user(stranger, "EXECUTIVE")
medium = b.partnership(owner, recipient, tier="MEDIUM", managers=(o_manager,))
b.partnership(owner, friend, tier="HIGH")
ended = b.partnership(owner, stranger, tier="HIGH", status="ENDED")
c1 = b.customer(owner)
c2 = b.customer(owner)
c3 = b.customer(owner)
theirs = b.customer(recipient)

GRANT = """mutation($input: GrantDataLinkInput!) { grantDataLink(input: $input) {
  id scope allCustomers purpose expiresAt active owner { id } recipient { id }
  partnership { id } customers { totalCount } } }"""
REVOKE = "mutation($id: ID!) { revokeDataLink(id: $id) { id active revokedAt } }"
SEEN = "{ customers(first: 100) { totalCount edges { node { id name industry email } } } }"
POLICY = """mutation($tier: CollaborationTier!, $groups: [FieldGroup!]) {
  setSharingPolicy(tier: $tier, groups: $groups) { tier groups overridden } }"""
LINKS = """query($direction: DataLinkDirection!, $active: Boolean) {
  dataLinks(direction: $direction, active: $active) { totalCount edges { node { id } } } }"""


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


def grant_input(**overrides: Any) -> dict[str, Any]:
    return {
        "partnershipId": gid("Partnership", medium),
        "scope": ["IDENTITY", "PROFILE"],
        "customerIds": [gid("Customer", c1), gid("Customer", c2)],
        "purpose": "joint pipeline review",
        **overrides,
    }


async def seen_by_recipient(gateway: Gateway) -> dict[str, dict[str, Any]]:
    data = await gateway.query(r_rep, SEEN)
    return {
        e["node"]["id"]: e["node"]
        for e in data.data["customers"]["edges"]
        if e["node"]["id"] != gid("Customer", theirs)
    }


async def test_a_grant_shows_the_covered_customers_on_the_next_request(
    gateway: Gateway, db: Database
) -> None:
    assert await seen_by_recipient(gateway) == {}
    link = (await gateway.ok(o_exec, GRANT, {"input": grant_input()}))["grantDataLink"]
    assert link["scope"] == ["IDENTITY", "PROFILE"]
    assert link["active"] is True
    assert link["recipient"]["id"] == gid("Company", recipient)
    assert link["customers"]["totalCount"] == 2
    seen = await seen_by_recipient(gateway)
    assert set(seen) == {gid("Customer", c1), gid("Customer", c2)}
    assert all(c["industry"] is not None for c in seen.values())
    events = await db.read(
        "MATCH (a:AuditEvent {action: 'dataLink.grant'}) RETURN a.actorId AS actor", {}
    )
    assert events == [{"actor": o_exec}]


async def test_a_revocation_hides_them_on_the_next_request(gateway: Gateway) -> None:
    link = (await gateway.ok(o_manager, GRANT, {"input": grant_input()}))["grantDataLink"]
    assert len(await seen_by_recipient(gateway)) == 2
    revoked = (await gateway.ok(o_manager, REVOKE, {"id": link["id"]}))["revokeDataLink"]
    assert revoked["active"] is False
    assert revoked["revokedAt"] is not None
    assert await seen_by_recipient(gateway) == {}
    again = await gateway.query(o_manager, REVOKE, {"id": link["id"]})
    assert again.codes() == ["INVALID_TRANSITION"]


async def test_all_customers_covers_every_customer_of_the_owner(gateway: Gateway) -> None:
    await gateway.ok(o_exec, GRANT, {"input": grant_input(customerIds=None, allCustomers=True)})
    assert set(await seen_by_recipient(gateway)) == {gid("Customer", c) for c in (c1, c2, c3)}


async def test_an_expired_grant_shows_nothing(gateway: Gateway, db: Database) -> None:
    soon = datetime.now(UTC) + timedelta(seconds=2)
    link = (await gateway.ok(o_exec, GRANT, {"input": grant_input(expiresAt=soon.isoformat())}))[
        "grantDataLink"
    ]
    assert len(await seen_by_recipient(gateway)) == 2
    await asyncio.sleep((soon - datetime.now(UTC)).total_seconds() + 0.2)
    assert await seen_by_recipient(gateway) == {}
    data = await gateway.ok(o_exec, LINKS, {"direction": "GIVEN", "active": False})
    assert [e["node"]["id"] for e in data["dataLinks"]["edges"]] == [link["id"]]


@pytest.mark.parametrize(
    ("user", "code"),
    [
        (o_rep, "FORBIDDEN"),
        (o_analyst, "FORBIDDEN"),
        (o_other_manager, "FORBIDDEN"),  # a manager, but not of this partnership
        (f_exec, "FORBIDDEN"),  # sees the partnership through a HIGH link, is no party
        (s_exec, "NOT_FOUND"),
    ],
)
async def test_who_may_not_grant(gateway: Gateway, user: str, code: str) -> None:
    result = await gateway.query(user, GRANT, {"input": grant_input()})
    assert result.codes() == [code], result.body


async def test_the_recipient_may_not_revoke_what_it_received(gateway: Gateway) -> None:
    link = (await gateway.ok(o_exec, GRANT, {"input": grant_input()}))["grantDataLink"]
    assert (await gateway.query(r_exec, REVOKE, {"id": link["id"]})).codes() == ["FORBIDDEN"]
    assert (await gateway.query(s_exec, REVOKE, {"id": link["id"]})).codes() == ["NOT_FOUND"]


async def test_the_recipient_shares_its_own_customers_the_other_way(gateway: Gateway) -> None:
    data = await gateway.ok(
        r_exec, GRANT, {"input": grant_input(customerIds=[gid("Customer", theirs)])}
    )
    assert data["grantDataLink"]["recipient"]["id"] == gid("Company", owner)


@pytest.mark.parametrize(
    ("overrides", "argument"),
    [
        ({"scope": ["IDENTITY", "INTERNAL"]}, "input.scope"),
        ({"scope": []}, "input.scope"),
        ({"customerIds": None}, "input.customerIds"),
        ({"allCustomers": True}, "input.customerIds"),
        ({"customerIds": [gid("Customer", c1), gid("Customer", theirs)]}, "input.customerIds[1]"),
        ({"customerIds": [gid("Customer", "cu-999999")]}, "input.customerIds[0]"),
        ({"customerIds": [gid("Company", owner)]}, "input.customerIds[0]"),
        ({"expiresAt": "2020-01-01T00:00:00+00:00"}, "input.expiresAt"),
        ({"purpose": "x" * 501}, "input.purpose"),
        ({"partnershipId": gid("Customer", c1)}, "input.partnershipId"),
        ({"idempotencyKey": ""}, "idempotencyKey"),
    ],
)
async def test_bad_grants_are_refused_naming_the_field(
    gateway: Gateway, db: Database, overrides: dict[str, Any], argument: str
) -> None:
    result = await gateway.query(o_exec, GRANT, {"input": grant_input(**overrides)})
    assert result.codes() == ["BAD_USER_INPUT"], result.body
    assert result.errors[0]["extensions"]["argument"] == argument
    rows = await db.read("MATCH (l:DataLink) RETURN count(l) AS n", {})
    assert rows[0]["n"] == 0


async def test_no_grant_under_an_ended_partnership(gateway: Gateway) -> None:
    result = await gateway.query(
        o_exec,
        GRANT,
        {
            "input": grant_input(
                partnershipId=gid("Partnership", ended), customerIds=None, allCustomers=True
            )
        },
    )
    assert result.codes() == ["INVALID_TRANSITION"]


async def test_a_retried_grant_with_its_key_creates_one_link(
    gateway: Gateway, db: Database
) -> None:
    variables = {"input": grant_input(idempotencyKey="grant-1")}
    results = await asyncio.gather(*(gateway.query(o_exec, GRANT, variables) for _ in range(5)))
    assert {r.data["grantDataLink"]["id"] for r in results} != set()
    assert len({r.data["grantDataLink"]["id"] for r in results}) == 1
    rows = await db.read("MATCH (l:DataLink) RETURN count(l) AS n", {})
    assert rows[0]["n"] == 1


async def test_links_given_and_received_are_listed_apart(gateway: Gateway) -> None:
    given = (await gateway.ok(o_exec, GRANT, {"input": grant_input()}))["grantDataLink"]["id"]
    received = (
        await gateway.ok(
            r_exec, GRANT, {"input": grant_input(customerIds=[gid("Customer", theirs)])}
        )
    )["grantDataLink"]["id"]

    async def ids(user: str, direction: str) -> list[str]:
        data = await gateway.ok(user, LINKS, {"direction": direction})
        assert data["dataLinks"]["totalCount"] == len(data["dataLinks"]["edges"])
        return [e["node"]["id"] for e in data["dataLinks"]["edges"]]

    assert await ids(o_rep, "GIVEN") == [given]
    assert await ids(o_rep, "RECEIVED") == [received]
    assert sorted(await ids(o_rep, "ALL")) == sorted([given, received])
    assert await ids(r_rep, "RECEIVED") == [given]
    assert await ids(s_exec, "ALL") == []


async def test_a_sharing_policy_narrows_a_tier_on_the_next_request(gateway: Gateway) -> None:
    await gateway.ok(o_exec, GRANT, {"input": grant_input()})
    before = await seen_by_recipient(gateway)
    assert all(c["industry"] is not None for c in before.values())
    data = await gateway.ok(o_exec, POLICY, {"tier": "MEDIUM", "groups": ["IDENTITY"]})
    medium_policy = next(p for p in data["setSharingPolicy"] if p["tier"] == "MEDIUM")
    assert medium_policy == {"tier": "MEDIUM", "groups": ["IDENTITY"], "overridden": True}
    result = await gateway.query(r_rep, SEEN)
    industries = [e for e in result.errors if e["path"][-1] == "industry"]
    assert len(industries) == 2
    assert {e["extensions"]["group"] for e in industries} == {"PROFILE"}
    # Back to the default: PROFILE is shared at MEDIUM again.
    await gateway.ok(o_exec, POLICY, {"tier": "MEDIUM", "groups": None})
    assert all(c["industry"] is not None for c in (await seen_by_recipient(gateway)).values())


async def test_a_sharing_policy_cannot_include_internal_nor_be_set_below_executive(
    gateway: Gateway,
) -> None:
    internal = await gateway.query(o_exec, POLICY, {"tier": "HIGH", "groups": ["INTERNAL"]})
    assert internal.codes() == ["BAD_USER_INPUT"]
    assert internal.errors[0]["extensions"]["argument"] == "groups"
    for user in (o_manager, o_rep, o_analyst):
        result = await gateway.query(user, POLICY, {"tier": "HIGH", "groups": ["IDENTITY"]})
        assert result.codes() == ["FORBIDDEN"]


async def test_the_viewer_reads_its_effective_sharing_policies(
    gateway: Gateway, db: Database
) -> None:
    query = "{ sharingPolicies { tier groups overridden } }"
    data = await gateway.ok(o_rep, query)
    assert data["sharingPolicies"] == [
        {"tier": "LOW", "groups": [], "overridden": False},
        {"tier": "MEDIUM", "groups": ["IDENTITY", "PROFILE"], "overridden": False},
        {
            "tier": "HIGH",
            "groups": ["IDENTITY", "PROFILE", "CONTACT", "FINANCIAL"],
            "overridden": False,
        },
    ]
    await asyncio.gather(
        *(gateway.ok(o_exec, POLICY, {"tier": "LOW", "groups": ["IDENTITY"]}) for _ in range(4))
    )
    data = await gateway.ok(o_rep, query)
    assert data["sharingPolicies"][0] == {"tier": "LOW", "groups": ["IDENTITY"], "overridden": True}
    # Four concurrent edits of one tier: still one policy node for it.
    rows = await db.read(
        "MATCH (:Company {id: $c})-[:HAS_POLICY]->(sp:SharingPolicy {tier: 'LOW'}) "
        "RETURN count(sp) AS n",
        {"c": owner},
    )
    assert rows[0]["n"] == 1
