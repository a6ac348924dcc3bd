"""What every aggregate's reader shares: the request's scope, pages and paging, the base class.

A ``ReadScope`` is one request's view of the graph: the database, the viewer
whose rules every statement applies, the policy, the statistics the gateway
turns into metrics, and the paging of connections. ``GraphReader``
(graph/readers/__init__.py) makes one per request and hands it to the reader
of each aggregate it is asked for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, LiteralString, TypeVar

from aiodataloader import DataLoader

from graph.cursors import CursorCodec
from graph.driver import Database, QueryStats
from graph.errors import BadUserInput
from graph.readers._loaders import batch_loader
from graph.viewer import Viewer
from policy import Policy

Props = dict[str, Any]

R = TypeVar("R")
K = TypeVar("K", bound=Hashable)
G = TypeVar("G", bound=Hashable)
P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class PageArgs:
    """``first``/``after`` of a connection field, checked against the configured maximum.

    ``count`` says whether the client selected ``totalCount``: counting means
    gathering every visible row, which a page alone does not need.
    """

    first: int
    after: str | None
    count: bool = True


@dataclass(frozen=True, slots=True)
class Page(Generic[R]):
    """One page of a connection: rows with their cursors, and the total before paging."""

    rows: Sequence[R]
    cursors: Sequence[str]
    total: int
    has_next: bool
    has_previous: bool

    @classmethod
    def empty(cls) -> Page[R]:
        return cls(rows=(), cursors=(), total=0, has_next=False, has_previous=False)


#: A page's length when a client names none, and the longest it may name: the defaults of
#: the gateway's limits (PRM_DEFAULT_FIRST, PRM_MAX_FIRST), written here once.
DEFAULT_FIRST: Final = 20
MAX_FIRST: Final = 100


class Paging:
    """Keyset paging of every connection: arguments, statement parameters, cursors.

    A cursor is the signed (ordering, sort key, id) of a row; the statement keeps
    the rows strictly after it (graph/queries/paging.py) and one more, which tells
    whether there is a next page.
    """

    def __init__(
        self, codec: CursorCodec, *, default_first: int = DEFAULT_FIRST, max_first: int = MAX_FIRST
    ):
        self._codec = codec
        self._default_first = default_first
        self._max_first = max_first

    @property
    def max_first(self) -> int:
        return self._max_first

    def args(self, first: int | None, after: str | None, *, count: bool = True) -> PageArgs:
        if first is None:
            first = self._default_first
        if first < 0 or first > self._max_first:
            raise BadUserInput(f"'first' must be between 0 and {self._max_first}", argument="first")
        return PageArgs(first, after, count)

    def params(self, ordering: str, args: PageArgs) -> dict[str, Any]:
        """``$afterK``, ``$afterId`` and ``$limit`` of a connection statement."""
        keyset = None if args.after is None else self._codec.decode(ordering, args.after)
        return {
            "afterK": keyset.key if keyset else None,
            "afterId": keyset.id if keyset else None,
            "limit": args.first + 1,
        }

    def page(
        self,
        ordering: str,
        args: PageArgs,
        total: int,
        raw: Sequence[Mapping[str, Any]],
        build: Callable[[Mapping[str, Any]], R],
    ) -> Page[R]:
        window = raw[: args.first]
        return Page(
            rows=[build(r) for r in window],
            cursors=[self._codec.encode(ordering, r.get("k"), str(r["id"])) for r in window],
            total=total,
            has_next=len(raw) > args.first,
            has_previous=args.after is not None,
        )


@dataclass(frozen=True, slots=True)
class ReadScope:
    """One request's reads: who reads, under which policy, through which database."""

    db: Database
    viewer: Viewer
    policy: Policy
    stats: QueryStats
    paging: Paging


class AggregateReader:
    """Base of one aggregate's reads (customers, deals, products, ...), reached from
    ``GraphReader``: it shares the request's viewer, stats and paging."""

    def __init__(self, scope: ReadScope) -> None:
        self._scope = scope

    @property
    def viewer(self) -> Viewer:
        return self._scope.viewer

    @property
    def policy(self) -> Policy:
        return self._scope.policy

    @property
    def paging(self) -> Paging:
        return self._scope.paging

    def viewer_params(self) -> dict[str, Any]:
        """What the row rules of every aggregate take as parameters, in one place."""
        v = self.viewer
        return {
            "companyId": v.company_id,
            "userId": v.user_id,
            "role": v.role,
            "managed": sorted(v.managed),
            "activePartners": sorted(v.active_partners),
        }

    async def _read(self, query: LiteralString, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        return await self._scope.db.read(query, params, self._scope.stats)

    def _loader(
        self, name: str, load: Callable[[Sequence[Any]], Awaitable[Any]]
    ) -> DataLoader[Any, Any]:
        return batch_loader(self._scope.stats, name, load)


async def grouped(
    keys: Sequence[K],
    *,
    group_of: Callable[[K], G],
    parent_of: Callable[[K], P],
    run: Callable[[G, list[P]], Awaitable[Mapping[P, Page[R]]]],
) -> list[Page[R]]:
    """The batch function of a connection loader: one statement per distinct set of
    arguments (``group_of``), over all the parents that share it; a parent the
    statement returned nothing for gets an empty page."""
    groups: dict[G, list[P]] = defaultdict(list)
    for key in keys:
        groups[group_of(key)].append(parent_of(key))
    results: dict[tuple[G, P], Page[R]] = {}
    for group, parents in groups.items():
        pages = await run(group, list(dict.fromkeys(parents)))
        for parent in parents:
            results[(group, parent)] = pages.get(parent, Page[R].empty())
    return [results[(group_of(k), parent_of(k))] for k in keys]
