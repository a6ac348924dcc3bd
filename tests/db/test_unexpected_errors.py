"""A bug is masked for the client (no stack trace, no internals) and logged with the request id."""

from __future__ import annotations

import logging

import pytest

from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid

b = Builder()
vendor = b.company("Vendor")
partner = b.company("Partner")
# A value outside the contract's enum: resolving it is a server-side bug.
broken = b.partnership(vendor, partner, tier="PLATINUM")
viewer = b.user(vendor)


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


async def test_an_unexpected_error_is_masked_and_logged_with_the_request_id(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="prm.schema")
    result = await gateway.query(
        viewer,
        "query($id: ID!) { partnership(id: $id) { id } viewer { role } }",
        {"id": gid("Partnership", broken)},
    )
    assert result.status == 200
    assert result.data == {"partnership": None, "viewer": {"role": "EXECUTIVE"}}
    [error] = result.errors
    assert error["message"] == "Internal server error"
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    request_id = error["extensions"]["requestId"]
    assert request_id == result.body["extensions"]["requestId"]
    assert "PLATINUM" not in str(result.body)
    assert "Traceback" not in str(result.body)
    logged = [r for r in caplog.records if request_id in r.getMessage()]
    assert logged
    assert logged[0].exc_info is not None
