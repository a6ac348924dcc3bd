"""Erasure (docs/privacy.md): a customer, a contact or a person removed on request.

An erasure is one write transaction: it reads what it removes under a lock,
gathers every personal value those objects carried, writes the removals, scrubs
the audit events that mention them, leaves a tombstone for each erased account
and records itself (an ``Erasure`` node: counts, who, when; never a value).

- ``ErasureCommands.erase_customer`` / ``erase_contact``: the owner's EXECUTIVE,
  through GraphQL; anyone else reads NOT_FOUND, exactly as for an id that does
  not exist.
- ``erase_people_by_email`` / ``erase_accounts_by_domain``: the operator's
  data-subject requests across every company (`prm erase`), one record per
  company whose data was touched, by ``policy.OPERATOR``.

What an erased customer leaves: its deals (status, amounts, dates, parties, so
partners' figures stay true) without title, rejection reason, expected close or
customer; its links without the COVERS edge; audit events with their action,
time and actor, but a detail without its personal data (an event about an
object that is gone points at the erasure instead).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from graph.commands._base import CommandSet, Done, Outcome
from graph.driver import Database, QueryStats, WriteTx
from graph.errors import BadUserInput, NotFound
from graph.queries.erasures import (
    ACCOUNT_LOCKS_DELETED_QUERY,
    ALL_TOMBSTONES_QUERY,
    AUDIT_EVENTS_MENTIONING_QUERY,
    AUDIT_EVENTS_SCRUBBED_QUERY,
    CONTACT_TO_ERASE_QUERY,
    CONTACTS_ERASED_QUERY,
    CUSTOMER_ACCOUNTS_QUERY,
    CUSTOMER_TO_ERASE_QUERY,
    CUSTOMERS_ERASED_QUERY,
    CUSTOMERS_OF_DOMAIN_QUERY,
    ERASURE_RECORDED_QUERY,
    LINK_PURPOSES_SCRUBBED_QUERY,
    OLD_AUDIT_EVENTS_DELETED_QUERY,
    PEOPLE_WITH_EMAIL_QUERY,
    PROPOSAL_CUSTOMERS_SCRUBBED_QUERY,
    TOMBSTONES_MERGED_QUERY,
    USERS_SCRUBBED_QUERY,
)
from graph.viewer import Viewer
from policy import ACCOUNT_SPACE, OPERATOR, ErasureKind, Policy, Role, account_key, may_erase

#: What replaces a personal value in an audit event's detail.
ERASED = "[erased]"
#: Shorter values are not searched for in audit details: they would match unrelated text.
MIN_VALUE = 3
#: The properties of each erased object that identify someone (the values scrubbed
#: out of audit details); profile data such as industry or region identifies nobody.
IDENTIFYING: Mapping[str, tuple[str, ...]] = {
    "customer": ("id", "name", "domain", "email", "phone", "address", "notes", "externalId"),
    "contact": ("id", "name", "email", "phone", "externalId"),
    "user": ("name", "email", "phone"),
    "deal": ("title", "rejectionReason"),
}
#: Free-text keys of an audit detail about an erased customer's deal: dropped whatever
#: they say (a rejection reason names the account more often than not).
FREE_TEXT = frozenset({"reason", "title"})
#: Development key of the tombstones' keyed hash; production refuses it (gateway/settings.py).
DEV_ERASURE_KEY = "prm-dev-erasure-key-not-for-production"


def tombstone_id(key: bytes, owner: str, account: str) -> str:
    """The tombstone of an account erased from ``owner``: HMAC-SHA256 under the erasure
    key, so the graph (or a dump of it) cannot be searched for a known domain."""
    digest = hmac.new(key, f"{owner}\x1f{account}".encode(), hashlib.sha256).hexdigest()
    return f"ts-{digest}"


@dataclass
class Removal:
    """What one company's part of an erasure removes, gathered before anything is written."""

    customers: list[str] = field(default_factory=list[str])
    contacts: list[str] = field(default_factory=list[str])
    users: list[str] = field(default_factory=list[str])
    #: Contacts of the erased customers (deleted with them).
    dependents: set[str] = field(default_factory=set[str])
    #: Deals of erased customers: they stay, their audit events lose their free text.
    deals: set[str] = field(default_factory=set[str])
    #: Every identifying value, lower case (what audit details must not keep).
    values: set[str] = field(default_factory=set[str])
    tombstones: set[str] = field(default_factory=set[str])
    #: Ids that end an AccountLock's id ("|domain:x.example"): the locks go.
    lock_suffixes: set[str] = field(default_factory=set[str])

    def remember(self, kind: str, props: Mapping[str, Any]) -> None:
        for name in IDENTIFYING[kind]:
            value = props.get(name)
            if isinstance(value, str) and len(value.strip()) >= MIN_VALUE:
                self.values.add(value.strip().lower())

    @property
    def gone(self) -> set[str]:
        """Ids of the objects deleted: events about them point at the erasure instead."""
        return {*self.customers, *self.contacts, *self.dependents}

    def empty(self) -> bool:
        return not (self.customers or self.contacts or self.users)


