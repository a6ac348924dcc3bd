"""Access transparency: which shared customers each recipient user read, per link and day.

Two halves, so a read costs its request no round trip:

- ``ReadLog``, one per request (or WebSocket operation, or subscription event, or
  export): the schema notes in it each guarded group a shared Customer actually
  returned (``note``), in memory, as the field resolves;
- ``ReadRecorder``, one per process: at the end of the request the gateway hands it
  the log (``record``: no I/O, never blocks), and a background task writes what
  has queued up, one ``UNWIND``/``MERGE`` statement per batch
  (graph/queries/access_log.py). Reads it cannot keep (its queue full, or a batch
  the database refused) are counted through ``on_lost`` (a /metrics counter) and
  logged: never silent. ``flush()`` waits until everything handed over so far is
  written (tests and shutdown).

What counts as a read, and against which link, is the policy's
(``policy.link_reads``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from graph.driver import Database
from graph.errors import GatewayError
from graph.queries.access_log import RECORD_READS_STATEMENT, SWEEP_READS_STATEMENT
from graph.readers.customers import CustomerRow
from graph.viewer import Viewer, sorted_groups
from policy import FieldGroup, link_reads

log = logging.getLogger("prm.access_log")

#: Reads waiting to be written before new ones are dropped (and counted).
MAX_PENDING = 200_000
#: Reads per write statement.
BATCH = 2_000
#: Separates the parts of a read's key (ids never contain it).
_SEP = "\x1f"


class ReadLog:
    """One request's reads of shared customers: customer → (links, groups returned)."""

    __slots__ = ("_link_groups", "_reads", "user_id")

    def __init__(self, viewer: Viewer) -> None:
        self.user_id = viewer.user_id
        self._link_groups: dict[str, frozenset[FieldGroup]] = {}
        self._reads: dict[str, tuple[set[str], set[FieldGroup]]] = {}
        self.use_viewer(viewer)

    def use_viewer(self, viewer: Viewer) -> None:
        """The viewer reloaded mid-request (after a mutation): rows read from now on
        may come through its new links; those read before keep the old ones' groups."""
        for grant in viewer.grants:
            self._link_groups[grant.link] = self._link_groups.get(grant.link, frozenset()) | (
                grant.groups
            )

    def note(self, row: CustomerRow, groups: Iterable[FieldGroup]) -> None:
        """``row`` returned the guarded fields of ``groups`` to the viewer. An owner's
        own row is no read (``via`` is empty for it: no link shared it)."""
        if not row.via:
            return
        entry = self._reads.get(row.id)
        if entry is None:
            self._reads[row.id] = (set(row.via), set(groups))
        else:
            entry[0].update(row.via)
            entry[1].update(groups)

    def __len__(self) -> int:
        return len(self._reads)

    def drain(self, day: date | None = None) -> list[dict[str, Any]]:
        """The reads as rows of ``RECORD_READS_STATEMENT`` (the log is emptied): one per
        link that granted a returned group, for the UTC ``day`` (today by default)."""
        if not self._reads:
            return []
        day = day or datetime.now(UTC).date()
        user = self.user_id
        link_groups = self._link_groups
        rows: list[dict[str, Any]] = []
        stamp = day.isoformat()
        for customer, (via, groups) in self._reads.items():
            for link, granted in link_reads(sorted(via), groups, link_groups).items():
                rows.append(
                    {
                        "key": _SEP.join((link, user, stamp, customer)),
                        "link": link,
                        "user": user,
                        "customer": customer,
                        "day": day,
                        "groups": sorted_groups(granted),
                    }
                )
        self._reads.clear()
        return rows


LostReads = Callable[[str, int], None]


class ReadRecorder:
    """The process's writer of read logs: a bounded queue and one background task."""

    def __init__(
        self,
        db: Database,
        *,
        max_pending: int = MAX_PENDING,
        batch: int = BATCH,
        on_lost: LostReads | None = None,
        on_written: Callable[[int], None] | None = None,
    ) -> None:
        self._db = db
        self._max_pending = max_pending
        self._batch = batch
        self._on_lost = on_lost
        self._on_written = on_written
        self._queue: asyncio.Queue[list[dict[str, Any]]] = asyncio.Queue()
        self._pending = 0
        self._task: asyncio.Task[None] | None = None

    @property
    def pending(self) -> int:
        """Reads handed over and not yet written (nor lost)."""
        return self._pending

    def record(self, reads: ReadLog) -> None:
        """Queue a request's reads for writing; never blocks, never raises."""
        rows = reads.drain()
        if not rows:
            return
        if self._pending + len(rows) > self._max_pending:
            # Falling this far behind means the database cannot keep up: keep serving
            # the reads, and say loudly what the log is missing.
            self._lost("queue_full", len(rows))
            return
        self._pending += len(rows)
        self._queue.put_nowait(rows)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="prm-access-log")

    async def flush(self) -> None:
        """Wait until every read handed over so far is written (or counted as lost)."""
        if self._pending:
            await self._queue.join()

    async def close(self, grace: float = 10.0) -> None:
        """Write what is queued (for at most ``grace`` seconds), then stop."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.flush(), grace)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._pending:
            self._lost("shutdown", self._pending)
            self._pending = 0

    async def _run(self) -> None:
        while True:
            batches = [await self._queue.get()]
            size = len(batches[0])
            while size < self._batch and not self._queue.empty():
                batches.append(self._queue.get_nowait())
                size += len(batches[-1])
            try:
                await self._write([row for rows in batches for row in rows])
            finally:
                self._pending -= size
                for _ in batches:
                    self._queue.task_done()

    async def _write(self, rows: list[dict[str, Any]]) -> None:
        try:
            await self._db.write(RECORD_READS_STATEMENT, {"reads": _merged(rows)})
        except GatewayError as exc:  # the database away or too slow: counted, logged
            self._lost("write_failed", len(rows), exc.message)
        except Exception as exc:  # anything else: still never silent, and the task lives on
            log.exception("access log write failed")
            self._lost("write_failed", len(rows), type(exc).__name__)
        else:
            if self._on_written is not None:
                self._on_written(len(rows))

    def _lost(self, reason: str, count: int, detail: str = "") -> None:
        log.warning(
            "access log: %d reads not recorded (%s)%s",
            count,
            reason,
            f": {detail}" if detail else "",
            extra={"lost_reads": count, "reason": reason},
        )
        if self._on_lost is not None:
            self._on_lost(reason, count)


def _merged(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per key: a customer read twice in a batch unites its groups (MERGE of
    the same key twice in one statement would be correct too, but costs twice)."""
    by_key: dict[str, dict[str, Any]] = {}
    for row in rows:
        seen = by_key.get(row["key"])
        if seen is None:
            by_key[row["key"]] = row
        else:
            seen["groups"] = seen["groups"] + [g for g in row["groups"] if g not in seen["groups"]]
    # Sorted by customer: batches from several workers lock customers in one order.
    return sorted(by_key.values(), key=lambda row: (row["customer"], row["key"]))


async def sweep_reads(db: Database, retention_days: int, *, batch: int = 10_000) -> int:
    """Delete the reads older than ``retention_days`` (UTC days); returns how many."""
    before = datetime.now(UTC).date() - timedelta(days=retention_days)
    total = 0
    while True:
        rows = await db.write(SWEEP_READS_STATEMENT, {"before": before, "batch": batch})
        deleted = int(rows[0]["deleted"]) if rows else 0
        total += deleted
        if deleted < batch:
            return total
