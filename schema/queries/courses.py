"""Lookup of one course; lists hang off Company.courses, completions off User."""

from __future__ import annotations

import strawberry

from schema.context import Info
from schema.ids import expect_global_id
from schema.types.course import Course


@strawberry.type
class CourseQueries:
    @strawberry.field(
        description="A course of the viewer's company or of a vendor it is an ACTIVE partner of."
    )
    async def course(self, info: Info, id: strawberry.ID) -> Course | None:
        return await Course.load(info, expect_global_id(id, "Course"))