@dataclass(frozen=True, slots=True)
class Counts:
    customers: int = 0
    contacts: int = 0
    users: int = 0
    deals: int = 0
    uncovered: int = 0
    audit_events: int = 0
    tombstones: int = 0

    def detail(self) -> dict[str, int]:
        return {
            "customers": self.customers,
            "contacts": self.contacts,
            "users": self.users,
            "deals": self.deals,
            "uncovered": self.uncovered,
            "auditEvents": self.audit_events,
            "tombstones": self.tombstones,
        }


def scrub_detail(detail: str | None, values: Iterable[str], *, free_text: bool) -> str | None:
    """An audit detail without personal data: every string containing an erased value
    becomes ``ERASED``; with ``free_text`` (an event about an erased customer's deal)
    the free-text keys go whatever they say. A detail that is not JSON is erased whole."""
    if detail is None:
        return None
    lowered = tuple(values)
    try:
        data = json.loads(detail)
    except ValueError:
        return json.dumps(ERASED)

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            text = value.lower()
            return ERASED if any(v in text for v in lowered) else value
        if _is_list(value):
            return [clean(v) for v in value]
        if _is_dict(value):
            return {
                str(k): clean(v)
                for k, v in value.items()
                if not (free_text and k in FREE_TEXT) and clean(str(k)) != ERASED
            }
        return value

    return json.dumps(clean(data), sort_keys=True)


async def _customers(tx: WriteTx, ids: Iterable[str], key: bytes) -> dict[str, Removal]:
    """The customers to erase, locked, by owner; ids that name no customer are left out."""
    by_owner: dict[str, Removal] = defaultdict(Removal)
    for customer_id in ids:
        rows = await tx.run(CUSTOMER_TO_ERASE_QUERY, {"id": customer_id})
        if not rows:
            continue
        row = rows[0]
        owner = str(row["owner"])
        removal = by_owner[owner]
        removal.customers.append(customer_id)
        removal.remember("customer", row["props"])
        for contact in row["contacts"]:
            removal.dependents.add(str(contact["id"]))
            removal.remember("contact", contact)
        for deal in row["deals"]:
            removal.deals.add(str(deal["id"]))
            removal.remember("deal", deal)
        account = account_key(customer_id, row["domain"])
        removal.tombstones.add(tombstone_id(key, owner, account))
        removal.lock_suffixes.add(f"|{account}")
    return by_owner


