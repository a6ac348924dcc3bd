"""The pure parts of the benchmark harness (scripts/bench): no database, no server, no Node."""

from __future__ import annotations

from typing import Any

import pytest

from policy import load_policy
from scripts.bench import neo4j_graphql
from scripts.bench.canonical import (
    AnswerError,
    JsonValue,
    fingerprint,
    first_difference,
    graph_id,
    size,
    to_global_id,
)
from scripts.bench.load import require_loopback
from scripts.bench.profile import package_of, summarize
from scripts.bench.report import ratios
from scripts.bench.stats import Summary, percentile, ratio
from scripts.bench.suite import (
    SUITE_KEYS,
    SuiteQuery,
    build_suite,
    check_answer,
    floor_base_params,
    gateway_data,
)

SUITE = {q.key: q for q in build_suite(load_policy())}


def customer(n: int, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": f"cu-{n:06d}",
        "name": f"Customer {n}",
        "domain": f"c{n}.example",
        "industry": "Software",
        "region": "EMEA",
        "segment": "SMB",
        "employees": 10,
        "email": f"info@c{n}.example",
        "phone": "+1 1",
        "address": "1 Main St",
        "annualRevenue": 1000.0,
    }
    row.update(fields)
    return row


# -- percentiles ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([5.0], 50, 5.0),
        ([5.0], 99, 5.0),
        ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
        ([4.0, 1.0, 3.0, 2.0], 50, 2.5),
        ([1.0, 2.0, 3.0, 4.0], 0, 1.0),
        ([1.0, 2.0, 3.0, 4.0], 100, 4.0),
        ([float(i) for i in range(1, 101)], 99, 99.01),
        ([0.0, 10.0], 25, 2.5),
    ],
)
def test_percentile_interpolates_between_closest_ranks(
    values: list[float], q: float, expected: float
) -> None:
    assert percentile(values, q) == pytest.approx(expected)


def test_percentile_refuses_no_values_and_out_of_range_q() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)
    with pytest.raises(ValueError, match="q must be"):
        percentile([1.0], 101)


def test_summary_of_a_sample() -> None:
    summary = Summary.of([3.0, 1.0, 2.0, 100.0])
    assert (summary.n, summary.median, summary.min, summary.max) == (4, 2.5, 1.0, 100.0)
    assert summary.mean == pytest.approx(26.5)
    assert 2.5 < summary.p99 <= 100.0


def test_ratio_is_none_without_both_values() -> None:
    assert ratio(6.0, 3.0) == 2.0
    assert ratio(None, 3.0) is None
    assert ratio(1.0, 0.0) is None


def test_ratios_pair_cells_of_the_same_query_and_concurrency() -> None:
    def cell(system: str, median: float, ops: float, cpu: float | None = None) -> dict[str, Any]:
        return {
            "key": "viewer",
            "concurrency": 16,
            "system": system,
            "latency_ms": {"median": median, "p99": median * 2},
            "throughput_ops": ops,
            "cpu_ms_per_op": {"server": cpu},
        }

    cells = [cell("floor", 2.0, 400.0), cell("gateway", 8.0, 100.0, 6.0)]
    cells.append(cell("neo4j-graphql", 4.0, 200.0, 3.0))
    (entry,) = ratios(cells)
    assert entry["gateway/floor"] == {"median": 4.0, "p99": 4.0, "throughput": 0.25}
    assert entry["gateway/neo4j-graphql"]["median"] == 2.0
    assert entry["gateway/neo4j-graphql"]["server_cpu"] == 2.0
    assert "gateway-nodelay/floor" not in entry


# -- canonical form ---------------------------------------------------------------


def test_global_ids_become_graph_ids_and_graph_ids_pass_through() -> None:
    assert graph_id(to_global_id("Customer", "cu-000123"), "Customer") == "cu-000123"
    assert graph_id("cu-000123", "Customer") == "cu-000123"
    with pytest.raises(AnswerError):
        graph_id(None, "Customer")


def test_first_difference_names_the_path_and_treats_1000_as_1000_0() -> None:
    a: JsonValue = [{"id": "cu-1", "annualRevenue": 1000}]
    assert first_difference(a, [{"id": "cu-1", "annualRevenue": 1000.0}]) is None
    assert fingerprint(a) == fingerprint([{"id": "cu-1", "annualRevenue": 1000.0}])
    found = first_difference(a, [{"id": "cu-1", "annualRevenue": None}])
    assert found is not None
    assert found.startswith("$[0].annualRevenue")
    assert first_difference([1, 2], [1]) == "$: 2 items != 1 items"
    assert first_difference(True, 1) is not None


