"""Co-marketing funds: the partner requests, the vendor approves or rejects within budget.

An approval locks the partnership before it reads what is already approved,
so concurrent approvals of one partnership run one after the other and the
budget is never overspent: remaining = mdfBudget - sum(APPROVED amounts).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Any

from graph.commands._base import CommandSet, Done, Outcome
from graph.driver import WriteTx
from graph.errors import (
    ActionForbidden,
    BadUserInput,
    BudgetExceeded,
    InvalidTransition,
    NotFound,
)
from graph.queries.mdf import (
    MDF_BALANCE_FOR_UPDATE_QUERY,
    MDF_DECISION_FACTS_QUERY,
    MDF_PARTNERSHIP_FOR_UPDATE_QUERY,
    MDF_PARTNERSHIP_QUERY,
    MDF_REQUEST_CREATED_QUERY,
    MDF_REQUEST_DECIDED_QUERY,
    MDF_REQUEST_PARTIES_QUERY,
)
from policy import (
    may_decide_mdf,
    may_request_mdf,
    mdf_remaining,
    overspends,
    sees_financials,
    sees_mdf_request,
)

MAX_CAMPAIGN = 200
MAX_REASON = 500
MAX_AMOUNT = 1e12


@dataclass(frozen=True, slots=True)
class MdfRequestInput:
    partnership_id: str
    campaign: str
    amount: float
    idempotency_key: str | None = None

    def validate(self) -> None:
        if not self.campaign.strip() or len(self.campaign) > MAX_CAMPAIGN:
            raise BadUserInput(
                f"'campaign' must be 1 to {MAX_CAMPAIGN} characters", argument="input.campaign"
            )
        if not math.isfinite(self.amount) or not 0 < self.amount <= MAX_AMOUNT:
            raise BadUserInput(
                "'amount' must be more than 0 and at most 1e12", argument="input.amount"
            )


class MdfCommands(CommandSet):
    async def _partnership(self, tx: WriteTx, partnership_id: str) -> dict[str, Any]:
        rows = await tx.run(MDF_PARTNERSHIP_QUERY, {"id": partnership_id})
        argument = "input.partnershipId"
        if not rows:
            raise NotFound("Partnership", argument=argument)
        row = rows[0]
        if self.viewer.company_id not in (row["vendor"], row["partner"]):
            # A HIGH partner of a party sees the partnership exists: say no, not "missing".
            if {row["vendor"], row["partner"]} & self.viewer.high_partners:
                raise ActionForbidden("Only the partner of a partnership may request its MDF")
            raise NotFound("Partnership", argument=argument)
        return row

    async def request(self, data: MdfRequestInput) -> Outcome:
        """A SUBMITTED request by a user of the partner side of an ACTIVE partnership."""
        data.validate()

        async def work(tx: WriteTx) -> Done:
            parties = await self._partnership(tx, data.partnership_id)
            if not may_request_mdf(self.actor, parties["partner"]):
                raise ActionForbidden("Only the partner of a partnership may request its MDF")
            balance = (await tx.run(MDF_BALANCE_FOR_UPDATE_QUERY, {"id": data.partnership_id}))[0]
            if balance["status"] != "ACTIVE":
                raise InvalidTransition(
                    "MDF can be requested only under an ACTIVE partnership",
                    current=balance["status"],
                    requested="SUBMITTED",
                )
            # Asking for more than is left can never be approved: say so now, but
            # only to whom may read the budget (otherwise the refusal, or a search
            # over amounts, would tell a REP what mdfRemaining refuses it).
            approved = float(balance["approved"] or 0.0)
            reads_budget = sees_financials(
                self.viewer.role, True, data.partnership_id in self.viewer.managed
            )
            if reads_budget and overspends(data.amount, balance["budget"], approved):
                raise BudgetExceeded(
                    "The amount is more than the partnership's MDF budget has left",
                    remaining=mdf_remaining(balance["budget"], approved),
                )
            new_id = f"md-{uuid.uuid4().hex[:16]}"
            await tx.run(
                MDF_REQUEST_CREATED_QUERY,
                {
                    "id": new_id,
                    "partnershipId": data.partnership_id,
                    "userId": self.viewer.user_id,
                    "campaign": data.campaign.strip(),
                    "amount": float(data.amount),
                },
            )
            return Done(
                new_id,
                {
                    "partnership": data.partnership_id,
                    "campaign": data.campaign.strip(),
                    "amount": data.amount,
                },
            )

        return await self.execute(
            "mdf.request",
            work,
            idempotency_key=data.idempotency_key,
            fingerprint={
                "partnership": data.partnership_id,
                "campaign": data.campaign,
                "amount": data.amount,
            },
        )

    async def decide(self, request_id: str, approve: bool, reason: str | None) -> Outcome:
        """APPROVED (within what the budget has left) or REJECTED, by the vendor."""
        if reason is not None and len(reason) > MAX_REASON:
            raise BadUserInput(f"'reason' is at most {MAX_REASON} characters", argument="reason")
        to = "APPROVED" if approve else "REJECTED"

        async def work(tx: WriteTx) -> Done:
            # One answer for a missing request and for one the viewer may not see,
            # whoever sees its partnership: never a word about the partnership.
            found = await tx.run(MDF_REQUEST_PARTIES_QUERY, {"id": request_id})
            if not found:
                raise NotFound("MdfRequest", argument="id")
            row = found[0]
            partnership_id = str(row["partnership"])
            vendor = row["vendor"]
            if not sees_mdf_request(
                self.actor, partnership_id, vendor, row["partner"], row["requester"]
            ):
                raise NotFound("MdfRequest", argument="id")
            await tx.run(MDF_PARTNERSHIP_FOR_UPDATE_QUERY, {"id": partnership_id})
            facts = (await tx.run(MDF_DECISION_FACTS_QUERY, {"id": request_id}))[0]
            if not may_decide_mdf(self.actor, partnership_id, vendor):
                raise ActionForbidden(
                    "Only the vendor's EXECUTIVE or managing MANAGER may decide MDF requests"
                )
            if facts["status"] != "SUBMITTED":
                raise InvalidTransition(
                    f"The request is already {facts['status']}",
                    current=facts["status"],
                    requested=to,
                )
            approved = float(facts["approved"] or 0.0)
            if approve:
                if facts["partnershipStatus"] != "ACTIVE":
                    raise InvalidTransition(
                        "MDF is approved only under an ACTIVE partnership",
                        current=facts["status"],
                        requested=to,
                    )
                if overspends(float(facts["amount"]), facts["budget"], approved):
                    raise BudgetExceeded(
                        "Approving this request would overspend the partnership's MDF budget",
                        remaining=mdf_remaining(facts["budget"], approved),
                    )
                approved += float(facts["amount"])
            await tx.run(
                MDF_REQUEST_DECIDED_QUERY,
                {
                    "id": request_id,
                    "status": to,
                    "userId": self.viewer.user_id,
                    "reason": reason,
                },
            )
            return Done(
                request_id,
                {
                    "partnership": partnership_id,
                    "amount": facts["amount"],
                    "reason": reason,
                    "remaining": mdf_remaining(facts["budget"], approved),
                },
                action=to.lower(),
            )

        return await self.execute("mdf.decide", work)