async def _apply(tx: WriteTx, removal: Removal, erasure_id: str) -> Counts:
    """Write one company's removal: delete, scrub, tombstone. Returns what it did."""
    erased = (await tx.run(CUSTOMERS_ERASED_QUERY, {"ids": removal.customers}))[0]
    await tx.run(ACCOUNT_LOCKS_DELETED_QUERY, {"suffixes": sorted(removal.lock_suffixes)})
    contacts = (await tx.run(CONTACTS_ERASED_QUERY, {"ids": removal.contacts}))[0]
    users = (await tx.run(USERS_SCRUBBED_QUERY, {"ids": removal.users}))[0]
    audit = await _scrub_audit(tx, removal, erasure_id)
    await tx.run(LINK_PURPOSES_SCRUBBED_QUERY, {"values": sorted(removal.values), "erased": ERASED})
    await tx.run(PROPOSAL_CUSTOMERS_SCRUBBED_QUERY, {"ids": removal.customers})
    tombstones = (await tx.run(TOMBSTONES_MERGED_QUERY, {"ids": sorted(removal.tombstones)}))[0]
    return Counts(
        customers=int(erased["customers"]),
        contacts=int(erased["contacts"] or 0) + int(contacts["contacts"]),
        users=int(users["users"]),
        deals=int(erased["deals"] or 0),
        uncovered=int(erased["uncovered"] or 0),
        audit_events=audit,
        tombstones=int(tombstones["tombstones"]),
    )


async def _scrub_audit(tx: WriteTx, removal: Removal, erasure_id: str) -> int:
    gone = removal.gone
    values = sorted(removal.values)
    rows = await tx.run(
        AUDIT_EVENTS_MENTIONING_QUERY,
        {"targets": sorted(gone | removal.deals), "values": values},
    )
    changed: list[dict[str, Any]] = []
    for row in rows:
        detail = scrub_detail(row["detail"], values, free_text=row["targetId"] in removal.deals)
        target = erasure_id if row["targetId"] in gone else row["targetId"]
        if detail != row["detail"] or target != row["targetId"]:
            changed.append({"id": row["id"], "detail": detail, "targetId": target})
    if not changed:
        return 0
    result = await tx.run(AUDIT_EVENTS_SCRUBBED_QUERY, {"rows": changed})
    return int(result[0]["scrubbed"])


async def _record(
    tx: WriteTx,
    company: str,
    kind: ErasureKind,
    by: str,
    counts: Counts,
    erasure_id: str,
    *,
    audited: bool,
) -> None:
    """The company's Erasure record; ``audited`` also writes its AuditEvent (the operator's)."""
    await tx.run(
        ERASURE_RECORDED_QUERY,
        {
            "companyId": company,
            "id": erasure_id,
            "kind": kind.value,
            "by": by,
            **counts.detail(),
            "auditId": f"au-{uuid.uuid4().hex}" if audited else None,
            "action": f"erasure.{kind.lower()}",
            "detail": json.dumps({"kind": kind, **counts.detail()}, sort_keys=True),
        },
    )


def _erasure_id() -> str:
    return f"er-{uuid.uuid4().hex[:16]}"


