"""A live feed of AuditEvents, for subscriptions: one poller per process, many listeners.

Every mutation leaves an AuditEvent in the same transaction as its change
(``graph.commands``), so the audit trail is also the change feed, and it works
across workers and hosts without a message broker: whichever process serves a
subscription sees the writes of every other process.

An event's ``at`` is taken when its transaction starts, and the transaction
commits up to ``overlap`` seconds later (the statement timeout bounds it), so
each poll re-reads that window and drops the ids it has already delivered.

Events are routed before anyone is woken: each event names the companies it
concerns (the actor's, and a deal's registrant and vendor), each listener
listens for one company and may refuse an event on its facts alone, so an event
wakes only the subscribers it can concern; what they then do costs a viewer
reload each, which is why it must not happen for every event in the system.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from graph.driver import Database
from graph.errors import ServiceUnavailable
from graph.queries.audit import FEED_EVENTS_QUERY, FEED_NOW_QUERY
from graph.values import as_datetime

log = logging.getLogger("prm.feed")

BATCH = 5000
QUEUE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class FeedEvent:
    id: str
    at: datetime
    action: str
    target_id: str
    actor_id: str | None
    #: The actor's company.
    company_id: str | None
    #: A deal event's parties: the registering partner and the vendor.
    registrant_id: str | None = None
    vendor_id: str | None = None

    @property
    def companies(self) -> frozenset[str]:
        """Every company this event can concern."""
        ids = (self.company_id, self.registrant_id, self.vendor_id)
        return frozenset(i for i in ids if i is not None)


def _every_event(event: FeedEvent) -> bool:
    return True


@dataclass(eq=False)
class _Listener:
    prefixes: tuple[str, ...]
    company: str
    wants: Callable[[FeedEvent], bool]
    queue: asyncio.Queue[FeedEvent] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))


class AuditFeed:
    def __init__(self, db: Database, *, interval: float = 0.5, overlap: float = 20.0) -> None:
        self._db = db
        self._interval = interval
        self._overlap = timedelta(seconds=overlap)
        self._listeners: set[_Listener] = set()
        self._by_company: dict[str, set[_Listener]] = {}
        self._task: asyncio.Task[None] | None = None
        self._cursor: datetime | None = None
        self._seen: dict[str, datetime] = {}

    @contextlib.asynccontextmanager
    async def listen(
        self,
        *prefixes: str,
        company: str,
        wants: Callable[[FeedEvent], bool] = _every_event,
    ) -> AsyncIterator[asyncio.Queue[FeedEvent]]:
        """Events that concern ``company`` and whose action starts with one of
        ``prefixes``, from now on, until closed; ``wants`` may refuse one on its facts
        (it must not read the database: it runs for every candidate event)."""
        listener = _Listener(prefixes, company, wants)
        if self._cursor is None:
            self._cursor = await self._db_now()
        self._listeners.add(listener)
        self._by_company.setdefault(company, set()).add(listener)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="audit-feed")
        try:
            yield listener.queue
        finally:
            self._listeners.discard(listener)
            of_company = self._by_company.get(company)
            if of_company is not None:
                of_company.discard(listener)
                if not of_company:
                    del self._by_company[company]

    @property
    def listening(self) -> int:
        """How many subscriptions listen now (this process)."""
        return len(self._listeners)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _db_now(self) -> datetime:
        now = as_datetime((await self._db.read(FEED_NOW_QUERY, {}))[0]["now"])
        assert now is not None
        return now

    async def _run(self) -> None:
        while self._listeners:
            try:
                await self.poll()
            except ServiceUnavailable:
                log.warning("audit feed: database unavailable; retrying")
            except Exception:  # a poller that dies silently would end every subscription
                log.exception("audit feed: poll failed")
            await asyncio.sleep(self._interval)
        # Nobody listens: the next listener starts from its own "now".
        self._cursor = None
        self._seen.clear()

    async def poll(self) -> None:
        prefixes = sorted({p for listener in self._listeners for p in listener.prefixes})
        if not prefixes or self._cursor is None:
            return
        since = self._cursor - self._overlap
        rows = await self._db.read(
            FEED_EVENTS_QUERY, {"since": since, "prefixes": prefixes, "limit": BATCH}
        )
        for row in rows:
            if row["id"] in self._seen:
                continue
            at = as_datetime(row["at"])
            if at is None:
                continue
            self._seen[row["id"]] = at
            if at > self._cursor:
                self._cursor = at
            deal = row.get("deal") or {}
            self._deliver(
                FeedEvent(
                    id=str(row["id"]),
                    at=at,
                    action=str(row["action"]),
                    target_id=str(row["targetId"]),
                    actor_id=row.get("actorId"),
                    company_id=row.get("companyId"),
                    registrant_id=deal.get("registrant"),
                    vendor_id=deal.get("vendor"),
                )
            )
        horizon = self._cursor - self._overlap
        self._seen = {k: v for k, v in self._seen.items() if v >= horizon}

    def _deliver(self, event: FeedEvent) -> None:
        # Only the listeners of the companies the event concerns are even looked at.
        for company in event.companies:
            for listener in list(self._by_company.get(company, ())):
                self._offer(listener, event)

    @staticmethod
    def _offer(listener: _Listener, event: FeedEvent) -> None:
        if not event.action.startswith(listener.prefixes) or not listener.wants(event):
            return
        try:
            listener.queue.put_nowait(event)
        except asyncio.QueueFull:
            log.warning("audit feed: a slow subscriber dropped event %s", event.id)
