"""A field that fails and nulls its parent does not take the rest of the answer with it.

graphql-core cancels the pending siblings of a field whose error propagates a
null; those siblings may be waiting on a loader batch shared with fields that
are still wanted. Found by the random-operation fuzz: a data link recorded under
a partnership of other companies (bad data) has a non-null ``partnership`` the
viewer may not see.
"""

from __future__ import annotations

from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid

b = Builder()
owner = b.company()
recipient = b.company()
elsewhere = b.company()
viewer = b.user(recipient, "EXECUTIVE")
good_partnership = b.partnership(owner, recipient, tier="MEDIUM")  # no network view
foreign_partnership = b.partnership(owner, elsewhere, tier="HIGH")
customer = b.customer(owner)
good = b.link(owner, recipient, good_partnership, covers=(customer,))
misfiled = b.link(owner, recipient, foreign_partnership, covers=(customer,))

QUERY = """query($misfiled: ID!, $good: ID!) {
  misfiled: dataLink(id: $misfiled) { id partnership { id } customers(first: 5) { totalCount } }
  good: dataLink(id: $good) { id partnership { id } customers(first: 5) { totalCount } }
}"""


async def test_a_refused_non_null_field_nulls_its_object_and_nothing_else(
    gateway: Gateway, load_graph: GraphLoader
) -> None:
    await load_graph(b.data)
    variables = {"misfiled": gid("DataLink", misfiled), "good": gid("DataLink", good)}
    result = await gateway.query(viewer, QUERY, variables)
    assert result.status == 200, result.body
    assert result.codes() == ["FORBIDDEN"]
    assert result.errors[0]["path"] == ["misfiled", "partnership"]
    assert result.data["misfiled"] is None
    assert result.data["good"] == {
        "id": gid("DataLink", good),
        "partnership": {"id": gid("Partnership", good_partnership)},
        "customers": {"totalCount": 1},
    }