class ErasureCommands(CommandSet):
    def __init__(
        self,
        db: Database,
        viewer: Viewer,
        policy: Policy,
        stats: QueryStats,
        *,
        erasure_key: bytes,
    ) -> None:
        super().__init__(db, viewer, policy, stats)
        self._key = erasure_key

    def _may_try(self, type_name: str) -> None:
        # Only an EXECUTIVE may erase anything: every other role reads NOT_FOUND, as for
        # an id that does not exist (CommandSet.execute would answer an ANALYST otherwise).
        if self.viewer.role != Role.EXECUTIVE:
            raise NotFound(type_name, argument="id")

    async def erase_customer(self, customer_id: str) -> Outcome:
        """Erase one of the viewer's company's customers, its contacts with it."""
        self._may_try("Customer")

        async def work(tx: WriteTx) -> Done:
            by_owner = await _customers(tx, [customer_id], self._key)
            if not by_owner or not may_erase(self.actor, next(iter(by_owner))):
                raise NotFound("Customer", argument="id")
            owner, removal = next(iter(by_owner.items()))
            erasure_id = _erasure_id()
            counts = await _apply(tx, removal, erasure_id)
            if not counts.customers:
                # A concurrent erasure deleted it while this one waited for its lock:
                # the customer no longer exists (and this transaction rolls back).
                raise NotFound("Customer", argument="id")
            await _record(
                tx,
                owner,
                ErasureKind.CUSTOMER,
                self.viewer.user_id,
                counts,
                erasure_id,
                audited=False,
            )
            return Done(erasure_id, {"kind": ErasureKind.CUSTOMER, **counts.detail()})

        return await self.execute("erasure.customer", work)

    async def erase_contact(self, contact_id: str) -> Outcome:
        """Erase a contact of the viewer's company or of one of its customers."""
        self._may_try("Contact")

        async def work(tx: WriteTx) -> Done:
            rows = await tx.run(CONTACT_TO_ERASE_QUERY, {"id": contact_id})
            if not rows or not may_erase(self.actor, str(rows[0]["owner"])):
                raise NotFound("Contact", argument="id")
            removal = Removal(contacts=[contact_id])
            removal.remember("contact", rows[0]["props"])
            erasure_id = _erasure_id()
            counts = await _apply(tx, removal, erasure_id)
            if not counts.contacts:  # erased meanwhile by a concurrent erasure
                raise NotFound("Contact", argument="id")
            await _record(
                tx,
                self.viewer.company_id,
                ErasureKind.CONTACT,
                self.viewer.user_id,
                counts,
                erasure_id,
                audited=False,
            )
            return Done(erasure_id, {"kind": ErasureKind.CONTACT, **counts.detail()})

        return await self.execute("erasure.contact", work)


@dataclass(frozen=True, slots=True)
class OperatorErasure:
    """What `prm erase` did: per company, its Erasure record's id and counts."""

    records: Mapping[str, tuple[str, Counts]]

    @property
    def total(self) -> Counts:
        rows = [counts for _, counts in self.records.values()]
        return Counts(
            **{
                name: sum(getattr(c, name) for c in rows)
                for name in (
                    "customers",
                    "contacts",
                    "users",
                    "deals",
                    "uncovered",
                    "audit_events",
                    "tombstones",
                )
            }
        )


Gather = Callable[[WriteTx], Awaitable[dict[str, Removal]]]


async def _operator(db: Database, kind: ErasureKind, gather: Gather) -> OperatorErasure:
    """One transaction: ``gather(tx)`` finds the removals by company, then each company's
    part is written and recorded (by the operator, with an AuditEvent of that company)."""

    async def work(tx: WriteTx) -> OperatorErasure:
        by_company: dict[str, Removal] = await gather(tx)
        records: dict[str, tuple[str, Counts]] = {}
        for company, removal in sorted(by_company.items()):
            if removal.empty():
                continue
            erasure_id = _erasure_id()
            counts = await _apply(tx, removal, erasure_id)
            if not (counts.customers or counts.contacts or counts.users):
                continue  # a concurrent erasure got there first: nothing to record
            await _record(tx, company, kind, OPERATOR, counts, erasure_id, audited=True)
            records[company] = (erasure_id, counts)
        return OperatorErasure(records)

    return await db.transaction(work)


def normalized_email(email: str) -> str:
    address = email.strip().lower()
    if "@" not in address or len(address) < MIN_VALUE:
        raise BadUserInput("an e-mail address such as someone@example.com", argument="email")
    return address


async def erase_people_by_email(db: Database, email: str) -> OperatorErasure:
    """A data subject's request: every contact with the address, in every company, goes;
    every user with it is deactivated and scrubbed."""
    address = normalized_email(email)

    async def gather(tx: WriteTx) -> dict[str, Removal]:
        row = (await tx.run(PEOPLE_WITH_EMAIL_QUERY, {"email": address}))[0]
        by_company: dict[str, Removal] = defaultdict(Removal)
        for contact in row["contacts"]:
            removal = by_company[str(contact["owner"])]
            removal.contacts.append(str(contact["id"]))
            removal.remember("contact", contact["props"])
        for user in row["users"]:
            removal = by_company[str(user["owner"])]
            removal.users.append(str(user["id"]))
            removal.remember("user", user["props"])
        for removal in by_company.values():
            removal.values.add(address)
        return by_company

    return await _operator(db, ErasureKind.PERSON, gather)


