"""The periodic sweeps of a running gateway: deals and consent proposals
(PRM_DEAL_SWEEP_SECONDS > 0), the access log's retention (always on), and the audit
trail's retention (PRM_AUDIT_SWEEP_SECONDS > 0, PRM_AUDIT_RETENTION_DAYS).

Reads already report an open deal past its expiry as EXPIRED; the sweep writes
it down with a ``deal.expire`` AuditEvent, so the graph and the audit trail
agree. Running it in several workers or hosts is safe: a deal is expired once
(see ``graph.queries.deals.EXPIRED_DEALS_SWEPT_QUERY``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from graph import Database, GatewayError, sweep_old_audit_events, sweep_reads
from graph.commands import sweep_expired_deals, sweep_expired_proposals

if TYPE_CHECKING:
    from gateway.settings import AccessLogSettings

log = logging.getLogger("prm.gateway")


async def _every(db: Database, seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            expired = await sweep_expired_deals(db)
            # Consent proposals expire on the same beat (reads show them EXPIRED anyway).
            proposals = await sweep_expired_proposals(db)
        except GatewayError as exc:  # the database is away: try again next time
            log.warning("deal sweep failed: %s", exc.message)
            continue
        if expired:
            log.info("deal sweep: %d registrations expired", expired)
        if proposals:
            log.info("deal sweep: %d consent proposals expired", proposals)


def start_deal_sweeper(db: Database, seconds: float) -> asyncio.Task[None] | None:
    """A background task sweeping every ``seconds``; none when ``seconds`` is 0."""
    if seconds <= 0:
        return None
    return asyncio.create_task(_every(db, seconds), name="prm-deal-sweep")


async def stop_sweeper(task: asyncio.Task[None] | None) -> None:
    """Cancel a sweep task (either kind) and wait for it."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _reads_every(db: Database, retention_days: int, seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            deleted = await sweep_reads(db, retention_days)
        except GatewayError as exc:  # the database is away: try again next time
            log.warning("access log sweep failed: %s", exc.message)
            continue
        if deleted:
            log.info("access log sweep: %d reads past %d days deleted", deleted, retention_days)


def start_read_sweeper(db: Database, settings: AccessLogSettings) -> asyncio.Task[None]:
    """The access log's retention: a sweep every ``sweep_seconds`` (several workers
    sweeping at once delete each old read once)."""
    return asyncio.create_task(
        _reads_every(db, settings.retention_days, settings.sweep_seconds), name="prm-read-sweep"
    )


async def _audit_every(db: Database, seconds: float, retention_days: int) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            deleted = await sweep_old_audit_events(db, retention_days)
        except GatewayError as exc:  # the database is away: try again next time
            log.warning("audit retention sweep failed: %s", exc.message)
            continue
        if deleted:
            log.info(
                "audit retention: %d events older than %d days deleted", deleted, retention_days
            )


def start_audit_sweeper(
    db: Database, seconds: float, retention_days: int
) -> asyncio.Task[None] | None:
    """Deletes AuditEvents past their retention every ``seconds``; none when 0. Several
    workers sweeping at once delete each event once (a deleted node matches no more)."""
    if seconds <= 0:
        return None
    return asyncio.create_task(
        _audit_every(db, seconds, retention_days), name="prm-audit-retention"
    )


stop_deal_sweeper = stop_sweeper
