"""The suite of bench/SUITE.md: per key, the gateway operation, the floor statement, normalizers.

A ``SuiteQuery`` holds everything one key needs on (a) and (b); (c)'s
operation text lives in ``bench/neo4j_graphql/queries/<key>.graphql`` and is
normalized by ``scripts.bench.neo4j_graphql``. Normalizers turn each system's
answer into the canonical form of ``scripts.bench.canonical``; ``check_answer``
holds the suite's own promises about the answer (so three systems cannot
agree on an empty or wrong one).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, LiteralString

from policy import ALL_CUSTOMER_GROUPS, DEFAULT_PROTECTION_DAYS, FieldGroup, Policy, load_policy
from scripts.bench import floor
from scripts.bench.canonical import (
    CUSTOMER_FIELDS,
    DEAL_FIELDS,
    FILTER_SORT_FIELDS,
    NESTED_CUSTOMER_FIELDS,
    NETWORK_EDGE_FIELDS,
    NETWORK_NODE_FIELDS,
    PARTNERSHIP_FIELDS,
    AnswerError,
    JsonValue,
    first_difference,
    graph_id,
    row,
    to_global_id,
)

#: The viewer of every query: EXECUTIVE of co-000001 (graph/generator/synthetic.py).
VIEWER_USER = "us-000001"
VIEWER_COMPANY = "co-000001"
HIGH_OWNER = "co-000002"  # shares with co-000001 through dl-000001 (HIGH)
MEDIUM_OWNER = "co-000003"  # shares through dl-000002 (MEDIUM)
INDUSTRY = "Software"
PAGE = 100
PARTNERSHIPS = 50
#: register_deal: the EXECUTIVE of co-000002 registers deals with co-000001 under
#: pa-000001 (ACTIVE, HIGH), each time for another customer co-000002 owns. An
#: EXECUTIVE may share the customer, so each registration writes its DataLink too
#: (a REP's shares nothing unless its company lets REPs share when registering).
DEAL_USER = "us-000006"
DEAL_PARTNER = "co-000002"
DEAL_VENDOR = VIEWER_COMPANY
DEAL_PARTNERSHIP = "pa-000001"
DEAL_AMOUNT = 25000.0
#: Marks the suite's registrations, so that they can be undone (REGISTERED_DEALS_UNDONE_QUERY).
DEAL_TITLE = "bench register_deal"
DEAL_KEY_PREFIX = "bench-register-deal-"
NETWORK_DEPTH = 2
#: What the gateway may answer besides data: a field the viewer may not read.
ALLOWED_ERROR_CODES = frozenset({"FORBIDDEN"})

Normalizer = Callable[[Any], JsonValue]


@dataclass(frozen=True)
class SuiteQuery:
    key: str
    what: str
    gateway_query: str
    gateway_variables: Mapping[str, Any]
    floor_query: LiteralString
    floor_params: Mapping[str, Any]
    #: data of a gateway response → canonical answer
    from_gateway: Normalizer
    #: list of floor records (dicts) → canonical answer
    from_floor: Normalizer
    #: Point queries: cost should follow the result, not the graph (SF1 vs SF10).
    point: bool = True
    #: Variables of (c)'s operation (bench/neo4j_graphql/queries/<key>.graphql).
    variables: Mapping[str, Any] = field(default_factory=dict)
    #: Who asks (the token's ``sub``; the floor's ``$userId``).
    viewer: str = VIEWER_USER
    #: A write: the floor runs it in a write transaction.
    write: bool = False
    #: Run after each check answer and each timed run, so that the graph is as
    #: loaded again (counts, and the other queries' answers).
    undo: LiteralString | None = None
    undo_params: Mapping[str, Any] = field(default_factory=dict)
    #: The query of the n-th call of a timed run, when calls must differ (fresh
    #: ids and keys, another customer); None: every call is this query.
    iteration: Callable[[int], SuiteQuery] | None = None
    #: At most this many timed calls per run (the distinct calls ``iteration`` has).
    max_requests: int | None = None
    #: Systems that do not take part, and why (their answers are not comparable).
    excluded: Mapping[str, str] = field(default_factory=dict)

    def nth(self, n: int) -> SuiteQuery:
        """The query of the n-th call (itself, unless calls must differ)."""
        return self if self.iteration is None else self.iteration(n)


def floor_base_params(policy: Policy) -> dict[str, Any]:
    """The parameters every floor statement takes: viewer, policy tables."""
    return {
        "userId": VIEWER_USER,
        "owner": None,
        "tierGroups": {
            tier.value: sorted(g.value for g in groups)
            for tier, groups in policy.tier_groups.items()
        },
        "fields": {name: group.value for name, group in policy.customer_fields.items()},
        "ownerGroups": sorted(g.value for g in ALL_CUSTOMER_GROUPS),
    }


# -- gateway answers ---------------------------------------------------------


def _edges(connection: Any) -> list[Any]:
    if not isinstance(connection, Mapping) or not isinstance(connection.get("edges"), list):
        raise AnswerError(f"expected a connection, got {connection!r:.200}")
    return [edge["node"] for edge in connection["edges"]]


def _gateway_viewer(data: Any) -> JsonValue:
    viewer = data["viewer"]
    return {
        "user": graph_id(viewer["user"]["id"], "User"),
        "company": graph_id(viewer["company"]["id"], "Company"),
        "role": viewer["role"],
    }


def _gateway_partnership(node: Mapping[str, Any]) -> JsonValue:
    return {
        "id": graph_id(node["id"], "Partnership"),
        "tier": node["tier"],
        "status": node["status"],
        "structure": node["structure"],
        "vendor": graph_id(node["vendor"]["id"], "Company"),
        "partner": graph_id(node["partner"]["id"], "Company"),
    }


def _gateway_company_partnerships(data: Any) -> JsonValue:
    company = data["company"]
    return {
        "company": graph_id(company["id"], "Company"),
        "name": company["name"],
        "partnerships": [_gateway_partnership(n) for n in _edges(company["partnerships"])],
    }


def _gateway_customers(data: Any) -> JsonValue:
    return [row(n, CUSTOMER_FIELDS) for n in _edges(data["customers"])]


def _gateway_nested(data: Any) -> JsonValue:
    return [
        {
            "partnership": graph_id(p["id"], "Partnership"),
            "links": [
                {
                    "link": graph_id(link["id"], "DataLink"),
                    "customers": [
                        row(c, NESTED_CUSTOMER_FIELDS) for c in _edges(link["customers"])
                    ],
                }
                for link in _edges(p["dataLinks"])
            ],
        }
        for p in _edges(data["company"]["partnerships"])
    ]


def _gateway_filter_sort(data: Any) -> JsonValue:
    return [row(n, FILTER_SORT_FIELDS) for n in _edges(data["customers"])]


def _gateway_register_deal(data: Any) -> JsonValue:
    deal = data["registerDeal"]
    if not isinstance(deal, Mapping):
        raise AnswerError(f"registerDeal answered {deal!r:.200}")

    def ref(name: str, type_name: str) -> JsonValue:
        node = deal[name]
        return None if node is None else graph_id(node["id"], type_name)

    return {
        "status": deal["status"],
        "rejectionReason": deal["rejectionReason"],
        "registrant": ref("registrant", "Company"),
        "registeredBy": ref("registeredBy", "User"),
        "vendor": ref("vendor", "Company"),
        "partnership": ref("partnership", "Partnership"),
        "customer": ref("customer", "Customer"),
        "amount": deal["amount"],
        "dataLink": deal["dataLink"] is not None,
    }


def _gateway_network(data: Any) -> JsonValue:
    network = data["network"]
    if not isinstance(network, Mapping):
        raise AnswerError(f"network answered {network!r:.200}")
    return {
        "start": graph_id(network["start"]["id"], "Company"),
        "nodes": [
            {"id": graph_id(n["company"]["id"], "Company"), "distance": n["distance"]}
            for n in network["nodes"]
        ],
        "edges": [
            {
                "id": graph_id(e["id"], "Partnership"),
                "tier": e["tier"],
                "status": e["status"],
                "vendor": graph_id(e["vendor"]["id"], "Company"),
                "partner": graph_id(e["partner"]["id"], "Company"),
            }
            for e in network["edges"]
        ],
    }


def gateway_data(body: Mapping[str, Any]) -> Any:
    """The data of a gateway response whose only errors are unreadable fields."""
    for error in body.get("errors") or ():
        code = (error.get("extensions") or {}).get("code")
        if code not in ALLOWED_ERROR_CODES or not error.get("path"):
            raise AnswerError(f"gateway error: {error!r:.300}")
    data = body.get("data")
    if not isinstance(data, Mapping):
        raise AnswerError(f"gateway answered no data: {dict(body)!r:.300}")
    return data


# -- floor answers -------------------------------------------------------------


def _one(records: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    if len(records) != 1:
        raise AnswerError(f"expected one record, got {len(records)}")
    return records[0]


def _floor_viewer(records: Any) -> JsonValue:
    r = _one(records)
    return {"user": r["user"], "company": r["company"], "role": r["role"]}


def _floor_company_partnerships(records: Any) -> JsonValue:
    r = _one(records)
    return {
        "company": r["company"],
        "name": r["name"],
        "partnerships": [row(p, PARTNERSHIP_FIELDS) for p in r["partnerships"]],
    }


def _floor_customers(records: Any) -> JsonValue:
    return [row(r, CUSTOMER_FIELDS) for r in records]


def _floor_nested(records: Any) -> JsonValue:
    return [
        {
            "partnership": r["partnership"],
            "links": [
                {
                    "link": link["link"],
                    "customers": [row(c, NESTED_CUSTOMER_FIELDS) for c in link["customers"]],
                }
                for link in r["links"]
            ],
        }
        for r in records
    ]


def _floor_filter_sort(records: Any) -> JsonValue:
    return [row(r, FILTER_SORT_FIELDS) for r in records]


def _floor_register_deal(records: Any) -> JsonValue:
    r = _one(records)
    missing = [f for f in DEAL_FIELDS if f not in r]
    if missing:
        raise AnswerError(f"register_deal lacks {missing}")
    return {f: r[f] for f in DEAL_FIELDS}


def _floor_network(records: Any) -> JsonValue:
    r = _one(records)
    return {
        "start": r["start"],
        "nodes": [{f: n[f] for f in NETWORK_NODE_FIELDS} for n in r["nodes"]],
        "edges": [{f: e[f] for f in NETWORK_EDGE_FIELDS} for e in r["edges"]],
    }


# -- the suite -----------------------------------------------------------------

_CUSTOMER_SELECTION = " ".join(CUSTOMER_FIELDS)

VIEWER_OPERATION = "query Viewer { viewer { user { id } company { id } role } }"

COMPANY_PARTNERSHIPS_OPERATION = """query CompanyPartnerships($company: ID!, $first: Int!) {
  company(id: $company) {
    id name
    partnerships(first: $first) { edges { node {
      id tier status structure vendor { id } partner { id }
    } } }
  }
}"""

CUSTOMERS_OF_OWNER_OPERATION = (
    """query CustomersOfOwner($owner: ID!, $first: Int!) {
  customers(first: $first, filter: {ownerId: $owner}) { edges { node { """
    + _CUSTOMER_SELECTION
    + """ } } }
}"""
)

NESTED_OPERATION = """query Nested(
  $company: ID!, $partnerships: Int!, $links: Int!, $customers: Int!
) {
  company(id: $company) {
    partnerships(first: $partnerships) { edges { node {
      id
      dataLinks(first: $links) { edges { node {
        id
        customers(first: $customers) { edges { node { id name email annualRevenue } } }
      } } }
    } } }
  }
}"""

FILTER_SORT_OPERATION = """query FilterSort($industry: String!, $first: Int!) {
  customers(first: $first, filter: {industry: {eq: $industry}},
            orderBy: {field: NAME, direction: ASC}) {
    edges { node { id name industry } }
  }
}"""


REGISTER_DEAL_OPERATION = """mutation RegisterDeal($input: RegisterDealInput!) {
  registerDeal(input: $input) {
    status rejectionReason amount
    registrant { id } registeredBy { id } vendor { id } partnership { id } customer { id }
    dataLink { id }
  }
}"""

NETWORK_OPERATION = """query Network($depth: Int!) {
  network(depth: $depth) {
    start { id }
    nodes { distance company { id } }
    edges { id tier status vendor { id } partner { id } }
  }
}"""

#: Why @neo4j/graphql does not take part in register_deal (DIFFERENCES.md, "register_deal").
NEO4J_GRAPHQL_NO_DEAL = (
    "not comparable: its generated createOpportunities cannot state the conflict rule, the "
    "automatic DataLink or the AuditEvent, and without APOC it has no @authorization "
    "validate rule to refuse a create (bench/neo4j_graphql/DIFFERENCES.md)"
)


#: Suite keys in which @neo4j/graphql does not take part, and why.
NEO4J_GRAPHQL_EXCLUDED: Mapping[str, str] = {"register_deal": NEO4J_GRAPHQL_NO_DEAL}


def register_deal_query(
    base: Mapping[str, Any], customers: Sequence[str], n: int = 0
) -> SuiteQuery:
    """The n-th registration: customers[n % len(customers)], fresh ids and key."""
    if not customers:
        raise AnswerError("register_deal: no customer of the partner to register a deal for")
    customer = customers[n % len(customers)]
    key = f"{DEAL_KEY_PREFIX}{uuid.uuid4().hex}"
    return SuiteQuery(
        key="register_deal",
        what=f"{DEAL_USER} (EXECUTIVE of {DEAL_PARTNER}) registers a deal with {DEAL_VENDOR}",
        gateway_query=REGISTER_DEAL_OPERATION,
        gateway_variables={
            "input": {
                "partnershipId": to_global_id("Partnership", DEAL_PARTNERSHIP),
                "customerId": to_global_id("Customer", customer),
                "title": DEAL_TITLE,
                "amount": DEAL_AMOUNT,
                "idempotencyKey": key,
            }
        },
        floor_query=floor.REGISTER_DEAL_QUERY,
        floor_params={
            **base,
            "userId": DEAL_USER,
            "partnershipId": DEAL_PARTNERSHIP,
            "customerId": customer,
            "title": DEAL_TITLE,
            "amount": DEAL_AMOUNT,
            "currency": None,
            "days": DEFAULT_PROTECTION_DAYS,
            "idempotencyKey": key,
            "auditId": f"au-{uuid.uuid4().hex}",
            "claim": uuid.uuid4().hex,
            "dealId": f"op-{uuid.uuid4().hex[:16]}",
            "linkId": f"dl-{uuid.uuid4().hex[:16]}",
            "linkAuditId": f"au-{uuid.uuid4().hex}",
        },
        from_gateway=_gateway_register_deal,
        from_floor=_floor_register_deal,
        viewer=DEAL_USER,
        write=True,
        undo=floor.REGISTERED_DEALS_UNDONE_QUERY,
        undo_params={"title": DEAL_TITLE, "registrant": DEAL_PARTNER, "keyPrefix": DEAL_KEY_PREFIX},
        iteration=lambda i: register_deal_query(base, customers, i),
        max_requests=len(customers),
        excluded={"neo4j-graphql": NEO4J_GRAPHQL_EXCLUDED["register_deal"]},
    )


def build_suite(policy: Policy, deal_customers: Sequence[str] = ()) -> list[SuiteQuery]:
    """The suite; ``deal_customers`` (from DEAL_CUSTOMERS_QUERY on the loaded graph) are
    the customers register_deal cycles through."""
    base = floor_base_params(policy)
    company_gid = to_global_id("Company", VIEWER_COMPANY)
    deal_customers = tuple(deal_customers)

    def owner_query(key: str, owner: str, what: str) -> SuiteQuery:
        return SuiteQuery(
            key=key,
            what=what,
            gateway_query=CUSTOMERS_OF_OWNER_OPERATION,
            gateway_variables={"owner": to_global_id("Company", owner), "first": PAGE},
            floor_query=floor.CUSTOMERS_OF_OWNER_QUERY,
            floor_params={**base, "owner": owner, "limit": PAGE},
            from_gateway=_gateway_customers,
            from_floor=_floor_customers,
            variables={"ownerId": owner},
        )

    return [
        SuiteQuery(
            key="viewer",
            what="the viewer: user, company, role",
            gateway_query=VIEWER_OPERATION,
            gateway_variables={},
            floor_query=floor.VIEWER_ROW_QUERY,
            floor_params=base,
            from_gateway=_gateway_viewer,
            from_floor=_floor_viewer,
        ),
        SuiteQuery(
            key="company_partnerships",
            what=f"{VIEWER_COMPANY} and its first {PARTNERSHIPS} partnerships",
            gateway_query=COMPANY_PARTNERSHIPS_OPERATION,
            gateway_variables={"company": company_gid, "first": PARTNERSHIPS},
            floor_query=floor.COMPANY_WITH_PARTNERSHIPS_QUERY,
            floor_params={**base, "companyId": VIEWER_COMPANY, "limit": PARTNERSHIPS},
            from_gateway=_gateway_company_partnerships,
            from_floor=_floor_company_partnerships,
            variables={"companyId": VIEWER_COMPANY},
        ),
        owner_query("customers_owner", VIEWER_COMPANY, "first 100 own customers, all fields"),
        owner_query("customers_high", HIGH_OWNER, "first 100 customers shared under HIGH"),
        owner_query("customers_medium", MEDIUM_OWNER, "first 100 customers shared under MEDIUM"),
        SuiteQuery(
            key="nested",
            what="partnerships → data links → covered customers (50 × links × 100)",
            gateway_query=NESTED_OPERATION,
            gateway_variables={
                "company": company_gid,
                "partnerships": PARTNERSHIPS,
                "links": PAGE,
                "customers": PAGE,
            },
            floor_query=floor.PARTNERSHIP_LINK_CUSTOMERS_QUERY,
            floor_params={
                **base,
                "companyId": VIEWER_COMPANY,
                "partnerships": PARTNERSHIPS,
                "links": PAGE,
                "customers": PAGE,
            },
            from_gateway=_gateway_nested,
            from_floor=_floor_nested,
            variables={"companyId": VIEWER_COMPANY},
        ),
        SuiteQuery(
            key="filter_sort",
            what=f"visible customers in {INDUSTRY}, by name, first 100",
            gateway_query=FILTER_SORT_OPERATION,
            gateway_variables={"industry": INDUSTRY, "first": PAGE},
            floor_query=floor.CUSTOMERS_BY_INDUSTRY_BY_NAME_QUERY,
            floor_params={**base, "industry": INDUSTRY, "limit": PAGE},
            from_gateway=_gateway_filter_sort,
            from_floor=_floor_filter_sort,
            # Its candidates are every visible customer: they grow with the graph.
            point=False,
            variables={"industry": INDUSTRY},
        ),
        SuiteQuery(
            key="network",
            what=f"companies within {NETWORK_DEPTH} visible hops of {VIEWER_COMPANY}, "
            "partnerships met",
            gateway_query=NETWORK_OPERATION,
            gateway_variables={"depth": NETWORK_DEPTH},
            floor_query=floor.NETWORK_DEPTH_2_QUERY,
            floor_params={**base, "companyId": VIEWER_COMPANY},
            from_gateway=_gateway_network,
            from_floor=_floor_network,
            variables={"companyId": VIEWER_COMPANY},
        ),
        # Last: its writes are undone after each run (``undo``), and were they
        # not, every query after it would read a changed graph.
        register_deal_query(base, deal_customers or ("cu-000000",)),
    ]


SUITE_KEYS: tuple[str, ...] = (
    "viewer",
    "company_partnerships",
    "customers_owner",
    "customers_high",
    "customers_medium",
    "nested",
    "filter_sort",
    "network",
    "register_deal",
)

#: The fields of a suite row the default policy puts in CONTACT or FINANCIAL: what a
#: MEDIUM link hides and the owner reads.
_CONTACT_FINANCIAL = tuple(
    f
    for f, group in load_policy().customer_fields.items()
    if f in CUSTOMER_FIELDS and group in (FieldGroup.CONTACT, FieldGroup.FINANCIAL)
)


def check_answer(key: str, answer: JsonValue) -> list[str]:
    """The suite's own promises about an answer, independent of any system."""
    problems: list[str] = []
    if key == "viewer":
        expected = {"user": VIEWER_USER, "company": VIEWER_COMPANY, "role": "EXECUTIVE"}
        if answer != expected:
            problems.append(f"viewer is {answer!r}, expected {expected!r}")
        return problems
    if key == "company_partnerships":
        if not isinstance(answer, dict) or answer.get("company") != VIEWER_COMPANY:
            return [f"company_partnerships: not {VIEWER_COMPANY}"]
        partnerships = answer.get("partnerships")
        if not isinstance(partnerships, list) or not 0 < len(partnerships) <= PARTNERSHIPS:
            problems.append("company_partnerships: 1..50 partnerships expected")
        elif [p["id"] for p in partnerships if isinstance(p, dict)] != sorted(
            p["id"] for p in partnerships if isinstance(p, dict) and isinstance(p["id"], str)
        ):
            problems.append("company_partnerships: not ordered by id")
        return problems
    if key == "register_deal":
        return _check_register_deal(answer)
    if key == "network":
        return _check_network(answer)
    if not isinstance(answer, list) or not answer:
        return [f"{key}: expected a non-empty list"]
    if len(answer) > (PARTNERSHIPS if key == "nested" else PAGE):
        problems.append(f"{key}: {len(answer)} rows, more than a page")
    rows = [r for r in answer if isinstance(r, dict)]
    if key.startswith("customers_"):
        ids = [r["id"] for r in rows]
        if ids != sorted(str(i) for i in ids):
            problems.append(f"{key}: not ordered by id")
        readable = [r[f] is not None for r in rows for f in _CONTACT_FINANCIAL]
        if key == "customers_medium" and any(readable):
            problems.append("customers_medium: a CONTACT or FINANCIAL field is readable")
        if key == "customers_owner" and not all(readable):
            problems.append("customers_owner: a CONTACT or FINANCIAL field is unreadable")
        # dl-000001's customers are readable in full; other links of co-000002 may be narrower.
        if key == "customers_high" and not any(
            all(r[f] is not None for f in _CONTACT_FINANCIAL) for r in rows
        ):
            problems.append("customers_high: no row with CONTACT and FINANCIAL readable")
    if key == "filter_sort" and any(r["industry"] != INDUSTRY for r in rows):
        problems.append(f"filter_sort: a row outside {INDUSTRY}")
    if key == "nested" and not any(isinstance(r.get("links"), list) and r["links"] for r in rows):
        problems.append("nested: no partnership has a visible data link")
    return problems


