"""Courses: a vendor's courses, and completions recorded by its partners' users.

A completion is one ``COMPLETED`` relationship per (user, course), made with
``MERGE`` under a lock on the user, so a retake or a retried request never
makes a second one: it counts an attempt and keeps the best score (``at`` is
when that best score was reached).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from graph.commands._base import CommandSet, Done, Outcome
from graph.driver import WriteTx
from graph.errors import ActionForbidden, BadUserInput, NotFound
from graph.queries.courses import (
    COMPLETION_FACTS_QUERY,
    COMPLETION_RECORDED_QUERY,
    CREATED_COURSE_QUERY,
)
from policy import MAX_SCORE, may_manage_offerings, may_record_completion

MAX_TITLE = 200
LEVELS = frozenset({"BEGINNER", "INTERMEDIATE", "ADVANCED"})


@dataclass(frozen=True, slots=True)
class CourseInput:
    title: str
    level: str
    passing_score: int = 70
    idempotency_key: str | None = None

    def validate(self) -> None:
        if not self.title.strip() or len(self.title) > MAX_TITLE:
            raise BadUserInput(f"'title' is 1 to {MAX_TITLE} characters", argument="input.title")
        if self.level not in LEVELS:
            raise BadUserInput("Unknown course level", argument="input.level")
        if not 0 <= self.passing_score <= MAX_SCORE:
            raise BadUserInput(
                f"'passingScore' must be between 0 and {MAX_SCORE}", argument="input.passingScore"
            )


class CourseCommands(CommandSet):
    async def create_course(self, data: CourseInput) -> Outcome:
        """A course offered by the viewer's company."""
        vendor = self.viewer.company_id
        if not may_manage_offerings(self.actor, vendor):
            raise ActionForbidden("Only an EXECUTIVE or MANAGER may create a course")
        data.validate()

        async def work(tx: WriteTx) -> Done:
            new_id = f"cs-{uuid.uuid4().hex[:16]}"
            await tx.run(
                CREATED_COURSE_QUERY,
                {
                    "vendor": vendor,
                    "id": new_id,
                    "title": data.title,
                    "level": data.level,
                    "passingScore": data.passing_score,
                },
            )
            return Done(new_id, {"title": data.title, "passingScore": data.passing_score})

        return await self.execute(
            "course.create",
            work,
            idempotency_key=data.idempotency_key,
            fingerprint={
                "title": data.title,
                "level": data.level,
                "passingScore": data.passing_score,
            },
        )

    async def record_completion(
        self, course_id: str, score: int, idempotency_key: str | None = None
    ) -> Outcome:
        """The viewer completed a course of a vendor its company is an ACTIVE partner of."""
        if not 0 <= score <= MAX_SCORE:
            raise BadUserInput(f"'score' must be between 0 and {MAX_SCORE}", argument="score")
        v = self.viewer

        async def work(tx: WriteTx) -> Done:
            rows = await tx.run(
                COMPLETION_FACTS_QUERY, {"userId": v.user_id, "courseId": course_id}
            )
            if not rows:
                raise NotFound("Course", argument="courseId")
            row = rows[0]
            vendor = row["vendor"]
            partners = {vendor} if row["partnered"] else set()
            if vendor != v.company_id and not partners:
                raise NotFound("Course", argument="courseId")
            if not may_record_completion(v.company_id, v.role, vendor, partners):
                raise ActionForbidden("Only users of the vendor's ACTIVE partners take its courses")
            result = (
                await tx.run(
                    COMPLETION_RECORDED_QUERY,
                    {"userId": v.user_id, "courseId": course_id, "score": score},
                )
            )[0]
            return Done(
                course_id,
                {
                    "user": v.user_id,
                    "score": score,
                    "previous": row["previous"],
                    "best": result["score"],
                    "attempts": result["attempts"],
                },
            )

        return await self.execute(
            "course.completion",
            work,
            idempotency_key=idempotency_key,
            fingerprint={"course": course_id, "score": score},
        )
