"""Every figure of the API on random graphs agrees with the reference (docs/analytics.md,
"Figures"): portfolio, oversight with its breakdown, scorecards, certified users, course
counts, MDF remaining, network measures, account overlap counts, and the totalCount
of the lists (customers, partnerships, deals, links, MDF requests, courses,
completions, contacts, products, a link's customers).

Random graphs (``figure_graphs``) hold what a figure must not count: links a LOW
tier or a policy empties, links filed for a third company, deals the vendor or a
third company registered, MDF requests, other companies' completions. Every user
asks for every figure in one operation; each answer is compared with
``tests/support/reference.py`` (written from authorization.md and the docs,
sharing no code with the gateway), and every FORBIDDEN error must be one the
reference expects, at its path, with its group.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway, Result
from tests.support.customers import gid, graph_id
from tests.support.random_graphs import figure_graphs
from tests.support.reference import Reference

#: CI keeps this short; PRM_FUZZ_EXAMPLES=2000 make test (or make fuzz) runs it long.
EXAMPLES = int(os.environ.get("PRM_FUZZ_EXAMPLES", "10"))
MIN_BUCKET = 3
DAYS = 90

CONCENTRATION = "currency total topShare herfindahl top { value share partner { id } }"
PORTFOLIO = f"""portfolio {{
  partnerships {{ total byTier {{ key count }} byStructure {{ key count }}
    byStatus {{ key count }} }}
  wonRevenueConcentration(top: $top) {{ {CONCENTRATION} }}
  sharedCustomerConcentration(top: $top) {{ {CONCENTRATION} }}
  duplicatedCoverage {{ accounts byPartnerCount {{ key count }} }}
  atRisk(days: {DAYS}) {{ reasons pipelineRecent pipelinePrevious expiringLinks lastActivityAt
    partnership {{ id }} partner {{ id }} }} }}"""
MONEY = "{ currency amount }"
OVERSIGHT = f"""oversight {{ scope
  partnerships {{ count byStatus {{ key count }} byTier {{ key count }} }}
  deals {{ count byStatus {{ status count amounts {MONEY} }}
          openPipeline {MONEY} wonRevenue {MONEY} }}
  mdf {{ budget {MONEY} requested {MONEY} approved {MONEY} pending {MONEY} remaining {MONEY} }}
  breakdown(first: 100) {{ partnership {{ id }} currency dealCount openPipeline wonRevenue
    winRate mdfApproved mdfRemaining }} }}"""
SCORECARD = """scorecard { currency registeredPipeline wonRevenue winRate avgDealCycleDays
  certifiedUsers mdfUtilisation dataSharingDepth tenureDays composite recommendedTier
  criteria { criterion value weight normalized } }"""
PARTNERSHIP = f"""{SCORECARD} certifiedUsers mdfRemaining mdfRequests {{ totalCount }}
  dataLinks {{ totalCount }}"""
OVERLAP = "total byIndustry { key count } byRegion { key count }"
COMPANY = """partnerships { totalCount } contacts { totalCount } products { totalCount }
  courses(first: 100) { totalCount edges { node { id completionCount certifiedCount } } }"""
ROOTS = """networkMeasures(first: 100) {
    totalCount edges { node { degree centrality company { id } } } }
  customers { totalCount } opportunities { totalCount }
  dataLinks(direction: ALL, first: 100) {
    totalCount edges { node { id customers { totalCount } } } }
  viewer { user { completions { totalCount } } }"""


def operation(partnerships: list[str], companies: list[str]) -> str:
    declared = ["$top: Int!"]
    fields = [PORTFOLIO, OVERSIGHT, ROOTS]
    for i, _ in enumerate(partnerships):
        declared.append(f"$p{i}: ID!")
        fields.append(f"p{i}: partnership(id: $p{i}) {{ {PARTNERSHIP} }}")
        fields.append(f"o{i}: accountOverlap(partnershipId: $p{i}) {{ {OVERLAP} }}")
    for i, _ in enumerate(companies):
        declared.append(f"$c{i}: ID!")
        fields.append(f"c{i}: company(id: $c{i}) {{ {COMPANY} }}")
        fields.append(f"k{i}: customers(filter: {{ownerId: $c{i}}}) {{ totalCount }}")
    return f"query({', '.join(declared)}) {{ {' '.join(fields)} }}"


def same(got: Any, expected: Any, where: tuple[Any, ...] = ()) -> None:
    """Equal, floats to rounding (sums and shares are added up in another order)."""
    if isinstance(expected, float) or isinstance(got, float):
        assert got is not None, (where, got, expected)
        assert expected is not None, (where, got, expected)
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-9), (where, got, expected)
    elif isinstance(expected, dict):
        assert isinstance(got, dict), (where, got, expected)
        assert set(got) == set(expected), (where, got, expected)
        for key in expected:
            same(got[key], expected[key], (*where, key))
    elif isinstance(expected, list):
        assert isinstance(got, list), (where, got, expected)
        assert len(got) == len(expected), (where, got, expected)
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            same(g, e, (*where, i))
    else:
        assert got == expected, (where, got, expected)


def ids(value: Any) -> Any:
    """The response with every ``{id: <global id>}`` object as its graph id."""
    if isinstance(value, dict):
        if set(value) == {"id"}:
            return graph_id(value["id"])
        return {k: ids(v) for k, v in value.items()}
    if isinstance(value, list):
        return [ids(v) for v in value]
    return value


class Expectation:
    """What one user's operation must answer, and the FORBIDDEN errors it must carry."""

    def __init__(self, ref: Reference, user: str, top: int) -> None:
        self.ref, self.user, self.top = ref, user, top
        self.company = ref.company_of(user)
        self.errors: set[tuple[tuple[str | int, ...], str]] = set()

    def forbidden(self, group: str, *path: str | int) -> None:
        self.errors.add((path, group))

    def portfolio(self) -> dict[str, Any] | None:
        if not self.ref.sees_portfolio(self.user):
            self.forbidden("PORTFOLIO", "portfolio")
            return None
        expected = self.ref.portfolio(self.user, self.top, DAYS, MIN_BUCKET)
        for row in expected["atRisk"]:
            row.pop("lastActivityAt")  # compared to the millisecond, apart
        return expected

    def oversight(self) -> dict[str, Any]:
        expected = self.ref.oversight(self.user)
        if expected["mdf"] is None:
            self.forbidden("FINANCIAL", "oversight", "mdf")
        for i, row in enumerate(expected["breakdown"]):
            if row["mdfApproved"] is None:
                self.forbidden("FINANCIAL", "oversight", "breakdown", i, "mdfApproved")
                self.forbidden("FINANCIAL", "oversight", "breakdown", i, "mdfRemaining")
        return expected

    def partnership(self, alias: str, pid: str) -> dict[str, Any] | None:
        ref, user = self.ref, self.user
        view = ref.partnership_view(user, pid)
        if view is None:
            return None
        p = ref.partnerships[pid]
        party = view != "network"
        card = ref.scorecard(user, pid)
        if card is None:
            self.forbidden("SCORECARD", alias, "scorecard")
        if not party:
            self.forbidden("PARTY", alias, "certifiedUsers")
        remaining = ref.mdf_remaining(user, pid)
        if remaining is None:
            self.forbidden("FINANCIAL", alias, "mdfRemaining")
            self.forbidden("FINANCIAL", alias, "mdfRequests")
        links = [
            link
            for link in ref.data.data_links
            if link["partnership"] == pid and self.company in (link["owner"], link["recipient"])
        ]
        requests = [m for m in ref.data.mdf_requests if m["partnership"] == pid]
        return {
            "scorecard": None if card is None else scorecard_fields(card),
            "certifiedUsers": ref.certified_users(p["vendor"], p["partner"]) if party else None,
            "mdfRemaining": remaining,
            "mdfRequests": None if remaining is None else {"totalCount": len(requests)},
            "dataLinks": {"totalCount": len(links) if party else 0},
        }

    def company_figures(self, cid: str) -> dict[str, Any]:
        ref, user = self.ref, self.user
        courses = []
        if ref.sees_courses_of(user, cid):
            for course in sorted(c["id"] for c in ref.data.courses if c["vendor"] == cid):
                completions, certified = ref.course_counts(user, course)
                courses.append(
                    {
                        "node": {
                            "id": gid("Course", course),
                            "completionCount": completions,
                            "certifiedCount": certified,
                        }
                    }
                )
        partnerships = [
            p
            for p in ref.data.partnerships
            if cid in (p["vendor"], p["partner"]) and ref.partnership_view(user, p["id"])
        ]
        contacts = [c for c in ref.data.contacts if c.get("company") == cid]
        offered = ref.sees_courses_of(user, cid)  # products follow the same rule
        products = [p for p in ref.data.products if p["vendor"] == cid] if offered else []
        return {
            "partnerships": {"totalCount": len(partnerships)},
            "contacts": {
                "totalCount": len(contacts) if ref.sees_company_contacts(user, cid) else 0
            },
            "products": {"totalCount": len(products)},
            "courses": {"totalCount": len(courses), "edges": courses},
        }

    def roots(self) -> dict[str, Any]:
        ref, user, company = self.ref, self.user, self.company
        measures = ref.network_measures(user)
        seen = ref.company_customers(company)
        links = [
            {
                "node": {
                    "id": gid("DataLink", link["id"]),
                    # Customers of the link's owner it covers that the viewer sees.
                    "customers": {
                        "totalCount": sum(
                            1
                            for c in ref.data.customers
                            if c["owner"] == link["owner"]
                            and (link["allCustomers"] or c["id"] in link["covers"])
                            and c["id"] in seen
                        )
                    },
                }
            }
            for link in sorted(ref.data.data_links, key=lambda link: str(link["id"]))
            if company in (link["owner"], link["recipient"])
        ]
        visible_courses = {
            c["id"] for c in ref.data.courses if ref.sees_courses_of(user, c["vendor"])
        }
        return {
            "networkMeasures": {
                "totalCount": len(measures),
                "edges": [
                    {
                        "node": {
                            "degree": m["degree"],
                            "centrality": m["centrality"],
                            "company": m["company"],
                        }
                    }
                    for m in measures
                ],
            },
            "customers": {"totalCount": len(seen)},
            "opportunities": {"totalCount": len(ref.opportunities(user))},
            "dataLinks": {"totalCount": len(links), "edges": links},
            "viewer": {
                "user": {
                    "completions": {
                        "totalCount": sum(
                            1
                            for d in ref.data.completions
                            if d["user"] == user and d["course"] in visible_courses
                        )
                    }
                }
            },
        }