def normalized_domain(domain: str) -> str:
    normalized = domain.strip(ACCOUNT_SPACE).lower()
    if not normalized or "." not in normalized:
        raise BadUserInput("a domain such as example.com", argument="domain")
    return normalized


async def erase_accounts_by_domain(db: Database, domain: str, key: bytes) -> OperatorErasure:
    """A data subject's request for an account: every company's customers whose account
    key (``policy.account_key``) is this domain go, each with a tombstone."""
    normalized = normalized_domain(domain)

    async def gather(tx: WriteTx) -> dict[str, Removal]:
        rows = await tx.run(
            CUSTOMERS_OF_DOMAIN_QUERY, {"normalized": normalized, "space": ACCOUNT_SPACE}
        )
        ids = [str(r["id"]) for r in rows]
        by_owner = await _customers(tx, ids, key)
        for removal in by_owner.values():
            removal.values.add(normalized)
        return by_owner

    return await _operator(db, ErasureKind.ACCOUNT, gather)


async def tombstones(db: Database) -> list[str]:
    """Every tombstone (keyed hashes only): what `prm tombstones` saves beside the backups."""
    return [str(r["id"]) for r in await db.read(ALL_TOMBSTONES_QUERY, {})]


async def erase_tombstoned(db: Database, saved: Iterable[str], key: bytes) -> OperatorErasure:
    """After restoring a dump taken before some erasures: the tombstones saved since are
    written back and every customer whose (owner, account) hashes to a tombstone is
    erased again, as the operator. Costs one read of every customer: a restore's step."""
    wanted = sorted(set(saved))

    async def gather(tx: WriteTx) -> dict[str, Removal]:
        await tx.run(TOMBSTONES_MERGED_QUERY, {"ids": wanted})
        marks = {str(r["id"]) for r in await tx.run(ALL_TOMBSTONES_QUERY, {})}
        accounts = await tx.run(CUSTOMER_ACCOUNTS_QUERY, {})
        ids = [
            str(c["id"])
            for c in accounts
            if tombstone_id(key, str(c["owner"]), account_key(str(c["id"]), c["domain"])) in marks
        ]
        return await _customers(tx, sorted(ids), key)

    return await _operator(db, ErasureKind.ACCOUNT, gather)


async def sweep_old_audit_events(db: Database, retention_days: int, *, batch: int = 1000) -> int:
    """Delete AuditEvents older than ``retention_days`` (PRM_AUDIT_RETENTION_DAYS), a batch
    per transaction; returns how many went."""
    total = 0
    while True:
        rows = await db.write(
            OLD_AUDIT_EVENTS_DELETED_QUERY, {"days": retention_days, "limit": batch}
        )
        deleted = int(rows[0]["deleted"]) if rows else 0
        total += deleted
        if deleted < batch:
            return total


__all__ = [
    "DEV_ERASURE_KEY",
    "ERASED",
    "Counts",
    "ErasureCommands",
    "OperatorErasure",
    "erase_accounts_by_domain",
    "erase_people_by_email",
    "erase_tombstoned",
    "scrub_detail",
    "sweep_old_audit_events",
    "tombstone_id",
    "tombstones",
]


# A stored detail is JSON: these type its lists and objects for the checker, which
# would otherwise narrow ``isinstance(value, list)`` to a list of unknown items.
def _is_list(value: object) -> TypeGuard[list[Any]]:
    return isinstance(value, list)


def _is_dict(value: object) -> TypeGuard[dict[Any, Any]]:
    return isinstance(value, dict)
