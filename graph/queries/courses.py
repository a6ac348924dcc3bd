"""Courses of vendors, completions and certification counts.

Row level: a course is read only when the viewer's company is its vendor or
one of the vendor's ACTIVE partners (``$activePartners``). Completions are
read for users of the viewer's own company only (users are visible to their
own company); the vendor of a course counts every user's completion of it,
never listing one (docs/analytics.md, Figures).

The writes (graph/commands/courses.py) create courses and record completions.
"""

from typing import LiteralString

from graph.queries.paging import page_return

_VISIBLE_VENDOR: LiteralString = "(v.id = $companyId OR v.id IN $activePartners)"
_PROPS: LiteralString = "c {.id, .title, .level, .passingScore}"

COURSES_BY_IDS_QUERY: LiteralString = (
    "MATCH (v:Company)-[:OFFERS]->(c:Course) WHERE c.id IN $ids AND "
    + _VISIBLE_VENDOR
    + "\nRETURN {id: c.id, props: "
    + _PROPS
    + ", vendor: v.id} AS row"
)

# Parents are vendor company ids; a page per vendor ordered by (title, id).
COURSES_OF_COMPANIES_QUERY: LiteralString = (
    "UNWIND $parents AS p\n"
    "MATCH (v:Company {id: p.key}) WHERE " + _VISIBLE_VENDOR + "\nCALL (v) {\n"
    "  MATCH (v)-[:OFFERS]->(c:Course)\n"
    "  WITH c ORDER BY c.title, c.id\n"
    "  WITH {id: c.id, k: c.title, props: "
    + _PROPS
    + ", vendor: v.id} AS row\n"
    + page_return()
    + "}\n"
    "RETURN p.key AS key, total, page"
)

# Distinct users who completed each course, and those at or above its passing score.
# Callers pass only ids of courses the viewer sees. A completion is a row of the
# user's company and of the course's vendor (recorded on its course): the vendor
# counts every user's, anyone else only its own company's users, so a partner
# never learns how its vendor's other partners train.
COURSE_COUNTS_QUERY: LiteralString = """
UNWIND $ids AS id
MATCH (v:Company)-[:OFFERS]->(c:Course {id: id})
OPTIONAL MATCH (u:User)-[r:COMPLETED]->(c)
WHERE v.id = $companyId OR (u)-[:MEMBER_OF]->(:Company {id: $companyId})
RETURN id,
       count(DISTINCT u) AS completions,
       count(DISTINCT CASE WHEN r.score >= coalesce(c.passingScore, $passingScore)
                           THEN u END) AS certified
"""

# Parents are user ids; only users of the viewer's company, only visible courses.
COMPLETIONS_OF_USERS_QUERY: LiteralString = (
    "UNWIND $parents AS p\n"
    "CALL (p) {\n"
    "  MATCH (:Company {id: $companyId})<-[:MEMBER_OF]-(:User {id: p.key})\n"
    "        -[r:COMPLETED]->(c:Course)<-[:OFFERS]-(v:Company)\n"
    "  WHERE " + _VISIBLE_VENDOR + "\n  WITH r, c, v ORDER BY c.title, c.id\n"
    "  WITH {id: c.id, k: c.title, at: r.at, score: r.score, attempts: r.attempts,\n"
    "        course: {id: c.id, props: "
    + _PROPS
    + ", vendor: v.id}} AS row\n"
    + page_return()
    + "}\n"
    "RETURN p.key AS key, total, page"
)

# Distinct users of each partnership's partner company certified on its vendor's
# courses; only partnerships the viewer's company is a party of.
CERTIFIED_USERS_QUERY: LiteralString = """
UNWIND $ids AS id
MATCH (v:Company)-[:VENDOR_IN]->(:Partnership {id: id})<-[:PARTNER_IN]-(pc:Company)
WHERE v.id = $companyId OR pc.id = $companyId
OPTIONAL MATCH (pc)<-[:MEMBER_OF]-(u:User)-[r:COMPLETED]->(c:Course)<-[:OFFERS]-(v)
WHERE r.score >= coalesce(c.passingScore, $passingScore)
RETURN id, count(DISTINCT u) AS certified
"""

# The viewer's own completion of each course (visible courses only).
VIEWER_COMPLETIONS_QUERY: LiteralString = (
    "MATCH (:User {id: $userId})-[r:COMPLETED]->(c:Course)<-[:OFFERS]-(v:Company)\n"
    "WHERE c.id IN $ids AND "
    + _VISIBLE_VENDOR
    + "\nRETURN {id: c.id, at: r.at, score: r.score, attempts: r.attempts,\n"
    "        course: {id: c.id, props: " + _PROPS + ", vendor: v.id}} AS row"
)

# -- writes (graph/commands/courses.py) -------------------------------------

CREATED_COURSE_QUERY: LiteralString = """
MATCH (v:Company {id: $vendor})
CREATE (v)-[:OFFERS]->(c:Course {
  id: $id, title: $title, level: $level, passingScore: $passingScore, createdAt: datetime()
})
RETURN c.id AS id
"""

# The facts of one completion, read under a lock on the user.
COMPLETION_FACTS_QUERY: LiteralString = """
MATCH (u:User {id: $userId})-[:MEMBER_OF]->(me:Company)
SET u._lock = true REMOVE u._lock
WITH u, me
MATCH (v:Company)-[:OFFERS]->(c:Course {id: $courseId})
RETURN v.id AS vendor,
       [(v)-[:VENDOR_IN|PARTNER_IN]->(p:Partnership {status: 'ACTIVE'})
         <-[:VENDOR_IN|PARTNER_IN]-(me) WHERE me <> v | me.id] AS partnered,
       [(u)-[r:COMPLETED]->(c) | r.score][0] AS previous
"""

COMPLETION_RECORDED_QUERY: LiteralString = """
MATCH (u:User {id: $userId}), (c:Course {id: $courseId})
MERGE (u)-[r:COMPLETED]->(c)
WITH r, r.score IS NULL OR $score > r.score AS better,
     CASE WHEN r.score IS NULL THEN 1 ELSE coalesce(r.attempts, 1) + 1 END AS attempts
SET r.attempts = attempts, r.lastAttemptAt = datetime(),
    r.at = CASE WHEN better THEN datetime() ELSE r.at END,
    r.score = CASE WHEN better THEN $score ELSE r.score END
RETURN r.score AS score, r.attempts AS attempts
"""
