"""A forged or tampered cursor is BAD_USER_INPUT on every connection, never an internal
error: random bytes, cut or altered cursors, and payloads signed with the real secret
whose contents have the wrong shape or types (a leaked secret, or a bug that wrote them)."""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import CursorCodec
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway, Result

EXAMPLES = int(os.environ.get("PRM_FUZZ_EXAMPLES", "40"))

b = Builder()
vendor = b.company("Vendor")
partner = b.company("Partner")
v_exec = b.user(vendor)
p_rep = b.user(partner, "REP")
tie = b.partnership(vendor, partner, tier="HIGH")
accounts = [
    b.customer(vendor, name=f"Acct {i}", annualRevenue=float(i), industry="Retail", region="NA")
    for i in range(3)
]
b.link(vendor, partner, tie, all_customers=True)
for account in accounts:
    b.contact(customer=account)
    b.contact(company=vendor)
    b.opportunity(tie, account, p_rep)
    b.product(vendor)
    b.course(vendor)

#: One operation per kind of connection, each asking for a page after ``$a``.
CONNECTIONS: dict[str, str] = {
    "companies": "companies(first: 2, after: $a) { edges { cursor } }",
    "dataLinks": "dataLinks(first: 2, after: $a) { edges { cursor } }",
    "opportunities": "opportunities(first: 2, after: $a) { edges { cursor } }",
    "auditEvents": "auditEvents(first: 2, after: $a) { edges { cursor } }",
    "partnerships": "viewer { company { partnerships(first: 2, after: $a) { edges { cursor } } } }",
    "contacts": "viewer { company { contacts(first: 2, after: $a) { edges { cursor } } } }",
    "products": "viewer { company { products(first: 2, after: $a) { edges { cursor } } } }",
    "courses": "viewer { company { courses(first: 2, after: $a) { edges { cursor } } } }",
    "customers": "customers(first: 2, after: $a) { totalCount edges { cursor } }",
    "customers uncounted": "customers(first: 2, after: $a) { edges { cursor } }",
    **{
        f"customers by {field} {direction}": (
            f"customers(first: 2, after: $a, orderBy: {{field: {field}, direction: {direction}}})"
            " { totalCount edges { cursor } }"
        )
        for field in ("NAME", "INDUSTRY", "REGION", "ANNUAL_REVENUE", "CREATED_AT")
        for direction in ("ASC", "DESC")
    },
}


def operation(name: str) -> str:
    return f"query($a: String) {{ {CONNECTIONS[name]} }}"


@pytest.fixture(scope="module", autouse=True)
async def graph(load_graph: GraphLoader, gateway: Gateway) -> None:
    await load_graph(b.data)
    for groups in (["IDENTITY"], None, ["IDENTITY"]):  # audit events to page through
        await gateway.ok(
            v_exec,
            "mutation($g: [FieldGroup!]) { setSharingPolicy(tier: LOW, groups: $g) { tier } }",
            {"g": groups},
        )


def cursors_in(value: Any) -> list[str]:
    if isinstance(value, dict):
        own = [value["cursor"]] if isinstance(value.get("cursor"), str) else []
        return own + [c for v in value.values() for c in cursors_in(v)]
    if isinstance(value, list):
        return [c for v in value for c in cursors_in(v)]
    return []


ORDERINGS: dict[str, str] = {}


async def ordering_of(gateway: Gateway, name: str) -> str:
    """The ordering a connection signs into its cursors, read from a real one."""
    if name not in ORDERINGS:
        data = await gateway.ok(v_exec, operation(name), {"a": None})
        cursor = cursors_in(data)[0]
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        ORDERINGS[name] = json.loads(raw[12:])[0]
    return ORDERINGS[name]


def signed(gateway: Gateway, payload: bytes) -> str:
    codec = CursorCodec(gateway.settings.cursor_secret.encode())
    return base64.urlsafe_b64encode(codec._mac(payload) + payload).decode().rstrip("=")


def refused_or_answered(result: Result) -> None:
    """Either a page, or BAD_USER_INPUT on `after`: nothing else, and never a 5xx."""
    assert result.status == 200, result.body
    for error in result.errors:
        assert error["extensions"]["code"] == "BAD_USER_INPUT", result.errors
        assert error["extensions"]["argument"] == "after", result.errors


scalars = (
    st.none()
    | st.booleans()
    | st.integers()  # beyond 64 bits too
    | st.floats()  # NaN and infinities too
    | st.text()
    | st.text(st.characters(categories=["Cs"]), min_size=1)  # lone surrogates
)
timestamps = st.one_of(
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat()),
    st.text(),
    st.integers(),
)
keys = st.one_of(
    scalars,
    st.fixed_dictionaries({"dt": timestamps}),
    st.recursive(
        scalars, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=5
    ),
)
ids = st.one_of(st.text(), scalars, st.lists(scalars, max_size=2))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=st.sampled_from(sorted(CONNECTIONS)), key=keys, row_id=ids)
async def test_signed_payloads_of_any_shape_are_bad_user_input_or_a_page(
    gateway: Gateway, name: str, key: Any, row_id: Any
) -> None:
    ordering = await ordering_of(gateway, name)
    payload = json.dumps([ordering, key, row_id], separators=(",", ":")).encode()
    result = await gateway.query(v_exec, operation(name), {"a": signed(gateway, payload)})
    refused_or_answered(result)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(sorted(CONNECTIONS)),
    payload=st.one_of(
        st.binary(),
        st.just(b"[" * 5_000),  # nested deeper than the JSON decoder recurses
        st.lists(st.integers(), max_size=4).map(lambda v: json.dumps(v).encode()),
        st.dictionaries(st.text(), st.integers(), max_size=3).map(lambda v: json.dumps(v).encode()),
    ),
)
async def test_signed_bytes_that_are_no_cursor_are_bad_user_input(
    gateway: Gateway, name: str, payload: bytes
) -> None:
    result = await gateway.query(v_exec, operation(name), {"a": signed(gateway, payload)})
    refused_or_answered(result)
    assert result.codes() == ["BAD_USER_INPUT"]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=st.sampled_from(sorted(CONNECTIONS)), data=st.data())
async def test_cut_altered_or_random_cursors_are_bad_user_input(
    gateway: Gateway, name: str, data: st.DataObject
) -> None:
    real = cursors_in(await gateway.ok(v_exec, operation(name), {"a": None}))[0]
    at = data.draw(st.integers(0, len(real) - 1))
    forged = data.draw(
        st.one_of(
            st.just(real[:at]),  # truncated
            st.text().map(lambda t: real[:at] + t + real[at + 1 :]),  # altered
            st.text(),  # anything at all
        )
    )
    result = await gateway.query(v_exec, operation(name), {"a": forged})
    refused_or_answered(result)
    if forged != real and not result.errors:
        # Only a change base64 ignores (padding bits, characters outside its alphabet)
        # can leave the cursor valid: then it is the same cursor.
        assert _decoded(forged) == _decoded(real)


def _decoded(cursor: str) -> bytes:
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