def scorecard_fields(card: dict[str, Any]) -> dict[str, Any]:
    """The reference's scorecard in the API's fields."""
    f = card["figures"]
    return {
        "currency": card["currency"],
        "registeredPipeline": f["REGISTERED_PIPELINE"],
        "wonRevenue": f["WON_REVENUE"],
        "winRate": f["WIN_RATE"],
        "avgDealCycleDays": f["AVG_DEAL_CYCLE_DAYS"],
        "certifiedUsers": int(f["CERTIFIED_USERS"] or 0),
        "mdfUtilisation": f["MDF_UTILISATION"],
        "dataSharingDepth": int(f["DATA_SHARING_DEPTH"] or 0),
        "tenureDays": int(f["TENURE_DAYS"] or 0),
        "composite": card["composite"],
        "recommendedTier": card["recommendedTier"],
        "criteria": card["criteria"],
    }


def check_at_risk_dates(got: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    for row, want in zip(got, expected, strict=True):
        at = datetime.fromisoformat(row["lastActivityAt"])
        assert abs((at - want["lastActivityAt"]).total_seconds()) < 0.002, (row, want)


async def check_user(gateway: Gateway, b: Builder, user: str, top: int) -> None:
    ref = Reference(b.data, datetime.now(UTC))
    partnerships = [p["id"] for p in b.data.partnerships]
    companies = [c["id"] for c in b.data.companies]
    variables: dict[str, Any] = {"top": top}
    variables.update({f"p{i}": gid("Partnership", p) for i, p in enumerate(partnerships)})
    variables.update({f"c{i}": gid("Company", c) for i, c in enumerate(companies)})
    result = await gateway.query(user, operation(partnerships, companies), variables)
    assert result.status == 200, result.body
    data = ids(result.data)
    expect = Expectation(ref, user, top)

    portfolio = expect.portfolio()
    if portfolio is not None:
        got = data["portfolio"]
        check_at_risk_dates(result.data["portfolio"]["atRisk"], ref.at_risk(user, DAYS))
        for row in got["atRisk"]:
            row.pop("lastActivityAt")
        event(f"partnerships at risk: {len(portfolio['atRisk'])}")
        event(f"partners sharing: {len(portfolio['sharedCustomerConcentration']['top'])}")
    same(data["portfolio"], portfolio, ("portfolio",))
    tenure = {}
    for i, pid in enumerate(partnerships):
        expected = expect.partnership(f"p{i}", pid)
        got = data[f"p{i}"]
        if expected and expected["scorecard"] and got and got["scorecard"]:
            # Days since a start counted from two clocks a moment apart.
            tenure[pid] = (
                got["scorecard"].pop("tenureDays"),
                expected["scorecard"].pop("tenureDays"),
            )
            got["scorecard"]["criteria"] = [
                c for c in got["scorecard"]["criteria"] if c["criterion"] != "TENURE_DAYS"
            ]
            expected["scorecard"]["criteria"] = [
                c for c in expected["scorecard"]["criteria"] if c["criterion"] != "TENURE_DAYS"
            ]
        same(got, expected, (f"p{i}",))
        overlap = ref.account_overlap(user, pid, MIN_BUCKET)
        same(
            data[f"o{i}"],
            None
            if overlap is None
            else {
                "total": overlap.total,
                "byIndustry": bucket_list(data[f"o{i}"]["byIndustry"], overlap.by_industry),
                "byRegion": bucket_list(data[f"o{i}"]["byRegion"], overlap.by_region),
            },
            (f"o{i}",),
        )
    assert all(abs(g - e) <= 1 for g, e in tenure.values()), tenure
    same(data["oversight"], expect.oversight(), ("oversight",))
    for key, value in expect.roots().items():
        same(data[key], value, (key,))
    for i, cid in enumerate(companies):
        same(data[f"c{i}"], expect.company_figures(cid), (f"c{i}",))
        owned = [c for c in ref.company_customers(expect.company) if owner_of(ref, c) == cid]
        same(data[f"k{i}"], {"totalCount": len(owned)}, (f"k{i}",))
    check_errors(result, expect)


def owner_of(ref: Reference, customer: str) -> str:
    return str(next(c["owner"] for c in ref.data.customers if c["id"] == customer))


def bucket_list(got: list[dict[str, Any]], expected: dict[str | None, int]) -> list[dict[str, Any]]:
    """The expected buckets, in the order the answer gave them (compared as a set)."""
    keys = [b["key"] for b in got]
    assert len(keys) == len(set(keys)), got
    assert set(keys) == set(expected), (got, expected)
    return [{"key": k, "count": expected[k]} for k in keys]


def check_errors(result: Result, expect: Expectation) -> None:
    got = set()
    for error in result.errors:
        extensions = error.get("extensions") or {}
        assert extensions.get("code") == "FORBIDDEN", error
        got.add((tuple(error["path"]), extensions.get("group")))
    assert got == expect.errors, got ^ expect.errors


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(graph=figure_graphs(), top=st.integers(1, 3))
async def test_every_figure_agrees_with_the_reference(
    gateway: Gateway, load_graph: GraphLoader, graph: Builder, top: int
) -> None:
    await load_graph(graph.data)
    for user in (u["id"] for u in graph.data.users):
        await check_user(gateway, graph, user, top)
