"""Partner lifecycle: recruit, move through the statuses, change tier, assign managers,
and the onboarding checklist that gates activation.

The vendor's checklist template (``OnboardingRequirement`` nodes) is copied
onto each partnership it recruits as ``OnboardingItem`` nodes; activation
(ONBOARDING → ACTIVE) waits until every required item is done.

Consent (docs/consent.md): recruiting is the vendor's invitation and applying
the partner's application; the other side answers (graph/commands/consent.py).
ACTIVE needs both; a vendor asking for ACTIVE before the partner accepted is
recorded, and the partner's acceptance completes it. A tier raise is a
proposal the partner's EXECUTIVE accepts; a tier cut applies at once.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graph.commands._base import CommandSet, Done, Outcome
from graph.commands.consent import create_proposal, withdraw_proposals
from graph.driver import WriteTx
from graph.errors import (
    ActionForbidden,
    BadUserInput,
    Conflict,
    InvalidTransition,
    NotFound,
)
from graph.queries.consent import ACTIVATION_REQUESTED_QUERY
from graph.queries.partnerships import (
    CHECKLIST_REPLACED_QUERY,
    CREATED_PARTNERSHIP_QUERY,
    ITEM_DONE_QUERY,
    LIVE_PARTNERSHIP_BETWEEN_QUERY,
    MANAGER_ASSIGNED_QUERY,
    MANAGER_OF_QUERY,
    PARTNERSHIP_FOR_UPDATE_QUERY,
    STATUS_CHANGED_QUERY,
    TIER_CHANGED_QUERY,
)
from policy import (
    TRANSITIONS,
    ProposalKind,
    Role,
    may_apply,
    may_assign_manager,
    may_change_tier,
    may_transition,
    raises_tier,
)

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_CHECKLIST = 30


@dataclass(frozen=True, slots=True)
class RecruitInput:
    partner_id: str
    tier: str
    structure: str
    currency: str = "USD"
    revenue_share_pct: float | None = None
    mdf_budget: float | None = None
    idempotency_key: str | None = None

    def validate(self) -> None:
        if not _CURRENCY.match(self.currency):
            raise BadUserInput(
                "'currency' must be an ISO 4217 code such as USD", argument="input.currency"
            )
        pct = self.revenue_share_pct
        if pct is not None and not 0 <= pct <= 100:
            raise BadUserInput(
                "'revenueSharePct' must be between 0 and 100", argument="input.revenueSharePct"
            )
        budget = self.mdf_budget
        if budget is not None and not 0 <= budget <= 1e12:
            raise BadUserInput("'mdfBudget' must be between 0 and 1e12", argument="input.mdfBudget")


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    key: str
    title: str
    required: bool = True


class PartnershipCommands(CommandSet):
    async def _for_update(self, tx: WriteTx, partnership_id: str) -> dict[str, Any]:
        """The partnership's facts under a write lock; invisible ones do not exist."""
        rows = await tx.run(PARTNERSHIP_FOR_UPDATE_QUERY, {"id": partnership_id})
        if not rows:
            raise NotFound("Partnership", argument="id")
        row = rows[0]
        if self.viewer.company_id not in (row["vendor"], row["partner"]):
            if {row["vendor"], row["partner"]} & self.viewer.high_partners:
                raise ActionForbidden("Only the two parties may change a partnership")
            raise NotFound("Partnership", argument="id")
        return row

    async def recruit(self, data: RecruitInput) -> Outcome:
        """A PROSPECT partnership with the viewer's company as vendor, and the
        INVITATION the partner's EXECUTIVE answers."""
        self.require_role(Role.EXECUTIVE, Role.MANAGER, action="recruit a partner")
        return await self._open(data, vendor=self.viewer.company_id, partner=data.partner_id)

    async def apply(self, data: RecruitInput) -> Outcome:
        """A PROSPECT partnership with the viewer's company as partner of the vendor
        ``data.partner_id`` names, and the APPLICATION the vendor answers."""
        if not may_apply(self.actor):
            raise ActionForbidden("Only an EXECUTIVE may apply to a partner programme")
        return await self._open(data, vendor=data.partner_id, partner=self.viewer.company_id)

    async def _open(self, data: RecruitInput, *, vendor: str, partner: str) -> Outcome:
        data.validate()
        mine = self.viewer.company_id
        other = partner if mine == vendor else vendor
        kind = ProposalKind.INVITATION if mine == vendor else ProposalKind.APPLICATION
        argument = "input.partnerId" if kind == ProposalKind.INVITATION else "input.vendorId"
        if vendor == partner:
            raise BadUserInput("A company cannot partner with itself", argument=argument)

        async def work(tx: WriteTx) -> Done:
            found = (
                await tx.run(LIVE_PARTNERSHIP_BETWEEN_QUERY, {"vendor": vendor, "partner": partner})
            )[0]
            if other not in found["found"]:
                raise NotFound("Company", argument=argument)
            if found["live"]:
                raise Conflict(
                    "These companies already have a partnership that has not ended",
                    partnershipId=found["live"][0],
                )
            new_id = f"pa-{uuid.uuid4().hex[:16]}"
            await tx.run(
                CREATED_PARTNERSHIP_QUERY,
                {
                    "id": new_id,
                    "vendor": vendor,
                    "partner": partner,
                    "side": "VENDOR" if kind == ProposalKind.INVITATION else "PARTNER",
                    "tier": data.tier,
                    "structure": data.structure,
                    "currency": data.currency,
                    "revenueSharePct": data.revenue_share_pct,
                    "mdfBudget": data.mdf_budget,
                    # A MANAGER who recruits manages what they recruited.
                    "managerId": (
                        self.viewer.user_id
                        if self.viewer.role == Role.MANAGER and kind == ProposalKind.INVITATION
                        else None
                    ),
                },
            )
            proposal = await create_proposal(
                tx,
                kind=kind,
                partnership_id=new_id,
                proposer=mine,
                answerer=other,
                proposed_by=self.viewer.user_id,
                days=self.proposal_days,
                values={"toTier": data.tier},
            )
            return Done(
                new_id,
                {"vendor": vendor, "partner": partner, "tier": data.tier, "proposal": proposal},
                shared_with=(other,),
            )

        return await self.execute(
            "partnership.recruit" if kind == ProposalKind.INVITATION else "partnership.apply",
            work,
            idempotency_key=data.idempotency_key,
            fingerprint={
                "vendor": vendor,
                "partner": partner,
                "tier": data.tier,
                "structure": data.structure,
                "currency": data.currency,
                "revenueSharePct": data.revenue_share_pct,
                "mdfBudget": data.mdf_budget,
            },
        )

    async def transition(self, partnership_id: str, to: str) -> Outcome:
        async def work(tx: WriteTx) -> Done:
            row = await self._for_update(tx, partnership_id)
            current = row["status"]
            if not may_transition(self.actor, partnership_id, row["vendor"], row["partner"], to):
                raise ActionForbidden(
                    "Only the vendor's EXECUTIVE or managing MANAGER may change this status"
                )
            if to not in TRANSITIONS.get(current, frozenset()):
                raise InvalidTransition(
                    f"A partnership cannot go from {current} to {to}",
                    current=current,
                    requested=to,
                )
            if to == "ACTIVE" and current == "ONBOARDING" and row["missing"]:
                raise InvalidTransition(
                    "The onboarding checklist is not complete: " + ", ".join(row["missing"]),
                    current=current,
                    requested=to,
                )
            parties = (row["vendor"], row["partner"])
            if to == "ACTIVE" and not row["vendorAccepted"]:
                raise InvalidTransition(
                    "The application is not accepted: accept it first",
                    current=current,
                    requested=to,
                )
            if to == "ACTIVE" and not row["partnerAccepted"]:
                # Not ACTIVE alone: recorded, and the partner's acceptance completes it.
                await tx.run(ACTIVATION_REQUESTED_QUERY, {"id": partnership_id})
                detail = {"from": current, "to": to, "waitingFor": row["partner"]}
                return Done(partnership_id, detail, action="pending", shared_with=parties)
            await tx.run(STATUS_CHANGED_QUERY, {"id": partnership_id, "to": to})
            if to == "ENDED":
                await withdraw_proposals(tx, partnership_id, list(ProposalKind))
            return Done(partnership_id, {"from": current, "to": to})

        return await self.execute("partnership.status", work)

    async def change_tier(self, partnership_id: str, tier: str) -> Outcome:
        async def work(tx: WriteTx) -> Done:
            row = await self._for_update(tx, partnership_id)
            if not may_change_tier(self.actor, row["vendor"]):
                raise ActionForbidden("Only the vendor's EXECUTIVE may change the tier")
            if row["status"] == "ENDED":
                raise InvalidTransition(
                    "An ended partnership keeps its tier", current="ENDED", requested=tier
                )
            withdrawn = await withdraw_proposals(tx, partnership_id, [ProposalKind.TIER])
            detail: dict[str, Any] = {"from": row["tier"], "to": tier}
            if withdrawn:
                detail["withdrawn"] = withdrawn
            parties = (row["vendor"], row["partner"])
            if raises_tier(row["tier"], tier):
                # A raise widens both sides: the old tier holds until the partner accepts.
                detail["proposal"] = await create_proposal(
                    tx,
                    kind=ProposalKind.TIER,
                    partnership_id=partnership_id,
                    proposer=row["vendor"],
                    answerer=row["partner"],
                    proposed_by=self.viewer.user_id,
                    days=self.proposal_days,
                    values={"fromTier": row["tier"], "toTier": tier},
                )
                return Done(partnership_id, detail, action="propose", shared_with=parties)
            await tx.run(TIER_CHANGED_QUERY, {"id": partnership_id, "tier": tier})
            return Done(partnership_id, detail, shared_with=parties)

        return await self.execute("partnership.tier", work)

    async def assign_manager(self, partnership_id: str, user_id: str) -> Outcome:
        async def work(tx: WriteTx) -> Done:
            row = await self._for_update(tx, partnership_id)
            users = await tx.run(MANAGER_OF_QUERY, {"userId": user_id})
            # Users are visible to their own company only: a foreign id is "not found".
            if not users or users[0]["company"] != self.viewer.company_id:
                raise NotFound("User", argument="userId")
            if users[0]["role"] != Role.MANAGER:
                raise BadUserInput("The user is not a MANAGER", argument="userId")
            parties = (row["vendor"], row["partner"])
            if not may_assign_manager(self.actor, parties, users[0]["company"]):
                raise ActionForbidden("Only a party's EXECUTIVE may assign its managers")
            await tx.run(MANAGER_ASSIGNED_QUERY, {"id": partnership_id, "userId": user_id})
            return Done(partnership_id, {"manager": user_id})

        return await self.execute("partnership.manager", work)

    async def complete_item(self, partnership_id: str, key: str) -> Outcome:
        """Either party (not an ANALYST) ticks an item: the partner signs, the vendor certifies."""

        async def work(tx: WriteTx) -> Done:
            await self._for_update(tx, partnership_id)
            rows = await tx.run(
                ITEM_DONE_QUERY,
                {"id": partnership_id, "key": key, "userId": self.viewer.user_id},
            )
            if not rows:
                raise BadUserInput(
                    f"The partnership has no onboarding item {key!r}", argument="key"
                )
            return Done(partnership_id, {"item": key})

        return await self.execute("partnership.onboarding_item", work)

    async def set_checklist(self, items: Sequence[ChecklistItem]) -> Outcome:
        """The vendor's template for partnerships it recruits from now on."""
        self.require_role(Role.EXECUTIVE, action="set the onboarding checklist")
        if len(items) > MAX_CHECKLIST:
            raise BadUserInput(f"At most {MAX_CHECKLIST} items", argument="items")
        for i, item in enumerate(items):
            if not _KEY.match(item.key):
                raise BadUserInput(
                    "An item key is lowercase letters, digits and _ (at most 40)",
                    argument=f"items[{i}].key",
                )
            if not item.title.strip() or len(item.title) > 200:
                raise BadUserInput("A title is 1 to 200 characters", argument=f"items[{i}].title")
        if len({item.key for item in items}) != len(items):
            raise BadUserInput("Item keys must be unique", argument="items")

        async def work(tx: WriteTx) -> Done:
            await tx.run(
                CHECKLIST_REPLACED_QUERY,
                {
                    "companyId": self.viewer.company_id,
                    "items": [
                        {"key": i.key, "title": i.title, "required": i.required} for i in items
                    ],
                },
            )
            return Done(self.viewer.company_id, {"items": [i.key for i in items]})

        return await self.execute("company.onboarding_checklist", work)
