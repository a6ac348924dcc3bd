"""Reads of courses, completions and certification counts: one Cypher per batch.

Courses are visible to their vendor and its ACTIVE partners; a user's
completions are read by the user's own company only. A completion is also a
row of the course's vendor: the vendor counts them (``completionCount``,
``certifiedUsers``), never lists them; a partner counts its own users only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.queries.courses import (
    CERTIFIED_USERS_QUERY,
    COMPLETIONS_OF_USERS_QUERY,
    COURSE_COUNTS_QUERY,
    COURSES_BY_IDS_QUERY,
    COURSES_OF_COMPANIES_QUERY,
    VIEWER_COMPLETIONS_QUERY,
)
from graph.readers._base import AggregateReader, Page, PageArgs, Props, ReadScope, grouped
from policy import DEFAULT_PASSING_SCORE, sees_vendor_offerings


@dataclass(frozen=True, slots=True)
class CourseRow:
    id: str
    props: Props
    vendor: str


@dataclass(frozen=True, slots=True)
class CourseCounts:
    #: Distinct users who completed the course, and those at or above its passing score.
    completions: int
    certified: int


@dataclass(frozen=True, slots=True)
class CompletionRow:
    course: CourseRow
    at: Any
    score: float | None
    attempts: int


def _course_row(row: Mapping[str, Any]) -> CourseRow:
    return CourseRow(row["id"], row["props"], row["vendor"])


def _completion_row(row: Mapping[str, Any]) -> CompletionRow:
    return CompletionRow(
        course=_course_row(row["course"]),
        at=row.get("at"),
        score=row.get("score"),
        attempts=int(row.get("attempts") or 1),
    )


class CourseReader(AggregateReader):
    def __init__(self, scope: ReadScope) -> None:
        super().__init__(scope)
        self._courses = self._loader("courses.courses", self._load_courses)
        self._pages = self._loader("courses.pages", self._load_pages)
        self._counts = self._loader("courses.counts", self._load_counts)
        self._completion_pages = self._loader(
            "courses.completion_pages", self._load_completion_pages
        )
        self._certified = self._loader("courses.certified", self._load_certified)
        self._own = self._loader("courses.own_completions", self._load_own_completions)

    async def course(self, course_id: str) -> CourseRow | None:
        result: CourseRow | None = await self._courses.load(course_id)
        return result

    async def courses_of(self, company_id: str, args: PageArgs) -> Page[CourseRow]:
        v = self.viewer
        if not sees_vendor_offerings(v.company_id, company_id, v.active_partners):
            return Page.empty()
        result: Page[CourseRow] = await self._pages.load((company_id, args))
        return result

    async def counts(self, course_id: str) -> CourseCounts:
        """Caller passes a course the viewer sees."""
        result: CourseCounts = await self._counts.load(course_id)
        return result

    async def completions_of(self, user_id: str, args: PageArgs) -> Page[CompletionRow]:
        """A user's completions of courses the viewer sees; the user's own company only."""
        result: Page[CompletionRow] = await self._completion_pages.load((user_id, args))
        return result

    async def viewer_completion(self, course_id: str) -> CompletionRow | None:
        """The viewer's own completion of a course it sees."""
        result: CompletionRow | None = await self._own.load(course_id)
        return result

    async def certified_users(self, partnership_id: str) -> int:
        """Caller checks that the viewer's company is a party of the partnership."""
        result: int = await self._certified.load(partnership_id)
        return result

    async def _load_courses(self, ids: Sequence[str]) -> list[CourseRow | None]:
        rows = await self._read(COURSES_BY_IDS_QUERY, {"ids": list(ids), **self.viewer_params()})
        found = {r["row"]["id"]: _course_row(r["row"]) for r in rows}
        return [found.get(i) for i in ids]

    async def _load_own_completions(self, ids: Sequence[str]) -> list[CompletionRow | None]:
        params = {"ids": list(ids), "userId": self.viewer.user_id, **self.viewer_params()}
        rows = await self._read(VIEWER_COMPLETIONS_QUERY, params)
        found = {r["row"]["id"]: _completion_row(r["row"]) for r in rows}
        return [found.get(i) for i in ids]

    async def _load_counts(self, ids: Sequence[str]) -> list[CourseCounts]:
        params = {
            "ids": list(ids),
            "companyId": self.viewer.company_id,
            "passingScore": DEFAULT_PASSING_SCORE,
        }
        rows = await self._read(COURSE_COUNTS_QUERY, params)
        found = {r["id"]: CourseCounts(r["completions"], r["certified"]) for r in rows}
        return [found.get(i, CourseCounts(0, 0)) for i in ids]

    async def _load_certified(self, ids: Sequence[str]) -> list[int]:
        rows = await self._read(
            CERTIFIED_USERS_QUERY,
            {
                "ids": list(ids),
                "companyId": self.viewer.company_id,
                "passingScore": DEFAULT_PASSING_SCORE,
            },
        )
        found = {r["id"]: int(r["certified"]) for r in rows}
        return [found.get(i, 0) for i in ids]

    async def _load_pages(self, keys: Sequence[tuple[str, PageArgs]]) -> list[Page[CourseRow]]:
        async def run(args: PageArgs, parents: list[str]) -> dict[str, Page[CourseRow]]:
            ordering = "courses:TITLE:ASC"
            params = self.viewer_params()
            params.update(self.paging.params(ordering, args))
            params["parents"] = [{"key": p} for p in parents]
            return {
                r["key"]: self.paging.page(ordering, args, r["total"], r["page"], _course_row)
                for r in await self._read(COURSES_OF_COMPANIES_QUERY, params)
            }

        return await grouped(keys, group_of=lambda k: k[1], parent_of=lambda k: k[0], run=run)

    async def _load_completion_pages(
        self, keys: Sequence[tuple[str, PageArgs]]
    ) -> list[Page[CompletionRow]]:
        async def run(args: PageArgs, parents: list[str]) -> dict[str, Page[CompletionRow]]:
            ordering = "completions:TITLE:ASC"
            params = self.viewer_params()
            params.update(self.paging.params(ordering, args))
            params["parents"] = [{"key": p} for p in parents]
            return {
                r["key"]: self.paging.page(ordering, args, r["total"], r["page"], _completion_row)
                for r in await self._read(COMPLETIONS_OF_USERS_QUERY, params)
            }

        return await grouped(keys, group_of=lambda k: k[1], parent_of=lambda k: k[0], run=run)
