"""Deal registration: a partner registers an opportunity with its vendor, the vendor
approves or rejects it, the partner marks it WON or LOST, and the sweep expires it.

Protection rule (policy/_deals.py): at most one registration protects an account
(``policy.account_key``: the customer's normalized domain) with a vendor at a
time. A registration made while another open one (SUBMITTED or APPROVED, not
expired) with the same vendor holds the account is stored SUBMITTED with
``conflict`` set: held for the vendor's review. To its registrant it reads
exactly as an unconflicted submission (same status, protection period, link,
audit record, statements), so registering tells a partner nothing about other
partners' registrations; the vendor reads the flag. Approving it while another
registration protects the account is refused with CONFLICT (to the vendor, who
may know). A lock per (vendor, account) serializes registrations and approvals
for one account, so of two racing registrations exactly one protects, while a
hub vendor's registrations for other accounts never queue behind each other.

Sharing: a registration for a customer the registering company owns shares it
with the vendor (a DataLink under the partnership, scope IDENTITY and PROFILE,
covering that customer, until the deal's protection ends) when its registrant
may grant a link: the partner's EXECUTIVE or the managing MANAGER, or a REP if
the partner's EXECUTIVE let REPs share when registering
(``setDealRegistrationSharing``, off by default). The link is audited as the
registrant's grant. Otherwise the deal carries no link until the partner's
EXECUTIVE or managing MANAGER grants one (``grantDealDataLink``). It is an
ordinary DataLink: the owner's tier policy still intersects its scope (at LOW
tier it grants nothing), the owner may revoke it, and rejecting or losing the
deal revokes it.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graph.commands._base import CommandSet, Done, Outcome
from graph.driver import Database, QueryStats, WriteTx
from graph.errors import ActionForbidden, BadUserInput, Conflict, InvalidTransition, NotFound
from graph.queries.customers import CandidateScope, customers_query
from graph.queries.deals import (
    ACCOUNT_LOCK_QUERY,
    DEAL_FOR_UPDATE_QUERY,
    DEAL_LINK_GRANTED_QUERY,
    DEAL_REGISTRATION_SHARING_SET_QUERY,
    DEAL_STATUS_CHANGED_QUERY,
    EXPIRED_DEALS_SWEPT_QUERY,
    OPEN_DEALS_FOR_ACCOUNT_QUERY,
    REGISTERED_DEAL_QUERY,
    REGISTRATION_FACTS_QUERY,
    REGISTRATION_LOCK_QUERY,
)
from graph.viewer import Viewer, sorted_groups
from policy import (
    ACCOUNT_SPACE,
    ALL_CUSTOMER_GROUPS,
    DEAL_TRANSITIONS,
    DEFAULT_PROTECTION_DAYS,
    OPEN_DEAL_STATUSES,
    Policy,
    account_key,
    may_close_deal,
    may_decide_deal,
    may_register_deal,
    may_set_registration_sharing,
    may_share,
    protects_account,
    sees_deal,
    shares_on_registration,
)

_CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_TITLE = 200
MAX_REASON = 500
MAX_AMOUNT = 1e12
#: Who the sweep acts as in the audit trail.
SWEEP_ACTOR = "system:deal-sweep"
#: The audit detail of a link a REP granted on its company's leave to share when registering.
SHARING_LEAVE = "dealRegistrationSharing"


@dataclass(frozen=True, slots=True)
class DealInput:
    partnership_id: str
    customer_id: str
    title: str
    amount: float
    currency: str | None = None
    product_id: str | None = None
    expected_close_at: datetime | None = None
    idempotency_key: str | None = None

    def validate(self, now: datetime) -> None:
        if not self.title.strip() or len(self.title) > MAX_TITLE:
            raise BadUserInput(f"A title is 1 to {MAX_TITLE} characters", argument="input.title")
        if not math.isfinite(self.amount) or not 0 <= self.amount <= MAX_AMOUNT:
            raise BadUserInput(
                f"'amount' must be between 0 and {MAX_AMOUNT:g}", argument="input.amount"
            )
        if self.currency is not None and not _CURRENCY.match(self.currency):
            raise BadUserInput(
                "'currency' must be an ISO 4217 code such as USD", argument="input.currency"
            )
        close = self.expected_close_at
        if close is not None:
            if close.tzinfo is None:
                raise BadUserInput(
                    "'expectedCloseAt' needs a time zone", argument="input.expectedCloseAt"
                )
            if close <= now:
                raise BadUserInput(
                    "'expectedCloseAt' must be in the future", argument="input.expectedCloseAt"
                )

    def fingerprint(self) -> dict[str, Any]:
        return {
            "partnership": self.partnership_id,
            "customer": self.customer_id,
            "title": self.title,
            "amount": self.amount,
            "currency": self.currency,
            "product": self.product_id,
            "expectedCloseAt": self.expected_close_at,
        }


class DealCommands(CommandSet):
    def __init__(
        self,
        db: Database,
        viewer: Viewer,
        policy: Policy,
        stats: QueryStats,
        *,
        protection_days: int = DEFAULT_PROTECTION_DAYS,
    ) -> None:
        super().__init__(db, viewer, policy, stats)
        self.protection_days = protection_days

    async def register(self, data: DealInput) -> Outcome:
        """SUBMITTED; held for the vendor's review (``conflict``) when the account is held."""
        data.validate(datetime.now(UTC))
        viewer = self.viewer

        async def work(tx: WriteTx) -> Done:
            rows = await tx.run(
                REGISTRATION_FACTS_QUERY, {"id": data.partnership_id, "productId": data.product_id}
            )
            if not rows or viewer.company_id not in (rows[0]["vendor"], rows[0]["partner"]):
                raise NotFound("Partnership", argument="input.partnershipId")
            facts = rows[0]
            if viewer.company_id != facts["partner"]:
                raise ActionForbidden("Only the partner side of a partnership registers deals")
            if not may_register_deal(self.actor, data.partnership_id, facts["partner"]):
                raise ActionForbidden(
                    "Only the partner's REP, EXECUTIVE or the MANAGER of this partnership "
                    "may register a deal"
                )
            if facts["status"] != "ACTIVE":
                raise InvalidTransition(
                    "Deals are registered under an ACTIVE partnership only",
                    current=facts["status"],
                    requested="SUBMITTED",
                )
            if data.product_id is not None and not facts["sellsProduct"]:
                raise NotFound("Product of this vendor", argument="input.productId")
            seen = await self._visible_customer(tx, data.customer_id)
            if seen is None:
                raise NotFound("Customer", argument="input.customerId")
            owner, domain = seen
            account = account_key(data.customer_id, domain)
            locked = await tx.run(
                REGISTRATION_LOCK_QUERY,
                {"id": data.partnership_id, "lockId": f"{facts['vendor']}|{account}"},
            )
            if locked[0]["status"] != "ACTIVE":
                raise InvalidTransition(
                    "Deals are registered under an ACTIVE partnership only",
                    current=locked[0]["status"],
                    requested="SUBMITTED",
                )
            # Any open registration for the account, protecting or itself held, makes
            # this one wait for the vendor: the vendor chooses among them.
            held = bool(await self._open_for_account(tx, facts["vendor"], data.customer_id, domain))
            deal_id = f"op-{uuid.uuid4().hex[:16]}"
            await tx.run(
                REGISTERED_DEAL_QUERY,
                {
                    "id": deal_id,
                    "registrant": viewer.company_id,
                    "partnershipId": data.partnership_id,
                    "customerId": data.customer_id,
                    "userId": viewer.user_id,
                    "title": data.title.strip(),
                    "amount": float(data.amount),
                    "currency": data.currency or facts["currency"],
                    "productId": data.product_id,
                    "expectedCloseAt": data.expected_close_at,
                    "conflict": held,
                    "days": self.protection_days,
                },
            )
            # The registrant's audit record: the same whether the account was held
            # (the registrant's company reads its own audit trail).
            detail: dict[str, Any] = {
                "partnership": data.partnership_id,
                "customer": data.customer_id,
                "vendor": facts["vendor"],
                "status": "SUBMITTED",
            }
            shares = shares_on_registration(
                self.actor, data.partnership_id, facts["partner"], facts["repsMayShare"]
            )
            if owner == viewer.company_id and shares:
                # A REP shares only by its company's leave: the audit says so.
                under = None if self.actor.runs(data.partnership_id, owner) else SHARING_LEAVE
                detail["dataLink"] = await self._grant_link(tx, deal_id, under=under)
            return Done(deal_id, detail)

        return await self.execute(
            "deal.register",
            work,
            idempotency_key=data.idempotency_key,
            fingerprint=data.fingerprint(),
        )

    async def _open_for_account(
        self, tx: WriteTx, vendor: str, customer_id: str, domain: str | None
    ) -> list[dict[str, Any]]:
        """Open registrations with ``vendor`` for the account of this customer record
        (the caller holds the account's lock)."""
        account = account_key(customer_id, domain)
        normalized = (domain or "").strip(ACCOUNT_SPACE).lower() or None
        candidates = await tx.run(
            OPEN_DEALS_FOR_ACCOUNT_QUERY,
            {
                "vendor": vendor,
                "customerId": customer_id,
                "normalized": normalized,
                "space": ACCOUNT_SPACE,
            },
        )
        return [d for d in candidates if account_key(d["customer"], d["domain"]) == account]

    async def _visible_customer(
        self, tx: WriteTx, customer_id: str
    ) -> tuple[str, str | None] | None:
        """The owner and domain of a customer the viewer's company sees (the customers
        row rule); the domain is read whatever groups the viewer has, for the
        account rule only, and never returned to the client."""
        records = await tx.run(
            customers_query(CandidateScope.IDS, count=False),
            {
                "parents": [{"key": customer_id}],
                "companyId": self.viewer.company_id,
                "ownerGroups": sorted_groups(ALL_CUSTOMER_GROUPS),
                "grantsByOwner": self.viewer.grants_by_owner,
                "afterK": None,
                "afterId": None,
                "limit": 1,
            },
        )
        for record in records:
            for row in record["page"]:
                return str(row["owner"]), row["props"].get("domain")
        return None

    async def _grant_link(
        self, tx: WriteTx, deal_id: str, *, under: str | None, audit: bool = True
    ) -> str:
        """The deal's DataLink, granted by the viewer; ``audit`` writes its grant's
        AuditEvent here (else the caller's command records it)."""
        link_id = f"dl-{uuid.uuid4().hex[:16]}"
        detail: dict[str, Any] = {
            "opportunity": deal_id,
            "scope": ["IDENTITY", "PROFILE"],
            "automatic": True,
        }
        if under is not None:
            detail["under"] = under
        await tx.run(
            DEAL_LINK_GRANTED_QUERY,
            {
                "id": deal_id,
                "registrant": self.viewer.company_id,
                "linkId": link_id,
                # Neutral: every user of both companies reads links, while the
                # deal itself is narrowed by role (the deal points to the link).
                "purpose": "Deal registration",
                "auditId": f"au-{uuid.uuid4().hex}" if audit else None,
                "actorId": self.viewer.user_id,
                "detail": json.dumps(detail, sort_keys=True),
            },
        )
        return link_id

    async def _for_update(self, tx: WriteTx, deal_id: str) -> dict[str, Any]:
        """The deal's facts under a write lock; a deal the viewer cannot see does not exist."""
        rows = await tx.run(DEAL_FOR_UPDATE_QUERY, {"id": deal_id})
        v = self.viewer
        if not rows or not sees_deal(
            viewer_company=v.company_id,
            role=v.role,
            user_id=v.user_id,
            managed=v.managed,
            registrant=rows[0]["registrant"],
            vendor=rows[0]["vendor"],
            partnership_id=rows[0]["partnership"],
            registered_by=rows[0]["registeredBy"],
        ):
            raise NotFound("Opportunity", argument="id")
        return rows[0]

    async def _move(
        self, deal_id: str, to: str, action: str, *, reason: str | None = None
    ) -> Outcome:
        async def work(tx: WriteTx) -> Done:
            row = await self._for_update(tx, deal_id)
            actor = self.actor
            if to in ("APPROVED", "REJECTED"):
                if not may_decide_deal(actor, row["partnership"], row["vendor"]):
                    raise ActionForbidden(
                        "Only the vendor's EXECUTIVE or the MANAGER of this partnership "
                        "may approve or reject a deal"
                    )
            elif not may_close_deal(
                actor, row["partnership"], row["registrant"], row["registeredBy"]
            ):
                raise ActionForbidden(
                    "Only the registering REP, the partner's EXECUTIVE or the MANAGER of this "
                    "partnership may mark a deal WON or LOST"
                )
            current = row["status"]
            if to not in DEAL_TRANSITIONS.get(current, frozenset()):
                raise InvalidTransition(
                    f"A deal cannot go from {current} to {to}", current=current, requested=to
                )
            if to == "APPROVED" and row["conflict"]:
                await self._refuse_while_protected(tx, deal_id, row)
            revoke = to in ("REJECTED", "LOST")
            await tx.run(
                DEAL_STATUS_CHANGED_QUERY,
                {
                    "id": deal_id,
                    "to": to,
                    "reason": reason,
                    "revoke": revoke,
                    "actorId": self.viewer.user_id,
                    "companyId": self.viewer.company_id,
                    "detail": json.dumps({"opportunity": deal_id, "status": to}, sort_keys=True),
                },
            )
            detail: dict[str, Any] = {"from": current, "to": to}
            if reason is not None:
                detail["reason"] = reason
            return Done(deal_id, detail)

        return await self.execute(action, work)

    async def _refuse_while_protected(self, tx: WriteTx, deal_id: str, row: dict[str, Any]) -> None:
        """A held registration is approved only while no other one protects its account
        (under the account's lock, so two approvals cannot both pass)."""
        customer = str(row["customer"])
        account = account_key(customer, row["domain"])
        await tx.run(ACCOUNT_LOCK_QUERY, {"lockId": f"{row['vendor']}|{account}"})
        others = await self._open_for_account(tx, row["vendor"], customer, row["domain"])
        if any(d["id"] != deal_id and protects_account(d["status"], d["conflict"]) for d in others):
            raise Conflict(
                "Another registration protects this account; approve this one after it "
                "ends, or reject it"
            )

    async def grant_link(self, deal_id: str) -> Outcome:
        """Share an open deal's customer with the vendor, for a deal registered without
        a link: the registering company's EXECUTIVE or the managing MANAGER."""

        async def work(tx: WriteTx) -> Done:
            row = await self._for_update(tx, deal_id)
            if not may_share(self.actor, row["partnership"], row["registrant"]):
                raise ActionForbidden(
                    "Only the registering company's EXECUTIVE or the MANAGER of this "
                    "partnership may share the deal's customer"
                )
            current = row["status"]
            if current not in OPEN_DEAL_STATUSES:
                raise InvalidTransition(
                    f"A {current} deal shares nothing", current=current, requested="SHARED"
                )
            if row["linked"]:
                raise InvalidTransition(
                    "The deal already carries a data link", current=current, requested="SHARED"
                )
            if row["customerOwner"] != self.viewer.company_id:
                raise BadUserInput(
                    "The deal's customer is not your company's: only its owner shares it",
                    argument="id",
                )
            link_id = await self._grant_link(tx, deal_id, under=None, audit=False)
            return Done(
                link_id,
                {"opportunity": deal_id, "scope": ["IDENTITY", "PROFILE"], "automatic": False},
            )

        return await self.execute("dataLink.grant", work)

    async def set_registration_sharing(self, reps_may_share: bool) -> Outcome:
        """Whether the viewer's company's REPs share a customer with the vendor when
        they register a deal for it (its EXECUTIVE decides; off unless set)."""
        if not may_set_registration_sharing(self.actor):
            raise ActionForbidden("Only an EXECUTIVE decides whether REPs share when registering")
        company = self.viewer.company_id

        async def work(tx: WriteTx) -> Done:
            rows = await tx.run(
                DEAL_REGISTRATION_SHARING_SET_QUERY,
                {"companyId": company, "repsMayShare": reps_may_share},
            )
            return Done(company, {"from": rows[0]["before"], "to": reps_may_share})

        return await self.execute("company.deal_registration_sharing", work)

    async def approve(self, deal_id: str) -> Outcome:
        return await self._move(deal_id, "APPROVED", "deal.approve")

    async def reject(self, deal_id: str, reason: str) -> Outcome:
        if not reason.strip() or len(reason) > MAX_REASON:
            raise BadUserInput(f"A reason is 1 to {MAX_REASON} characters", argument="reason")
        return await self._move(deal_id, "REJECTED", "deal.reject", reason=reason.strip())

    async def mark_won(self, deal_id: str) -> Outcome:
        return await self._move(deal_id, "WON", "deal.won")

    async def mark_lost(self, deal_id: str) -> Outcome:
        return await self._move(deal_id, "LOST", "deal.lost")


async def sweep_expired_deals(db: Database, *, batch: int = 500) -> int:
    """Persist EXPIRED on every open deal past its expiry, with a ``deal.expire``
    AuditEvent each; returns how many it expired. Batches keep transactions small."""
    total = 0
    while True:
        rows = await db.write(EXPIRED_DEALS_SWEPT_QUERY, {"limit": batch, "actorId": SWEEP_ACTOR})
        expired = int(rows[0]["expired"]) if rows else 0
        total += expired
        if expired < batch:
            return total