def test_gateway_customer_answer_keeps_forbidden_fields_as_null() -> None:
    node = customer(1, email=None, phone=None, address=None, annualRevenue=None)
    node["id"] = to_global_id("Customer", "cu-000001")
    body = {
        "data": {"customers": {"edges": [{"node": node}]}},
        "errors": [
            {
                "message": "Forbidden",
                "path": ["customers", "edges", 0, "node", "email"],
                "extensions": {"code": "FORBIDDEN", "group": "CONTACT"},
            }
        ],
    }
    answer = SUITE["customers_medium"].from_gateway(gateway_data(body))
    assert answer == [customer(1, email=None, phone=None, address=None, annualRevenue=None)]


def test_gateway_answer_with_another_error_is_refused() -> None:
    body = {"data": None, "errors": [{"message": "x", "extensions": {"code": "INTERNAL"}}]}
    with pytest.raises(AnswerError):
        gateway_data(body)


def test_the_three_nested_answers_normalize_to_the_same_form() -> None:
    gid = to_global_id
    gateway = {
        "company": {
            "partnerships": {
                "edges": [
                    {
                        "node": {
                            "id": gid("Partnership", "pa-000001"),
                            "dataLinks": {
                                "edges": [
                                    {
                                        "node": {
                                            "id": gid("DataLink", "dl-000001"),
                                            "customers": {
                                                "edges": [
                                                    {
                                                        "node": {
                                                            "id": gid("Customer", "cu-000007"),
                                                            "name": "A",
                                                            "email": None,
                                                            "annualRevenue": 5.0,
                                                        }
                                                    }
                                                ]
                                            },
                                        }
                                    }
                                ]
                            },
                        }
                    }
                ]
            }
        }
    }
    floor_records = [
        {
            "partnership": "pa-000001",
            "links": [
                {
                    "link": "dl-000001",
                    "customers": [
                        {"id": "cu-000007", "name": "A", "email": None, "annualRevenue": 5.0}
                    ],
                }
            ],
        }
    ]
    node_body = {
        "data": {
            "partnershipsConnection": {
                "edges": [
                    {
                        "node": {
                            "partnership": "pa-000001",
                            "dataLinks": [
                                {
                                    "link": "dl-000001",
                                    "allCustomers": True,
                                    "covers": [],
                                    "owner": {
                                        "customers": [
                                            {
                                                "id": "cu-000007",
                                                "name": "A",
                                                "email": None,
                                                "annualRevenue": 5,
                                            }
                                        ]
                                    },
                                }
                            ],
                        }
                    }
                ]
            }
        }
    }
    query = SUITE["nested"]
    a = query.from_floor(floor_records)
    b = query.from_gateway(gateway)
    c = neo4j_graphql.normalize("nested", node_body)
    assert first_difference(a, b) is None
    assert first_difference(a, c) is None
    assert size(a) == 3


def test_neo4j_graphql_answer_with_errors_is_refused() -> None:
    with pytest.raises(AnswerError):
        neo4j_graphql.normalize("viewer", {"data": None, "errors": [{"message": "no"}]})


def test_viewer_answers_of_floor_and_neo4j_graphql() -> None:
    expected = {"user": "us-000001", "company": "co-000001", "role": "EXECUTIVE"}
    floor = SUITE["viewer"].from_floor([dict(expected)])
    node = neo4j_graphql.normalize(
        "viewer",
        {
            "data": {
                "viewer": {"user": "us-000001", "role": "EXECUTIVE", "company": {"id": "co-000001"}}
            }
        },
    )
    assert floor == node == expected
    assert check_answer("viewer", floor) == []
    assert check_answer("viewer", {**expected, "role": "REP"}) != []


# -- the suite's own promises ----------------------------------------------------------


def test_medium_rows_with_a_readable_contact_field_break_the_suite() -> None:
    ok: JsonValue = [customer(1, email=None, phone=None, address=None, annualRevenue=None)]
    assert check_answer("customers_medium", ok) == []
    assert check_answer("customers_medium", [customer(1)]) != []


def test_lists_must_be_ordered_and_non_empty() -> None:
    assert check_answer("customers_owner", [customer(1), customer(2)]) == []
    assert check_answer("customers_owner", [customer(2), customer(1)]) != []
    assert check_answer("filter_sort", []) != []


def test_every_suite_key_has_a_query_and_floor_parameters_are_parameters() -> None:
    assert tuple(SUITE) == SUITE_KEYS
    base = floor_base_params(load_policy())
    assert base["tierGroups"]["MEDIUM"] == ["IDENTITY", "PROFILE"]
    assert base["fields"]["email"] == "CONTACT"
    assert "INTERNAL" in base["ownerGroups"]
    for query in SUITE.values():
        assert isinstance(query, SuiteQuery)
        assert "userId" in query.floor_params
        # Values travel as parameters, never inside the statement text.
        assert "co-00000" not in query.floor_query
        assert "Software" not in query.floor_query


