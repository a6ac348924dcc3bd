"""Training: a vendor's courses, and completions by its partners' users."""

from __future__ import annotations

import strawberry

from graph import CourseInput, NotFound
from schema.context import Info
from schema.ids import expect_global_id
from schema.types.course import (
    Course,
    CourseCompletion,
    CourseLevel,
    require_course,
)


@strawberry.input
class CreateCourseInput:
    title: str
    level: CourseLevel = CourseLevel.BEGINNER
    passing_score: int = 70
    idempotency_key: str | None = strawberry.field(
        default=None, description="A retried request with the same key creates nothing new."
    )


@strawberry.type
class CourseMutations:
    @strawberry.mutation(description="A course the viewer's company offers (EXECUTIVE or MANAGER).")
    async def create_course(self, info: Info, input: CreateCourseInput) -> Course:
        outcome = await info.context.commands.courses.create_course(
            CourseInput(
                title=input.title,
                level=input.level.value,
                passing_score=input.passing_score,
                idempotency_key=input.idempotency_key,
            )
        )
        return await require_course(info, outcome.target_id)

    @strawberry.mutation(
        description=(
            "The viewer completed a course of a vendor its company is an ACTIVE partner of; "
            "one completion per user and course, a retake keeps the best score."
        )
    )
    async def record_course_completion(
        self,
        info: Info,
        course_id: strawberry.ID,
        score: int,
        idempotency_key: str | None = None,
    ) -> CourseCompletion:
        graph_id = expect_global_id(course_id, "Course", "courseId")
        await info.context.commands.courses.record_completion(graph_id, score, idempotency_key)
        await info.context.refresh()
        row = await info.context.reader.courses.viewer_completion(graph_id)
        if row is None:
            raise NotFound("Course", argument="courseId")
        return CourseCompletion.from_row(row)
