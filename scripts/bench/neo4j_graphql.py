"""System (c)'s side of the suite: its operations, variables and answers, from bench/neo4j_graphql.

That directory belongs to the Node server (server.mjs, typeDefs.graphql,
queries/<key>.graphql, README.md describing each response shape). This module
only reads it: the operation text of a key, the variables it takes, and how
its response maps onto the canonical form of bench/SUITE.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scripts.bench.canonical import (
    CUSTOMER_FIELDS,
    FILTER_SORT_FIELDS,
    NESTED_CUSTOMER_FIELDS,
    AnswerError,
    JsonValue,
    row,
)

if TYPE_CHECKING:
    from scripts.bench.suite import SuiteQuery

DIRECTORY = Path(__file__).resolve().parents[2] / "bench" / "neo4j_graphql"
QUERIES = DIRECTORY / "queries"


def missing(keys: tuple[str, ...] | None = None) -> list[str]:
    """What the Node system still lacks to run here (empty: ready)."""
    from scripts.bench.suite import NEO4J_GRAPHQL_EXCLUDED, SUITE_KEYS

    absent = [
        name
        for name in ("server.mjs", "package.json", "node_modules")
        if not (DIRECTORY / name).exists()
    ]
    absent += [
        f"queries/{key}.graphql"
        for key in keys or SUITE_KEYS
        if key not in NEO4J_GRAPHQL_EXCLUDED and not (QUERIES / f"{key}.graphql").exists()
    ]
    return absent


def package_versions() -> dict[str, str]:
    """Installed versions of the Node packages that matter."""
    versions: dict[str, str] = {}
    for name in ("@neo4j/graphql", "@apollo/server", "graphql", "neo4j-driver"):
        manifest = DIRECTORY / "node_modules" / name / "package.json"
        try:
            versions[name] = str(json.loads(manifest.read_text())["version"])
        except (OSError, ValueError, KeyError):
            continue
    return versions


def operation(key: str) -> str:
    return (QUERIES / f"{key}.graphql").read_text()


def variables(query: SuiteQuery) -> dict[str, Any]:
    """The variables of the key's operation (graph ids: the Node schema's ids are graph ids)."""
    return dict(query.variables)


def response_data(body: Mapping[str, Any]) -> Mapping[str, Any]:
    """The data of a response; any error entry refuses it (no partial answers there)."""
    errors = body.get("errors")
    if errors:
        raise AnswerError(f"neo4j-graphql errors: {errors!r:.300}")
    data = body.get("data")
    if not isinstance(data, Mapping):
        raise AnswerError(f"neo4j-graphql answered no data: {dict(body)!r:.300}")
    return data


def _id(node: Any) -> Any:
    return node.get("id") if isinstance(node, Mapping) else None


def _company_customers(data: Mapping[str, Any]) -> JsonValue:
    companies = data["companies"]
    if not companies:
        return []
    edges = companies[0]["customersConnection"]["edges"]
    return [row(edge["node"], CUSTOMER_FIELDS) for edge in edges]


def _nested(data: Mapping[str, Any]) -> JsonValue:
    out: list[JsonValue] = []
    for edge in data["partnershipsConnection"]["edges"]:
        node = edge["node"]
        links: list[JsonValue] = []
        for link in node["dataLinks"]:
            if link["allCustomers"]:
                owner = link.get("owner") or {}
                customers = owner.get("customers") or []
            else:
                customers = link["covers"]
            links.append(
                {
                    "link": link["link"],
                    "customers": [row(c, NESTED_CUSTOMER_FIELDS) for c in customers],
                }
            )
        out.append({"partnership": node["partnership"], "links": links})
    return out


def _edge(node: Mapping[str, Any]) -> dict[str, JsonValue]:
    return {
        "id": node["id"],
        "tier": node["tier"],
        "status": node["status"],
        "vendor": _id(node.get("vendor")),
        "partner": _id(node.get("partner")),
    }


def _network(data: Mapping[str, Any]) -> JsonValue:
    """Breadth-first distances over the two-level tree of queries/network.graphql."""
    companies = data["companies"]
    if not companies:
        raise AnswerError("neo4j-graphql network: no start company")
    start = companies[0]
    origin = str(start["id"])
    distances: dict[str, int] = {origin: 0}
    edges: dict[str, dict[str, JsonValue]] = {}
    hop1 = [(p, p["partner"]) for p in start["vendorIn"]]
    hop1 += [(p, p["vendor"]) for p in start["partnerIn"]]
    for partnership, _ in hop1:
        edge = edges.setdefault(partnership["id"], _edge(partnership))
        for side in ("vendor", "partner"):
            distances.setdefault(str(edge[side]), 1)
    for _, other in hop1:
        if other is None or distances.get(other["id"]) != 1:
            continue  # the start itself
        for partnership in [*other["vendorIn"], *other["partnerIn"]]:
            edge = edges.setdefault(partnership["id"], _edge(partnership))
            for side in ("vendor", "partner"):
                distances.setdefault(str(edge[side]), 2)
    return {
        "start": origin,
        "nodes": [
            {"id": c, "distance": d}
            for c, d in sorted(distances.items(), key=lambda kv: (kv[1], kv[0]))
        ],
        "edges": [edges[k] for k in sorted(edges)],
    }


def normalize(key: str, body: Mapping[str, Any]) -> JsonValue:
    """bench/neo4j_graphql/queries/<key>.graphql's answer, in the canonical form.

    The mapping of each key is the one its query file and normalize.mjs state.
    """
    data = response_data(body)
    try:
        if key == "viewer":
            viewer = data["viewer"]
            return {
                "user": viewer["user"],
                "company": _id(viewer.get("company")),
                "role": viewer["role"],
            }
        if key == "company_partnerships":
            company = data["companies"][0] if data["companies"] else {}
            return {
                "company": company.get("company"),
                "name": company.get("name"),
                "partnerships": [
                    {
                        "id": n["id"],
                        "tier": n["tier"],
                        "status": n["status"],
                        "structure": n["structure"],
                        "vendor": _id(n.get("vendor")),
                        "partner": _id(n.get("partner")),
                    }
                    for n in (e["node"] for e in data["partnershipsConnection"]["edges"])
                ],
            }
        if key in ("customers_owner", "customers_high", "customers_medium"):
            return _company_customers(data)
        if key == "nested":
            return _nested(data)
        if key == "filter_sort":
            edges = data["customersConnection"]["edges"]
            return [row(e["node"], FILTER_SORT_FIELDS) for e in edges]
        if key == "network":
            return _network(data)
    except (KeyError, IndexError, TypeError) as exc:
        raise AnswerError(f"neo4j-graphql {key}: unexpected shape ({exc!r})") from exc
    raise AnswerError(f"unknown suite key {key}")
