"""``node(id:)`` and ``nodes(ids:)`` find every node type through one registry
(schema/nodes.py): each id answers with an object of its own type, read under that type's
rules, and an object the viewer may not see reads exactly like one that does not exist."""

from __future__ import annotations

import pytest

from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid

b = Builder()
vendor = b.company("Vendor")
partner = b.company("Partner")
outsider = b.company("Outsider")
v_exec = b.user(vendor, "EXECUTIVE")
p_rep = b.user(partner, "REP")
o_exec = b.user(outsider, "EXECUTIVE")
partnership = b.partnership(vendor, partner)
customer = b.customer(vendor)
link = b.link(vendor, partner, partnership, covers=(customer,))
contact = b.contact(company=vendor)
deal = b.opportunity(partnership, customer, p_rep)
product = b.product(vendor)
course = b.course(vendor)
mdf_request = b.mdf_request(partnership)

#: One object of every node type the vendor's EXECUTIVE sees.
SEEN_BY_VENDOR = {
    "Company": vendor,
    "User": v_exec,
    "Customer": customer,
    "Partnership": partnership,
    "DataLink": link,
    "Contact": contact,
    "Opportunity": deal,
    "Product": product,
    "Course": course,
    "MdfRequest": mdf_request,
}

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"


@pytest.fixture(scope="module", autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


@pytest.mark.parametrize("type_name", sorted(SEEN_BY_VENDOR))
async def test_node_by_id_answers_each_node_type_with_its_own_type(
    gateway: Gateway, type_name: str
) -> None:
    global_id = gid(type_name, SEEN_BY_VENDOR[type_name])
    data = await gateway.ok(v_exec, NODE, {"id": global_id})
    assert data == {"node": {"__typename": type_name, "id": global_id}}


async def test_nodes_by_ids_answers_every_node_type_in_order(gateway: Gateway) -> None:
    ids = [gid(t, graph_id) for t, graph_id in SEEN_BY_VENDOR.items()]
    data = await gateway.ok(v_exec, NODES, {"ids": ids})
    assert data == {
        "nodes": [{"__typename": t, "id": i} for t, i in zip(SEEN_BY_VENDOR, ids, strict=True)]
    }


@pytest.mark.parametrize(
    "type_name", ["User", "Customer", "Partnership", "DataLink", "Opportunity", "MdfRequest"]
)
async def test_a_node_the_viewer_may_not_see_reads_like_one_that_does_not_exist(
    gateway: Gateway, type_name: str
) -> None:
    hidden = await gateway.query(o_exec, NODE, {"id": gid(type_name, SEEN_BY_VENDOR[type_name])})
    absent = await gateway.query(o_exec, NODE, {"id": gid(type_name, "zz-999999")})
    assert hidden.status == absent.status == 200
    assert hidden.data == absent.data == {"node": None}
    assert hidden.errors == absent.errors == []