# -- load driver and profile summary ----------------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/graphql", "http://localhost:1/x", "http://[::1]:9/"]
)
def test_loopback_urls_are_accepted(url: str) -> None:
    require_loopback(url)


@pytest.mark.parametrize("url", ["http://10.0.0.1/graphql", "http://example.com/graphql"])
def test_other_addresses_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        require_loopback(url)


def test_profile_summary_shares_self_time_by_package() -> None:
    site = "/v/lib/python3.11/site-packages"
    run = "run (/usr/lib/python3.11/asyncio/events.py:80)"
    lines = [
        f"{run};execute ({site}/graphql/execution/x.py:1) 3",
        f"{run};read ({site}/neo4j/_async/io.py:9) 1",
        "garbage line",
    ]
    summary = summarize(lines)
    assert summary["samples"] == 4
    assert summary["self_by_package"][0] == ("graphql", 0.75)
    assert dict(summary["inclusive"])["run (/usr/lib/python3.11/asyncio/events.py)"] == 1.0
    assert package_of("/usr/lib/python3.11/json/encoder.py") == "stdlib:json"


# -- register_deal and network ------------------------------------------------------------

DEAL_POOL = ("cu-000101", "cu-000102", "cu-000103")


def _deal_floor_record(customer: str = "cu-000101") -> dict[str, Any]:
    return {
        "status": "SUBMITTED",
        "rejectionReason": None,
        "registrant": "co-000002",
        "registeredBy": "us-000006",
        "vendor": "co-000001",
        "partnership": "pa-000001",
        "customer": customer,
        "amount": 25000.0,
        "dataLink": True,
    }


def test_register_deal_answers_of_floor_and_gateway_normalize_alike() -> None:
    gid = to_global_id
    query = build_suite(load_policy(), DEAL_POOL)[-1]
    assert query.key == "register_deal"
    gateway = {
        "registerDeal": {
            "status": "SUBMITTED",
            "rejectionReason": None,
            "amount": 25000,
            "registrant": {"id": gid("Company", "co-000002")},
            "registeredBy": {"id": gid("User", "us-000006")},
            "vendor": {"id": gid("Company", "co-000001")},
            "partnership": {"id": gid("Partnership", "pa-000001")},
            "customer": {"id": gid("Customer", "cu-000101")},
            "dataLink": {"id": gid("DataLink", "dl-0123456789abcdef")},
        }
    }
    a = query.from_floor([_deal_floor_record()])
    b = query.from_gateway(gateway_data({"data": gateway}))
    assert first_difference(a, b) is None
    assert check_answer("register_deal", a) == []
    without_link = query.from_gateway(
        {"registerDeal": {**gateway["registerDeal"], "dataLink": None}}
    )
    assert first_difference(a, without_link) == "$.dataLink: true != false"


def test_a_conflicting_or_linkless_registration_breaks_the_suite() -> None:
    rejected = {**_deal_floor_record(), "status": "REJECTED", "rejectionReason": "CONFLICT"}
    assert check_answer("register_deal", rejected) != []
    assert check_answer("register_deal", {**_deal_floor_record(), "dataLink": False}) != []
    assert check_answer("register_deal", {**_deal_floor_record(), "registeredBy": None}) != []
    with pytest.raises(AnswerError):
        SUITE["register_deal"].from_floor([])  # a refused registration returns no row


def test_each_timed_registration_is_another_account_with_fresh_ids_and_key() -> None:
    query = build_suite(load_policy(), DEAL_POOL)[-1]
    calls = [query.nth(i) for i in range(4)]
    assert [c.floor_params["customerId"] for c in calls] == [*DEAL_POOL, DEAL_POOL[0]]
    for call in calls:
        # Both systems register for the same customer in the same call.
        variables = call.gateway_variables["input"]
        assert graph_id(variables["customerId"], "Customer") == call.floor_params["customerId"]
        assert variables["idempotencyKey"] == call.floor_params["idempotencyKey"]
        assert call.viewer == call.floor_params["userId"] == "us-000006"
        assert call.write
        assert call.undo is not None
    for name in ("idempotencyKey", "auditId", "claim", "dealId", "linkId", "linkAuditId"):
        assert len({c.floor_params[name] for c in calls}) == len(calls), name
    # One timed call per account: a second registration for one would be held for review.
    assert query.max_requests == len(DEAL_POOL)
    assert set(query.excluded) == {"neo4j-graphql"}
    assert "queries/register_deal.graphql" not in neo4j_graphql.missing(("register_deal",))
    assert query.undo_params["title"] == query.floor_params["title"]


