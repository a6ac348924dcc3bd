"""What every mutation shares: one write transaction, one AuditEvent, idempotent creates.

A command runs as ``work(tx)`` inside ``Database.transaction``: it reads the
facts it needs (locking what a concurrent writer could change under it),
decides in Python with the pure rules of ``policy``, writes, and returns the
id of the object it touched. ``CommandSet.execute`` wraps it with the
AuditEvent, in the same transaction, so there is never a change without its
audit record nor an audit record without its change.

Idempotency: with a client ``idempotencyKey`` the AuditEvent's id is derived
from (actor, action, key) and claimed with ``MERGE`` first. The uniqueness
constraint on ``AuditEvent.id`` makes a second request with the same key wait
for the first to commit, find the claimed event and return its target instead
of acting again; a key reused for different input is the client's error.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graph.driver import Database, QueryStats, WriteTx
from graph.errors import ActionForbidden, BadUserInput
from graph.queries.audit import AUDIT_SHARED_QUERY, CLAIM_AUDIT_QUERY, RECORD_AUDIT_QUERY
from graph.viewer import Viewer
from policy import DEFAULT_PROPOSAL_DAYS, Actor, Policy, Role

MAX_IDEMPOTENCY_KEY = 200


@dataclass(frozen=True, slots=True)
class Done:
    """What a command did: the object it created or changed, and the audit detail."""

    target_id: str
    detail: Mapping[str, Any]
    #: Extra audit action suffix when one command can end two ways (e.g. a rejected deal).
    action: str | None = None
    #: Other companies whose trail also gets the event: a consent step is visible to
    #: both parties (docs/consent.md).
    shared_with: tuple[str, ...] = ()


Work = Callable[[WriteTx], Awaitable[Done]]


@dataclass(frozen=True, slots=True)
class Outcome:
    target_id: str
    #: True when an earlier request with the same idempotency key had done it.
    replayed: bool


class CommandSet:
    """Base of the per-aggregate command classes: the actor, its database, its policy."""

    def __init__(
        self,
        db: Database,
        viewer: Viewer,
        policy: Policy,
        stats: QueryStats,
        *,
        proposal_days: int = DEFAULT_PROPOSAL_DAYS,
    ) -> None:
        self.db = db
        self.viewer = viewer
        self.policy = policy
        self.stats = stats
        #: How long a consent proposal waits for its answer (PRM_CONSENT_PROPOSAL_DAYS).
        self.proposal_days = proposal_days

    @property
    def actor(self) -> Actor:
        """The viewer as the pure rules of ``policy`` see it."""
        v = self.viewer
        return Actor(v.user_id, v.company_id, v.role, v.managed)

    def require_role(self, *roles: Role, action: str) -> None:
        """The viewer's role must be one of ``roles`` (ANALYST is read-only everywhere)."""
        if self.viewer.role not in {r.value for r in roles}:
            allowed = " or ".join(r.value for r in roles)
            raise ActionForbidden(f"Only a {allowed} may {action}")

    async def execute(
        self,
        action: str,
        work: Work,
        *,
        idempotency_key: str | None = None,
        fingerprint: Mapping[str, Any] | None = None,
    ) -> Outcome:
        """Run ``work`` and its AuditEvent in one write transaction."""
        if self.viewer.role == Role.ANALYST:
            raise ActionForbidden("An ANALYST has read-only access")
        audit_id, fingerprint_hash = self._audit_id(action, idempotency_key, fingerprint)

        async def unit(tx: WriteTx) -> Outcome:
            base = {
                "id": audit_id,
                "action": action,
                "actorId": self.viewer.user_id,
                "companyId": self.viewer.company_id,
            }
            if idempotency_key is not None:
                claim = (
                    await tx.run(
                        CLAIM_AUDIT_QUERY,
                        {
                            **base,
                            "claim": uuid.uuid4().hex,
                            "key": idempotency_key,
                            "fingerprint": fingerprint_hash,
                        },
                    )
                )[0]
                if not claim["claimed"]:
                    if claim["fingerprint"] != fingerprint_hash or claim["targetId"] is None:
                        raise BadUserInput(
                            "This idempotencyKey was already used for a different request",
                            argument="idempotencyKey",
                        )
                    return Outcome(str(claim["targetId"]), replayed=True)
            done = await work(tx)
            await tx.run(
                RECORD_AUDIT_QUERY,
                {
                    **base,
                    "action": f"{action}.{done.action}" if done.action else action,
                    "targetId": done.target_id,
                    "detail": json.dumps(done.detail, sort_keys=True, default=str),
                },
            )
            shared = sorted(set(done.shared_with) - {self.viewer.company_id})
            if shared:
                await tx.run(AUDIT_SHARED_QUERY, {"id": audit_id, "companies": shared})
            return Outcome(done.target_id, replayed=False)

        return await self.db.transaction(unit, self.stats)

    def _audit_id(
        self, action: str, key: str | None, fingerprint: Mapping[str, Any] | None
    ) -> tuple[str, str | None]:
        if key is None:
            return f"au-{uuid.uuid4().hex}", None
        if not key or len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
            raise BadUserInput(
                f"'idempotencyKey' must be 1 to {MAX_IDEMPOTENCY_KEY} printable characters",
                argument="idempotencyKey",
            )
        scoped = "\x00".join((self.viewer.user_id, action, key))
        digest = json.dumps(fingerprint or {}, sort_keys=True, default=str)
        return (
            f"au-{hashlib.sha256(scoped.encode()).hexdigest()[:32]}",
            hashlib.sha256(digest.encode()).hexdigest(),
        )


__all__ = [
    "CommandSet",
    "Done",
    "Outcome",
]
