"""Training and certification: a vendor's courses visible to it and its ACTIVE partners,
completions recorded by partners' users (a retake keeps the best score), counts for the
vendor and partners, certified users per partnership for its two parties only."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from graph import Database
from tests.db.conftest import GraphLoader
from tests.support.audit import audit_trail
from tests.support.builder import Builder
from tests.support.client import Gateway
from tests.support.customers import gid, graph_id

b = Builder()
vendor = b.company("Vendor")
high = b.company("High partner")
medium = b.company("Medium partner")
low = b.company("Low partner")
suspended = b.company("Suspended partner")
third = b.company("High partner of High")
stranger = b.company("Stranger")
v_exec = b.user(vendor, "EXECUTIVE")
v_manager = b.user(vendor, "MANAGER")
v_rep = b.user(vendor, "REP")
h_one = b.user(high, "REP")
h_two = b.user(high, "REP")
h_analyst = b.user(high, "ANALYST")
m_rep = b.user(medium, "REP")
l_rep = b.user(low, "REP")
s_exec = b.user(suspended, "EXECUTIVE")
t_exec = b.user(third, "EXECUTIVE")
x_exec = b.user(stranger, "EXECUTIVE")
vh = b.partnership(vendor, high, tier="HIGH")
vm = b.partnership(vendor, medium, tier="MEDIUM")
b.partnership(vendor, low, tier="LOW")
vs = b.partnership(vendor, suspended, tier="HIGH", status="SUSPENDED")
b.partnership(third, high, tier="HIGH")
basics = b.course(vendor, title="Basics")  # default passing score 70
expert = b.course(vendor, title="Expert", level="ADVANCED", passingScore=80)
b.completion(h_one, basics, 90)  # certified
b.completion(h_two, basics, 60)  # not
b.completion(h_one, expert, 75)  # not: below 80
b.completion(m_rep, basics, 85)  # certified
b.completion(s_exec, basics, 99)  # certified, but the partnership is suspended

COURSE = """query($id: ID!) { course(id: $id) {
  id title level passingScore completionCount certifiedCount vendor { id } } }"""
NODE = "query($id: ID!) { node(id: $id) { ... on Course { title completionCount } } }"
COURSES = """query($id: ID!) { company(id: $id) {
  courses { totalCount edges { node { title certifiedCount } } } } }"""
CERTIFIED = "query($id: ID!) { partnership(id: $id) { certifiedUsers } }"
RECORD = """mutation($id: ID!, $score: Int!, $key: String) {
  recordCourseCompletion(courseId: $id, score: $score, idempotencyKey: $key) {
    score attempts certified completedAt course { title } } }"""
CREATE = """mutation($input: CreateCourseInput!) { createCourse(input: $input) {
  id title level passingScore completionCount } }"""
MY_COMPLETIONS = """{ viewer { user { completions {
  totalCount edges { node { score certified course { title } } } } } } }"""


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader) -> None:
    await load_graph(b.data)


# (completions, certified) of Basics, completions of Expert: the vendor counts every
# user's completion of its courses; a partner only its own users' (h_one, h_two;
# m_rep; none of low's), never how the vendor's other partners train.
COUNTS = {vendor: ((4, 3), 1), high: ((2, 1), 1), medium: ((1, 1), 0), low: ((0, 0), 0)}


@pytest.mark.parametrize(
    ("user", "company"),
    [(v_exec, vendor), (v_rep, vendor), (h_one, high), (m_rep, medium), (l_rep, low)],
)
async def test_the_vendor_and_its_active_partners_see_courses_and_counts(
    gateway: Gateway, user: str, company: str
) -> None:
    (completions, certified), expert_completions = COUNTS[company]
    data = await gateway.ok(user, COURSE, {"id": gid("Course", basics)})
    course = data["course"]
    assert (course["title"], course["level"], course["passingScore"]) == ("Basics", "BEGINNER", 70)
    assert (course["completionCount"], course["certifiedCount"]) == (completions, certified)
    node = await gateway.ok(user, NODE, {"id": gid("Course", expert)})
    assert node["node"] == {"title": "Expert", "completionCount": expert_completions}
    listed = await gateway.ok(user, COURSES, {"id": gid("Company", vendor)})
    assert listed["company"]["courses"]["totalCount"] == 2
    assert [e["node"] for e in listed["company"]["courses"]["edges"]] == [
        {"title": "Basics", "certifiedCount": certified},
        {"title": "Expert", "certifiedCount": 0},
    ]


@pytest.mark.parametrize("user", [s_exec, t_exec, x_exec])
async def test_companies_without_an_active_partnership_see_no_courses(
    gateway: Gateway, user: str
) -> None:
    for query, root in ((COURSE, "course"), (NODE, "node")):
        result = await gateway.query(user, query, {"id": gid("Course", basics)})
        assert result.data[root] is None
        assert not result.errors
    listed = await gateway.ok(user, COURSES, {"id": gid("Company", vendor)})
    assert listed["company"]["courses"] == {"totalCount": 0, "edges": []}


@pytest.mark.parametrize(
    ("user", "partnership", "count"),
    [(v_exec, vh, 1), (h_two, vh, 1), (v_rep, vm, 1), (m_rep, vm, 1), (v_exec, vs, 1)],
)
async def test_the_two_parties_read_certified_users_of_their_partnership(
    gateway: Gateway, user: str, partnership: str, count: int
) -> None:
    data = await gateway.ok(user, CERTIFIED, {"id": gid("Partnership", partnership)})
    assert data["partnership"]["certifiedUsers"] == count


async def test_a_third_party_sees_the_partnership_but_not_its_certifications(
    gateway: Gateway,
) -> None:
    result = await gateway.query(t_exec, CERTIFIED, {"id": gid("Partnership", vh)})
    assert result.data["partnership"] == {"certifiedUsers": None}
    [error] = result.errors_at("partnership", "certifiedUsers")
    assert error["extensions"] == {"code": "FORBIDDEN", "group": "PARTY"}


async def test_users_see_their_own_completions_and_not_other_companies_users(
    gateway: Gateway,
) -> None:
    own = await gateway.ok(h_one, MY_COMPLETIONS)
    completions = own["viewer"]["user"]["completions"]
    assert completions["totalCount"] == 2
    assert [e["node"] for e in completions["edges"]] == [
        {"score": 90, "certified": True, "course": {"title": "Basics"}},
        {"score": 75, "certified": False, "course": {"title": "Expert"}},
    ]
    query = """query($id: ID!) { node(id: $id) { ... on User {
      completions { totalCount } } } }"""
    colleague = await gateway.ok(h_two, query, {"id": gid("User", h_one)})
    assert colleague["node"]["completions"]["totalCount"] == 2
    for outsider in (v_exec, m_rep):
        seen = await gateway.ok(outsider, query, {"id": gid("User", h_one)})
        assert seen["node"] is None


async def test_a_completion_of_a_suspended_vendor_course_is_not_listed(gateway: Gateway) -> None:
    data = await gateway.ok(s_exec, MY_COMPLETIONS)
    assert data["viewer"]["user"]["completions"]["totalCount"] == 0


async def test_a_partner_user_records_a_completion_and_a_retake_keeps_the_best(
    gateway: Gateway, db: Database
) -> None:
    cid = gid("Course", expert)
    first = (await gateway.ok(m_rep, RECORD, {"id": cid, "score": 85}))["recordCourseCompletion"]
    assert (first["score"], first["attempts"], first["certified"]) == (85, 1, True)
    worse = (await gateway.ok(m_rep, RECORD, {"id": cid, "score": 60}))["recordCourseCompletion"]
    assert (worse["score"], worse["attempts"]) == (85, 2)
    assert worse["completedAt"] == first["completedAt"]
    better = (await gateway.ok(m_rep, RECORD, {"id": cid, "score": 95}))["recordCourseCompletion"]
    assert (better["score"], better["attempts"]) == (95, 3)
    rows = await db.read(
        "MATCH (:User {id: $u})-[r:COMPLETED]->(:Course {id: $c}) RETURN count(r) AS n",
        {"u": m_rep, "c": expert},
    )
    assert rows[0]["n"] == 1
    events = await audit_trail(db, expert)
    assert [(e["action"], e["actor"]) for e in events] == [("course.completion", m_rep)] * 3
    counted = await gateway.ok(v_exec, CERTIFIED, {"id": gid("Partnership", vm)})
    assert counted["partnership"]["certifiedUsers"] == 1  # m_rep was already certified


async def test_a_new_certification_raises_the_partnership_count(gateway: Gateway) -> None:
    await gateway.ok(h_two, RECORD, {"id": gid("Course", basics), "score": 70})
    data = await gateway.ok(v_exec, CERTIFIED, {"id": gid("Partnership", vh)})
    assert data["partnership"]["certifiedUsers"] == 2


async def test_a_retried_completion_with_one_key_counts_one_attempt(
    gateway: Gateway, db: Database
) -> None:
    variables = {"id": gid("Course", expert), "score": 50, "key": "c-1"}
    results = await asyncio.gather(*(gateway.query(l_rep, RECORD, variables) for _ in range(6)))
    assert all(not r.errors for r in results), [r.body for r in results]
    assert {r.data["recordCourseCompletion"]["attempts"] for r in results} == {1}
    assert len(await audit_trail(db, expert)) == 1


@pytest.mark.parametrize(
    ("user", "code"),
    [
        (v_exec, "FORBIDDEN"),  # the vendor writes courses, it does not take them
        (h_analyst, "FORBIDDEN"),
        (s_exec, "NOT_FOUND"),  # a suspended partnership shows no course
        (t_exec, "NOT_FOUND"),
        (x_exec, "NOT_FOUND"),
    ],
)
async def test_who_may_record_a_completion(gateway: Gateway, user: str, code: str) -> None:
    result = await gateway.query(user, RECORD, {"id": gid("Course", basics), "score": 80})
    assert result.codes() == [code]


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"score": 101}, "score"),
        ({"score": -1}, "score"),
        ({"score": 80, "id": gid("Product", "pr-000001")}, "courseId"),
    ],
)
async def test_a_bad_completion_names_the_argument(
    gateway: Gateway, variables: dict[str, Any], argument: str
) -> None:
    result = await gateway.query(m_rep, RECORD, {"id": gid("Course", basics), **variables})
    assert result.codes() == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["argument"] == argument


async def test_a_manager_creates_a_course_partners_then_see_it(
    gateway: Gateway, db: Database
) -> None:
    data = await gateway.ok(v_manager, CREATE, {"input": {"title": "New", "level": "INTERMEDIATE"}})
    created = data["createCourse"]
    assert (created["title"], created["level"], created["passingScore"]) == (
        "New",
        "INTERMEDIATE",
        70,
    )
    seen = await gateway.ok(l_rep, COURSE, {"id": created["id"]})
    assert seen["course"]["completionCount"] == 0
    events = await audit_trail(db, graph_id(created["id"]))
    assert [(e["action"], e["actor"]) for e in events] == [("course.create", v_manager)]


@pytest.mark.parametrize("user", [v_rep, h_analyst])
async def test_reps_and_analysts_cannot_create_courses(gateway: Gateway, user: str) -> None:
    result = await gateway.query(user, CREATE, {"input": {"title": "No"}})
    assert result.codes() == ["FORBIDDEN"]


@pytest.mark.parametrize(
    ("field", "value"), [("title", ""), ("title", "x" * 201), ("passingScore", 101)]
)
async def test_bad_course_input_names_the_field(
    gateway: Gateway, field: str, value: object
) -> None:
    result = await gateway.query(v_exec, CREATE, {"input": {"title": "T", field: value}})
    assert result.codes() == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["argument"] == f"input.{field}"


async def test_the_same_idempotency_key_creates_one_course(gateway: Gateway, db: Database) -> None:
    variables = {"input": {"title": "Once", "idempotencyKey": "k"}}
    results = await asyncio.gather(*(gateway.query(v_exec, CREATE, variables) for _ in range(6)))
    assert len({r.data["createCourse"]["id"] for r in results if not r.errors}) == 1
    rows = await db.read(
        "MATCH (:Company {id: $v})-[:OFFERS]->(c:Course {title: 'Once'}) RETURN count(c) AS n",
        {"v": vendor},
    )
    assert rows[0]["n"] == 1


def training_graph(vendors: int, per: int) -> tuple[Builder, str]:
    g = Builder()
    partner = g.company("Partner")
    user = g.user(partner, "REP")
    for i in range(vendors):
        v = g.company(f"Vendor {i}")
        g.partnership(v, partner, tier="LOW")
        for _ in range(per):
            g.completion(user, g.course(v), 80)
    return g, user


TRAINING = """{ viewer {
  user { completions(first: 100) { totalCount edges { node { certified course { title } } } } }
  company { partnerships(first: 50) { edges { node { certifiedUsers vendor {
    courses(first: 50) { totalCount edges { node { title completionCount certifiedCount
      viewerCompletion { score } vendor { name } } } } } } } } } } }"""


async def test_round_trips_of_courses_do_not_grow_with_vendors_or_courses(
    gateway: Gateway, load_graph: GraphLoader
) -> None:
    trips = []
    for vendors, per in ((2, 2), (15, 12)):
        g, user = training_graph(vendors, per)
        await load_graph(g.data)
        result = await gateway.query(user, TRAINING)
        assert not result.errors, result.errors
        viewer = result.data["viewer"]
        assert viewer["user"]["completions"]["totalCount"] == vendors * per
        edges = viewer["company"]["partnerships"]["edges"]
        assert sum(e["node"]["certifiedUsers"] for e in edges) == vendors
        trips.append(result.round_trips)
    assert trips[0] == trips[1], trips
    assert trips[1] <= 9, trips
