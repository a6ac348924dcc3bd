"""Course and CourseCompletion: a vendor's training and its partners' certifications.

A course is visible to its vendor and its ACTIVE partners. Counts of
completions and certifications cover every company's users for the course's
vendor, the viewer's own company's users for anyone else; a list of
completions is only ever of the viewer's own company's users.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from graph import CompletionRow, CourseRow, NotFound, Page, as_datetime
from policy import DEFAULT_PASSING_SCORE, is_certified
from schema.context import Info
from schema.ids import to_global_id
from schema.nodes import COMPANY, node_type
from schema.types.connections import page_info
from schema.types.node import Node, PageInfo

if TYPE_CHECKING:
    from schema.types.company import Company


@strawberry.enum
class CourseLevel(Enum):
    BEGINNER = "BEGINNER"
    INTERMEDIATE = "INTERMEDIATE"
    ADVANCED = "ADVANCED"


@node_type
@strawberry.type
class Course(Node):
    id: strawberry.ID
    title: str
    level: CourseLevel | None
    passing_score: int = strawberry.field(
        description="A completion at or above this score certifies the user."
    )
    row: strawberry.Private[CourseRow]

    @classmethod
    def from_row(cls, row: CourseRow) -> Self:
        p = row.props
        level = p.get("level")
        passing = p.get("passingScore")
        return cls(
            id=strawberry.ID(to_global_id("Course", row.id)),
            title=p.get("title") or "",
            level=CourseLevel(level) if level in CourseLevel.__members__ else None,
            passing_score=DEFAULT_PASSING_SCORE if passing is None else int(passing),
            row=row,
        )

    @classmethod
    async def load(cls, info: Info, graph_id: str) -> Self | None:
        row = await info.context.reader.courses.course(graph_id)
        return cls.from_row(row) if row else None

    @strawberry.field
    async def vendor(
        self, info: Info
    ) -> Annotated[Company, strawberry.lazy("schema.types.company")]:
        return await COMPANY.cls.require(info, self.row.vendor)

    @strawberry.field(
        description=(
            "Distinct users who completed the course: of any company for its vendor, "
            "of the viewer's own company for anyone else."
        )
    )
    async def completion_count(self, info: Info) -> int:
        return (await info.context.reader.courses.counts(self.row.id)).completions

    @strawberry.field(
        description=(
            "Distinct users certified on the course: of any company for its vendor, "
            "of the viewer's own company for anyone else."
        )
    )
    async def certified_count(self, info: Info) -> int:
        return (await info.context.reader.courses.counts(self.row.id)).certified

    @strawberry.field(description="The viewer's own completion of this course, if any.")
    async def viewer_completion(self, info: Info) -> CourseCompletion | None:
        row = await info.context.reader.courses.viewer_completion(self.row.id)
        return CourseCompletion.from_row(row) if row else None


@strawberry.type(description="A user's best result on a course; retakes keep the best score.")
class CourseCompletion:
    course: Course
    completed_at: datetime | None = strawberry.field(description="When the best score was reached.")
    score: int | None
    attempts: int
    certified: bool

    @classmethod
    def from_row(cls, row: CompletionRow) -> Self:
        passing = row.course.props.get("passingScore")
        score = None if row.score is None else round(row.score)
        return cls(
            course=Course.from_row(row.course),
            completed_at=as_datetime(row.at),
            score=score,
            attempts=row.attempts,
            certified=is_certified(row.score, passing),
        )


@strawberry.type
class CourseEdge:
    node: Course
    cursor: str


@strawberry.type
class CourseConnection:
    edges: list[CourseEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class CourseCompletionEdge:
    node: CourseCompletion
    cursor: str


@strawberry.type
class CourseCompletionConnection:
    edges: list[CourseCompletionEdge]
    page_info: PageInfo
    total_count: int


def course_connection(page: Page[CourseRow]) -> CourseConnection:
    return CourseConnection(
        edges=[
            CourseEdge(node=Course.from_row(r), cursor=c)
            for r, c in zip(page.rows, page.cursors, strict=True)
        ],
        page_info=page_info(page),
        total_count=page.total,
    )


def completion_connection(page: Page[CompletionRow]) -> CourseCompletionConnection:
    return CourseCompletionConnection(
        edges=[
            CourseCompletionEdge(node=CourseCompletion.from_row(r), cursor=c)
            for r, c in zip(page.rows, page.cursors, strict=True)
        ],
        page_info=page_info(page),
        total_count=page.total,
    )


async def require_course(info: Info, graph_id: str) -> Course:
    """A course the viewer just created, read back through its authorization."""
    await info.context.refresh()
    course = await Course.load(info, graph_id)
    if course is None:
        raise NotFound("Course", argument="id")
    return course