def _network_floor_record() -> dict[str, Any]:
    return {
        "start": "co-000001",
        "nodes": [
            {"id": "co-000001", "distance": 0},
            {"id": "co-000002", "distance": 1},
            {"id": "co-000003", "distance": 1},
            {"id": "co-000007", "distance": 2},
        ],
        "edges": [
            {
                "id": "pa-000001",
                "tier": "HIGH",
                "status": "ACTIVE",
                "vendor": "co-000001",
                "partner": "co-000002",
            },
            {
                "id": "pa-000002",
                "tier": "MEDIUM",
                "status": "ACTIVE",
                "vendor": "co-000001",
                "partner": "co-000003",
            },
            {
                "id": "pa-000009",
                "tier": "LOW",
                "status": "ENDED",
                "vendor": "co-000007",
                "partner": "co-000002",
            },
        ],
    }


def test_the_three_network_answers_normalize_to_the_same_form() -> None:
    gid = to_global_id
    record = _network_floor_record()

    def gw_edge(e: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": gid("Partnership", e["id"]),
            "tier": e["tier"],
            "status": e["status"],
            "vendor": {"id": gid("Company", e["vendor"])},
            "partner": {"id": gid("Company", e["partner"])},
        }

    gateway = {
        "network": {
            "start": {"id": gid("Company", "co-000001")},
            "nodes": [
                {"distance": n["distance"], "company": {"id": gid("Company", n["id"])}}
                for n in record["nodes"]
            ],
            "edges": [gw_edge(e) for e in record["edges"]],
        }
    }

    def node_edge(e: dict[str, Any]) -> dict[str, Any]:
        return {**e, "vendor": {"id": e["vendor"]}, "partner": {"id": e["partner"]}}

    pa1, pa2, pa9 = (node_edge(e) for e in record["edges"])
    # The tree of queries/network.graphql: hop 1 both roles, hop 2 the other party's.
    node_body = {
        "data": {
            "companies": [
                {
                    "id": "co-000001",
                    "vendorIn": [
                        {**pa2, "partner": {"id": "co-000003", "vendorIn": [], "partnerIn": [pa2]}},
                        {
                            **pa1,
                            "partner": {"id": "co-000002", "vendorIn": [], "partnerIn": [pa9, pa1]},
                        },
                    ],
                    "partnerIn": [],
                }
            ]
        }
    }
    query = SUITE["network"]
    a = query.from_floor([record])
    b = query.from_gateway(gateway_data({"data": gateway}))
    c = neo4j_graphql.normalize("network", node_body)
    assert first_difference(a, b) is None
    assert first_difference(a, c) is None
    assert check_answer("network", a) == []
    assert size(a) == 7


def test_network_answers_breaking_the_suite_promises() -> None:
    record = _network_floor_record()
    nodes, edges = record["nodes"], record["edges"]
    unordered = {**record, "nodes": [nodes[0], nodes[3], nodes[1], nodes[2]]}
    assert any("ordered" in p for p in check_answer("network", unordered))
    stray = {**record, "nodes": [*nodes, {"id": "co-000099", "distance": 2}]}
    assert any("no edge" in p for p in check_answer("network", stray))
    dangling = {**record, "edges": [*edges, {**edges[0], "id": "pa-000010", "partner": "co-9"}]}
    assert any("not a node" in p for p in check_answer("network", dangling))
    too_far = {**record, "nodes": [*nodes[:3], {"id": "co-000007", "distance": 3}]}
    assert check_answer("network", too_far) != []
    assert check_answer("network", {**record, "start": "co-000002"}) != []


def test_report_says_not_comparable_where_a_system_does_not_take_part() -> None:
    from scripts.bench import report

    def cell(system: str, median: float) -> dict[str, Any]:
        return {
            "key": "register_deal",
            "concurrency": 1,
            "system": system,
            "latency_ms": {"median": median, "p99": median},
            "throughput_ops": 100.0,
            "cpu_ms_per_op": {"server": 1.0},
        }

    cells = [cell("floor", 2.0), cell("gateway", 6.0)]
    reason = SUITE["register_deal"].excluded["neo4j-graphql"]
    results: dict[str, Any] = {
        "settings": {
            "keys": ["register_deal"],
            "excluded": {"register_deal": dict(SUITE["register_deal"].excluded)},
        },
        "agreement": {
            "keys": {
                "register_deal": {
                    "systems": {
                        "gateway": {"round_trips_wire": 9},
                        "neo4j-graphql": {"excluded": reason},
                    }
                }
            }
        },
        "ratios": ratios(cells),
        "cells": cells,
    }
    assert report.excluded(results, "register_deal", "neo4j-graphql") == reason
    assert report.excluded(results, "register_deal", "gateway") is None
    lines = report._summary_table(
        results,
        {(c["key"], c["concurrency"], c["system"]): c for c in cells},
        ["floor", "gateway", "neo4j-graphql"],
        ["register_deal"],
    )
    row = next(line for line in lines if line.startswith("| `register_deal`"))
    assert "not comparable" in row
    assert "3.00×" in row  # gateway ÷ floor still reported