def _check_register_deal(answer: JsonValue) -> list[str]:
    """Every registration of the suite is the same work: SUBMITTED, with its DataLink."""
    expected: dict[str, JsonValue] = {
        "status": "SUBMITTED",
        "rejectionReason": None,
        "registrant": DEAL_PARTNER,
        "registeredBy": DEAL_USER,
        "vendor": DEAL_VENDOR,
        "partnership": DEAL_PARTNERSHIP,
        "amount": DEAL_AMOUNT,
        "dataLink": True,
    }
    if not isinstance(answer, dict) or list(answer) != list(DEAL_FIELDS):
        return [f"register_deal: expected the fields {list(DEAL_FIELDS)}"]
    problems = [
        f"register_deal: {name} is {answer[name]!r}, expected {value!r}"
        for name, value in expected.items()
        if first_difference(answer[name], value) is not None
    ]
    if not isinstance(answer["customer"], str):
        problems.append("register_deal: no customer")
    return problems


def _check_network(answer: JsonValue) -> list[str]:
    """Nodes by (distance, id) from the start at 0, within the depth; edges by id, each
    between two nodes, and every node but the start reached by an edge."""
    if not isinstance(answer, dict) or answer.get("start") != VIEWER_COMPANY:
        return [f"network: not from {VIEWER_COMPANY}"]
    nodes, edges = answer.get("nodes"), answer.get("edges")
    if not isinstance(nodes, list) or not isinstance(edges, list) or not edges:
        return ["network: expected nodes and a non-empty list of edges"]
    problems: list[str] = []
    keys = [(n["distance"], n["id"]) for n in nodes if isinstance(n, dict)]
    if not keys or keys[0] != (0, VIEWER_COMPANY):
        problems.append("network: the start is not the first node at distance 0")
    if keys != sorted(keys, key=lambda k: (int(str(k[0])), str(k[1]))):
        problems.append("network: nodes not ordered by distance, id")
    if any(not isinstance(d, int) or not 0 <= d <= NETWORK_DEPTH for d, _ in keys):
        problems.append(f"network: a distance outside 0..{NETWORK_DEPTH}")
    if len({i for _, i in keys}) != len(keys):
        problems.append("network: a company twice")
    ids = [e["id"] for e in edges if isinstance(e, dict)]
    if ids != sorted(str(i) for i in ids) or len(set(ids)) != len(ids):
        problems.append("network: edges not ordered by id, or twice")
    known = {i for _, i in keys}
    ends = {e[side] for e in edges if isinstance(e, dict) for side in ("vendor", "partner")}
    if not ends <= known:
        problems.append("network: an edge to a company that is not a node")
    if known - {VIEWER_COMPANY} - ends:
        problems.append("network: a node no edge reaches")
    return problems
