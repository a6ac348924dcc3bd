"""Products and tier pricing: each partner sees the price of its own tier, the list price
only the vendor and HIGH partners, nothing a company without an ACTIVE partnership; the
vendor manages its catalogue and its discount schedule, each change audited."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from graph import Database
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid, graph_id

b = Builder()
vendor = b.company("Vendor")
high = b.company("High partner")
medium = b.company("Medium partner")
low = b.company("Low partner")
suspended = b.company("Suspended partner")
reverse = b.company("Reverse side")  # the vendor is ITS partner
both = b.company("Two partnerships")
third = b.company("High partner of High")
stranger = b.company("Stranger")
v_exec = b.user(vendor, "EXECUTIVE")
v_manager = b.user(vendor, "MANAGER")
v_rep = b.user(vendor, "REP")
v_analyst = b.user(vendor, "ANALYST")
h_exec = b.user(high, "EXECUTIVE")
h_rep = b.user(high, "REP")
m_rep = b.user(medium, "REP")
l_rep = b.user(low, "REP")
s_exec = b.user(suspended, "EXECUTIVE")
r_exec = b.user(reverse, "EXECUTIVE")
b_exec = b.user(both, "EXECUTIVE")
t_exec = b.user(third, "EXECUTIVE")
x_exec = b.user(stranger, "EXECUTIVE")
vh = b.partnership(vendor, high, tier="HIGH")
b.partnership(vendor, medium, tier="MEDIUM")
b.partnership(vendor, low, tier="LOW")
b.partnership(vendor, suspended, tier="HIGH", status="SUSPENDED")
b.partnership(reverse, vendor, tier="MEDIUM")
b.partnership(vendor, both, tier="LOW")
b.partnership(both, vendor, tier="HIGH")
b.partnership(third, high, tier="HIGH")
widget = b.product(vendor, 1000.0, name="Widget")
gadget = b.product(vendor, 200.0, name="Gadget")
foreign = b.product(stranger, 50.0)

PRODUCT = """query($id: ID!) { product(id: $id) {
  id sku name price discountPct tier currency listPrice vendor { id } } }"""
PRICE = """query($id: ID!) { product(id: $id) { price } }"""
NODE = """query($id: ID!) { node(id: $id) { ... on Product { price discountPct listPrice } } }"""
PRODUCTS = """query($id: ID!, $first: Int, $after: String) { company(id: $id) {
  products(first: $first, after: $after) { totalCount edges { cursor node { name price } }
  pageInfo { hasNextPage endCursor } } } }"""
CREATE = """mutation($input: CreateProductInput!) { createProduct(input: $input) {
  id sku name price listPrice discountPct currency } }"""
UPDATE = """mutation($id: ID!, $input: UpdateProductInput!) {
  updateProduct(id: $id, input: $input) { id name price listPrice } }"""
SCHEDULE = """mutation($tiers: [TierDiscountSetting!]!) {
  setDiscountSchedule(tiers: $tiers) { tiers { tier discountPct isDefault } } }"""


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


async def audit(db: Database, target: str) -> list[dict[str, Any]]:
    return await db.read(
        "MATCH (a:AuditEvent {targetId: $t}) RETURN a.action AS action, a.actorId AS actor, "
        "a.detail AS detail ORDER BY a.at",
        {"t": target},
    )


@pytest.mark.parametrize(
    ("user", "price", "discount", "tier", "list_price"),
    [
        (v_exec, 1000.0, 0.0, None, 1000.0),
        (v_rep, 1000.0, 0.0, None, 1000.0),
        (h_rep, 750.0, 25.0, "HIGH", 1000.0),
        # Below HIGH the discount is withheld with the list price: the two give each other away.
        (m_rep, 850.0, None, "MEDIUM", None),
        (l_rep, 950.0, None, "LOW", None),
        (r_exec, 850.0, None, "MEDIUM", None),  # an ACTIVE partnership on either side
        (b_exec, 750.0, 25.0, "HIGH", 1000.0),  # the best of its ACTIVE tiers
    ],
)
async def test_each_viewer_sees_the_price_of_its_own_tier(
    gateway: Gateway,
    user: str,
    price: float,
    discount: float | None,
    tier: str | None,
    list_price: float | None,
) -> None:
    result = await gateway.query(user, PRODUCT, {"id": gid("Product", widget)})
    product = result.data["product"]
    assert (product["price"], product["discountPct"], product["tier"]) == (price, discount, tier)
    assert product["listPrice"] == list_price
    assert product["vendor"]["id"] == gid("Company", vendor)
    if list_price is None:
        assert result.codes() == ["FORBIDDEN", "FORBIDDEN"]
        for field in ("listPrice", "discountPct"):
            [error] = result.errors_at("product", field)
            assert error["extensions"]["group"] == "FINANCIAL"
    else:
        assert not result.errors, result.errors


@pytest.mark.parametrize("user", [s_exec, t_exec, x_exec])
async def test_companies_without_an_active_partnership_see_no_products(
    gateway: Gateway, user: str
) -> None:
    pid = gid("Product", widget)
    for query, root in ((PRODUCT, "product"), (NODE, "node")):
        result = await gateway.query(user, query, {"id": pid})
        assert result.data[root] is None
        assert not result.errors, result.errors
    listed = await gateway.ok(user, PRODUCTS, {"id": gid("Company", vendor)})
    assert listed["company"]["products"]["totalCount"] == 0
    assert listed["company"]["products"]["edges"] == []


async def test_a_vendor_does_not_see_products_of_a_company_it_has_no_partnership_with(
    gateway: Gateway,
) -> None:
    result = await gateway.query(v_exec, PRODUCT, {"id": gid("Product", foreign)})
    assert result.data["product"] is None


async def test_node_lookup_prices_and_redacts_like_the_product_field(gateway: Gateway) -> None:
    result = await gateway.query(m_rep, NODE, {"id": gid("Product", widget)})
    assert result.data["node"] == {"price": 850.0, "discountPct": None, "listPrice": None}
    [error] = result.errors_at("node", "listPrice")
    assert error["extensions"] == {"code": "FORBIDDEN", "group": "FINANCIAL"}


async def test_a_partner_lists_the_vendor_catalogue_page_by_page(gateway: Gateway) -> None:
    company = gid("Company", vendor)
    first = (await gateway.ok(m_rep, PRODUCTS, {"id": company, "first": 1}))["company"]
    assert first["products"]["totalCount"] == 2
    assert [e["node"] for e in first["products"]["edges"]] == [{"name": "Gadget", "price": 170.0}]
    assert first["products"]["pageInfo"]["hasNextPage"] is True
    after = first["products"]["pageInfo"]["endCursor"]
    second = await gateway.ok(m_rep, PRODUCTS, {"id": company, "first": 1, "after": after})
    edges = second["company"]["products"]["edges"]
    assert [e["node"] for e in edges] == [{"name": "Widget", "price": 850.0}]
    assert second["company"]["products"]["pageInfo"]["hasNextPage"] is False


async def test_nested_paths_apply_the_same_rules(gateway: Gateway) -> None:
    query = """query($id: ID!) { partnership(id: $id) { vendor {
      products { totalCount edges { node { price listPrice } } } } } }"""
    # The third company sees the partnership through its HIGH partner, not the catalogue.
    seen = await gateway.ok(t_exec, query, {"id": gid("Partnership", vh)})
    assert seen["partnership"]["vendor"]["products"] == {"totalCount": 0, "edges": []}
    own = await gateway.ok(h_rep, query, {"id": gid("Partnership", vh)})
    prices = sorted(e["node"]["price"] for e in own["partnership"]["vendor"]["products"]["edges"])
    assert prices == [150.0, 750.0]
    medium_view = await gateway.query(
        m_rep,
        """{ viewer { company { partnerships { edges { node { vendor {
             products { edges { node { price listPrice } } } } } } } } } }""",
    )
    edges = medium_view.data["viewer"]["company"]["partnerships"]["edges"]
    products = [p["node"] for e in edges for p in e["node"]["vendor"]["products"]["edges"]]
    assert sorted(p["price"] for p in products) == [170.0, 850.0]
    assert {p["listPrice"] for p in products} == {None}
    assert set(medium_view.codes()) == {"FORBIDDEN"}


async def test_the_vendor_executive_sets_the_discount_of_a_tier(
    gateway: Gateway, db: Database
) -> None:
    data = await gateway.ok(v_exec, SCHEDULE, {"tiers": [{"tier": "MEDIUM", "discountPct": 30}]})
    assert data["setDiscountSchedule"]["tiers"] == [
        {"tier": "LOW", "discountPct": 5.0, "isDefault": True},
        {"tier": "MEDIUM", "discountPct": 30.0, "isDefault": False},
        {"tier": "HIGH", "discountPct": 25.0, "isDefault": True},
    ]
    seen = await gateway.ok(m_rep, PRICE, {"id": gid("Product", gadget)})
    assert seen["product"]["price"] == 140.0
    # null clears the vendor's own discount: the default applies again.
    await gateway.ok(v_exec, SCHEDULE, {"tiers": [{"tier": "MEDIUM", "discountPct": None}]})
    again = await gateway.ok(m_rep, PRICE, {"id": gid("Product", gadget)})
    assert again["product"]["price"] == 170.0
    events = await audit(db, vendor)
    assert [e["action"] for e in events] == ["company.discount_schedule"] * 2
    assert {e["actor"] for e in events} == {v_exec}


async def test_another_company_schedule_changes_nothing_of_the_vendor_prices(
    gateway: Gateway,
) -> None:
    await gateway.ok(h_exec, SCHEDULE, {"tiers": [{"tier": "HIGH", "discountPct": 90}]})
    seen = await gateway.ok(h_rep, PRODUCT, {"id": gid("Product", widget)})
    assert seen["product"]["price"] == 750.0


@pytest.mark.parametrize("user", [v_manager, v_rep, v_analyst])
async def test_only_the_executive_sets_the_discount_schedule(gateway: Gateway, user: str) -> None:
    result = await gateway.query(user, SCHEDULE, {"tiers": [{"tier": "LOW", "discountPct": 50}]})
    assert result.codes() == ["FORBIDDEN"]


@pytest.mark.parametrize(
    ("tiers", "argument"),
    [
        ([{"tier": "LOW", "discountPct": 120}], "tiers[0].discountPct"),
        ([{"tier": "LOW", "discountPct": -1}], "tiers[0].discountPct"),
        ([{"tier": "LOW", "discountPct": 1}, {"tier": "LOW", "discountPct": 2}], "tiers[1].tier"),
        ([], "tiers"),
    ],
)
async def test_a_bad_discount_schedule_names_the_field(
    gateway: Gateway, tiers: list[dict[str, Any]], argument: str
) -> None:
    result = await gateway.query(v_exec, SCHEDULE, {"tiers": tiers})
    assert result.codes() == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["argument"] == argument


async def test_only_the_vendor_reads_its_discount_schedule(gateway: Gateway) -> None:
    query = "query($id: ID!) { company(id: $id) { discountSchedule { tiers { tier } } } }"
    own = await gateway.ok(v_rep, query, {"id": gid("Company", vendor)})
    assert len(own["company"]["discountSchedule"]["tiers"]) == 3
    other = await gateway.query(h_exec, query, {"id": gid("Company", vendor)})
    assert other.data["company"]["discountSchedule"] is None
    assert other.codes() == ["FORBIDDEN"]


def product_input(**extra: Any) -> dict[str, Any]:
    return {"sku": "NEW-1", "name": "New thing", "listPrice": 400.0, "currency": "EUR", **extra}


async def test_a_manager_creates_a_product_partners_then_see_at_their_price(
    gateway: Gateway, db: Database
) -> None:
    data = await gateway.ok(v_manager, CREATE, {"input": product_input()})
    created = data["createProduct"]
    assert (created["price"], created["listPrice"], created["discountPct"]) == (400.0, 400.0, 0.0)
    seen = await gateway.ok(l_rep, PRICE, {"id": created["id"]})
    assert seen["product"]["price"] == 380.0
    events = await audit(db, graph_id(created["id"]))
    assert [(e["action"], e["actor"]) for e in events] == [("product.create", v_manager)]


@pytest.mark.parametrize("user", [v_rep, v_analyst])
async def test_reps_and_analysts_cannot_create_products(gateway: Gateway, user: str) -> None:
    result = await gateway.query(user, CREATE, {"input": product_input()})
    assert result.codes() == ["FORBIDDEN"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sku", ""),
        ("sku", "has space"),
        ("name", " "),
        ("listPrice", -1.0),
        ("currency", "eur"),
        ("description", "x" * 2001),
    ],
)
async def test_bad_product_input_names_the_field(
    gateway: Gateway, field: str, value: object
) -> None:
    result = await gateway.query(v_exec, CREATE, {"input": product_input(**{field: value})})
    assert result.codes() == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["argument"] == f"input.{field}"


async def test_a_sku_is_unique_in_a_vendor_catalogue(gateway: Gateway) -> None:
    await gateway.ok(v_exec, CREATE, {"input": product_input()})
    again = await gateway.query(v_exec, CREATE, {"input": product_input(name="Other")})
    assert again.codes() == ["CONFLICT"]
    # Another vendor may use the same SKU.
    await gateway.ok(h_exec, CREATE, {"input": product_input()})


async def test_the_same_idempotency_key_creates_one_product(gateway: Gateway, db: Database) -> None:
    variables = {"input": product_input(idempotencyKey="p-1")}
    results = await asyncio.gather(*(gateway.query(v_exec, CREATE, variables) for _ in range(6)))
    ids = {r.data["createProduct"]["id"] for r in results if not r.errors}
    assert len(ids) == 1, [r.body for r in results]
    rows = await db.read(
        "MATCH (:Company {id: $v})-[:SELLS]->(p:Product {sku: 'NEW-1'}) RETURN count(p) AS n",
        {"v": vendor},
    )
    assert rows[0]["n"] == 1
    assert len(await audit(db, graph_id(ids.pop()))) == 1
    reused = await gateway.query(
        v_exec, CREATE, {"input": product_input(idempotencyKey="p-1", listPrice=1.0)}
    )
    assert reused.codes() == ["BAD_USER_INPUT"]
    assert reused.errors[0]["extensions"]["argument"] == "idempotencyKey"


async def test_the_vendor_changes_a_product_and_partners_see_the_new_price(
    gateway: Gateway, db: Database
) -> None:
    pid = gid("Product", widget)
    data = await gateway.ok(v_manager, UPDATE, {"id": pid, "input": {"listPrice": 2000.0}})
    assert data["updateProduct"]["listPrice"] == 2000.0
    seen = await gateway.ok(h_rep, PRODUCT, {"id": pid})
    assert seen["product"]["price"] == 1500.0
    [event] = await audit(db, widget)
    assert event["action"] == "product.update"
    assert '"listPrice": {"from": 1000.0, "to": 2000.0}' in event["detail"]


@pytest.mark.parametrize(
    ("user", "code"),
    [(v_rep, "FORBIDDEN"), (h_exec, "FORBIDDEN"), (x_exec, "NOT_FOUND"), (s_exec, "NOT_FOUND")],
)
async def test_who_may_change_a_product(gateway: Gateway, user: str, code: str) -> None:
    result = await gateway.query(
        user, UPDATE, {"id": gid("Product", widget), "input": {"name": "Renamed"}}
    )
    assert result.codes() == [code]


@pytest.mark.parametrize(
    ("payload", "argument"),
    [({}, "input"), ({"listPrice": -5.0}, "input.listPrice"), ({"name": ""}, "input.name")],
)
async def test_a_bad_product_change_names_the_field(
    gateway: Gateway, payload: dict[str, Any], argument: str
) -> None:
    result = await gateway.query(v_exec, UPDATE, {"id": gid("Product", widget), "input": payload})
    assert result.codes() == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["argument"] == argument


def catalogue_graph(vendors: int, per: int) -> tuple[Builder, str]:
    g = Builder()
    partner = g.company("Partner")
    user = g.user(partner, "REP")
    for i in range(vendors):
        v = g.company(f"Vendor {i}")
        g.partnership(v, partner, tier=("LOW", "MEDIUM", "HIGH")[i % 3])
        for _ in range(per):
            g.product(v)
    return g, user


CATALOGUES = """{ viewer { company { partnerships(first: 50) { edges { node { vendor {
  products(first: 50) { totalCount edges { node { price listPrice discountPct vendor { name } } } }
} } } } } } }"""


async def test_round_trips_of_catalogues_do_not_grow_with_vendors_or_products(
    gateway: Gateway, load_graph: GraphLoader
) -> None:
    trips = []
    for vendors, per in ((2, 2), (20, 15)):
        g, user = catalogue_graph(vendors, per)
        await load_graph(g.data)
        result = await gateway.query(user, CATALOGUES)
        edges = result.data["viewer"]["company"]["partnerships"]["edges"]
        assert sum(e["node"]["vendor"]["products"]["totalCount"] for e in edges) == vendors * per
        trips.append(result.round_trips)
    assert trips[0] == trips[1], trips
    assert trips[1] <= 6, trips
