"""Consent (docs/consent.md): proposals, their answers, data requests, and the expiry sweep.

A widening waits in a ``ConsentProposal`` until the company whose data would
flow accepts it; until then what was accepted before holds. Every answer takes
the partnership's lock, then the proposal's, then the link's (the order of
``PROPOSAL_FOR_UPDATE_QUERY``), so two answers, an answer and a revocation, or
an answer and the sweep, serialize: one wins, the other finds it settled.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.commands._base import CommandSet, Done, Outcome
from graph.driver import Database, WriteTx
from graph.errors import ActionForbidden, BadUserInput, InvalidTransition, NotFound
from graph.queries.consent import (
    EXPIRED_PROPOSALS_SWEPT_QUERY,
    LINK_SCOPE_SET_QUERY,
    PARTNERSHIP_ACCEPTED_QUERY,
    PARTNERSHIP_DECLINED_QUERY,
    PROPOSAL_ANSWERED_QUERY,
    PROPOSAL_CREATED_QUERY,
    PROPOSAL_FOR_UPDATE_QUERY,
    PROPOSALS_WITHDRAWN_QUERY,
    REQUESTED_LINK_CREATED_QUERY,
)
from graph.queries.data_sharing import SHARING_PARTNERSHIP_QUERY
from graph.queries.partnerships import MANAGER_ASSIGNED_QUERY, TIER_CHANGED_QUERY
from policy import (
    SHAREABLE_GROUPS,
    FieldGroup,
    ProposalKind,
    ProposalStatus,
    Role,
    may_answer,
)

#: Who the sweep acts as in the audit trail.
SWEEP_ACTOR = "system:consent-sweep"
MAX_REQUESTED_CUSTOMERS = 1000
MAX_PURPOSE = 500
MAX_DURATION_DAYS = 3650


def ordered_groups(groups: Sequence[str]) -> list[str]:
    """Groups in the policy's order, as links store them."""
    chosen = set(groups)
    return [g.value for g in FieldGroup if g.value in chosen]


def check_scope(scope: Sequence[str], argument: str) -> list[str]:
    if not scope:
        raise BadUserInput("'scope' needs at least one field group", argument=argument)
    outside = [g for g in scope if FieldGroup(g) not in SHAREABLE_GROUPS]
    if outside:
        raise BadUserInput(f"{', '.join(outside)} can never be shared", argument=argument)
    return ordered_groups(scope)


async def create_proposal(
    tx: WriteTx,
    *,
    kind: ProposalKind,
    partnership_id: str,
    proposer: str,
    answerer: str,
    proposed_by: str,
    days: int,
    link_id: str | None = None,
    values: Mapping[str, Any] | None = None,
) -> str:
    """A PENDING proposal; ``values`` are its from/to (fromTier, toScope, ...)."""
    proposal_id = f"cp-{uuid.uuid4().hex[:16]}"
    await tx.run(
        PROPOSAL_CREATED_QUERY,
        {
            "id": proposal_id,
            "partnershipId": partnership_id,
            "linkId": link_id,
            "days": days,
            "props": {
                "kind": kind.value,
                "proposerCompany": proposer,
                "answererCompany": answerer,
                "proposedById": proposed_by,
                **(values or {}),
            },
        },
    )
    return proposal_id


async def withdraw_proposals(
    tx: WriteTx, partnership_id: str, kinds: Sequence[ProposalKind], link_id: str | None = None
) -> list[str]:
    """Pending proposals a change made moot, withdrawn; their ids for the audit."""
    rows = await tx.run(
        PROPOSALS_WITHDRAWN_QUERY,
        {"partnershipId": partnership_id, "kinds": [k.value for k in kinds], "linkId": link_id},
    )
    return [str(i) for i in rows[0]["withdrawn"]] if rows else []


@dataclass(frozen=True, slots=True)
class DataRequestInput:
    """A recipient asks the other party of a partnership for a link (item 2 of #13)."""

    partnership_id: str
    scope: Sequence[str]
    customer_ids: Sequence[str] = field(default_factory=tuple)
    all_customers: bool = False
    purpose: str | None = None
    duration_days: int | None = None

    def validate(self) -> list[str]:
        scope = check_scope(self.scope, "input.scope")
        if self.all_customers == bool(self.customer_ids):
            raise BadUserInput(
                "Give either customerIds or allCustomers: true", argument="input.customerIds"
            )
        if len(self.customer_ids) > MAX_REQUESTED_CUSTOMERS:
            raise BadUserInput(
                f"At most {MAX_REQUESTED_CUSTOMERS} customers; use allCustomers",
                argument="input.customerIds",
            )
        if self.purpose is not None and len(self.purpose) > MAX_PURPOSE:
            raise BadUserInput(
                f"'purpose' is at most {MAX_PURPOSE} characters", argument="input.purpose"
            )
        days = self.duration_days
        if days is not None and not 0 < days <= MAX_DURATION_DAYS:
            raise BadUserInput(
                f"'durationDays' must be between 1 and {MAX_DURATION_DAYS}",
                argument="input.durationDays",
            )
        return scope


@dataclass(frozen=True, slots=True)
class Narrowing:
    """What an owner approves of a data request, if less than was asked."""

    scope: Sequence[str] | None = None
    customer_ids: Sequence[str] | None = None


class ConsentCommands(CommandSet):
    async def request_data(self, data: DataRequestInput) -> Outcome:
        """A DATA_REQUEST proposal from the viewer's company to the other party."""
        scope = data.validate()
        company = self.viewer.company_id

        async def work(tx: WriteTx) -> Done:
            rows = await tx.run(SHARING_PARTNERSHIP_QUERY, {"id": data.partnership_id})
            if not rows or company not in (rows[0]["vendor"], rows[0]["partner"]):
                raise NotFound("Partnership", argument="input.partnershipId")
            row = rows[0]
            if not self.actor.runs(data.partnership_id, company):
                raise ActionForbidden(
                    "Only your EXECUTIVE or the MANAGER of this partnership may request data"
                )
            if row["status"] == "ENDED":
                raise InvalidTransition(
                    "An ended partnership carries no data links",
                    current="ENDED",
                    requested="request",
                )
            owner = row["partner"] if row["vendor"] == company else row["vendor"]
            proposal = await create_proposal(
                tx,
                kind=ProposalKind.DATA_REQUEST,
                partnership_id=data.partnership_id,
                proposer=company,
                answerer=owner,
                proposed_by=self.viewer.user_id,
                days=self.proposal_days,
                values={
                    "toScope": scope,
                    "toAllCustomers": data.all_customers,
                    "customerIds": sorted(set(data.customer_ids)),
                    "purpose": data.purpose,
                    "durationDays": data.duration_days,
                },
            )
            return Done(
                proposal,
                {
                    "kind": ProposalKind.DATA_REQUEST.value,
                    "partnership": data.partnership_id,
                    "owner": owner,
                    "scope": scope,
                    "allCustomers": data.all_customers,
                    "customers": len(set(data.customer_ids)),
                },
                action="propose",
                shared_with=(owner,),
            )

        return await self.execute("consent", work)

    async def accept(self, proposal_id: str, narrowing: Narrowing | None = None) -> Outcome:
        """The answering company accepts: the change it consents to applies now."""
        return await self._answer(proposal_id, accept=True, narrowing=narrowing)

    async def decline(self, proposal_id: str) -> Outcome:
        return await self._answer(proposal_id, accept=False, narrowing=None)

    async def _answer(
        self, proposal_id: str, *, accept: bool, narrowing: Narrowing | None
    ) -> Outcome:
        company = self.viewer.company_id
        late: list[bool] = []

        async def work(tx: WriteTx) -> Done:
            late.clear()
            rows = await tx.run(
                PROPOSAL_FOR_UPDATE_QUERY, {"id": proposal_id, "companyId": company}
            )
            if not rows or company not in (rows[0]["vendor"], rows[0]["partner"]):
                raise NotFound("ConsentProposal", argument="id")
            row = rows[0]
            proposal = row["proposal"]
            kind = ProposalKind(proposal["kind"])
            answerer = str(proposal["answererCompany"])
            parties = (str(row["vendor"]), str(row["partner"]))
            if not may_answer(self.actor, kind, row["partnershipId"], answerer):
                raise ActionForbidden(_who_answers(kind, answerer == company))
            status = proposal["status"]
            if status != ProposalStatus.PENDING:
                raise InvalidTransition(
                    f"The proposal is {status}",
                    current=status,
                    requested="ACCEPTED" if accept else "DECLINED",
                )
            detail: dict[str, Any] = {"kind": kind.value, "partnership": row["partnershipId"]}
            if proposal["expired"]:
                # Too late: the expiry is written now (and stays, though the answer fails).
                late.append(True)
                await self._settle(tx, row, ProposalStatus.EXPIRED, None)
                return Done(proposal_id, detail, action="expire", shared_with=parties)
            if row["partnership"]["status"] == "ENDED":
                raise InvalidTransition(
                    "The partnership has ended", current="ENDED", requested="ACCEPTED"
                )
            if not accept:
                await self._settle(tx, row, ProposalStatus.DECLINED, None)
                return Done(proposal_id, detail, action="decline", shared_with=parties)
            applied = await self._apply(tx, kind, row, narrowing)
            await self._settle(tx, row, ProposalStatus.ACCEPTED, applied)
            return Done(proposal_id, {**detail, **applied}, action="accept", shared_with=parties)

        outcome = await self.execute("consent", work)
        if late:
            raise InvalidTransition(
                "The proposal expired before it was answered",
                current=ProposalStatus.EXPIRED.value,
                requested="ACCEPTED" if accept else "DECLINED",
            )
        return outcome

    async def _settle(
        self,
        tx: WriteTx,
        row: Mapping[str, Any],
        status: ProposalStatus,
        applied: Mapping[str, Any] | None,
    ) -> None:
        proposal = row["proposal"]
        await tx.run(
            PROPOSAL_ANSWERED_QUERY,
            {
                "id": proposal["id"],
                "status": status.value,
                "userId": None if status == ProposalStatus.EXPIRED else self.viewer.user_id,
                "answer": None if applied is None else applied.get("link"),
            },
        )
        relationship = proposal["kind"] in (ProposalKind.INVITATION, ProposalKind.APPLICATION)
        opening = row["partnership"]["status"] in ("PROSPECT", "ONBOARDING")
        if relationship and opening and status != ProposalStatus.ACCEPTED:
            # No consent to the relationship: it ends (a new one is a new partnership).
            await tx.run(PARTNERSHIP_DECLINED_QUERY, {"id": row["partnershipId"]})
            await withdraw_proposals(tx, row["partnershipId"], list(ProposalKind))

    async def _apply(
        self,
        tx: WriteTx,
        kind: ProposalKind,
        row: Mapping[str, Any],
        narrowing: Narrowing | None,
    ) -> dict[str, Any]:
        proposal = row["proposal"]
        partnership = row["partnership"]
        pid = str(row["partnershipId"])
        if narrowing is not None and kind != ProposalKind.DATA_REQUEST:
            raise BadUserInput("Only a data request can be approved narrowed", argument="scope")
        if kind in (ProposalKind.INVITATION, ProposalKind.APPLICATION):
            side = "PARTNER" if kind == ProposalKind.INVITATION else "VENDOR"
            accepted_other = (
                partnership.get("vendorAcceptedAt")
                if side == "PARTNER"
                else partnership.get("partnerAcceptedAt")
            )
            # The vendor asked for ACTIVE while this consent was missing: it completes now.
            activate = (
                accepted_other is not None
                and partnership.get("activationRequestedAt") is not None
                and partnership["status"] == "ONBOARDING"
                and not row["missing"]
            )
            await tx.run(
                PARTNERSHIP_ACCEPTED_QUERY, {"id": pid, "side": side, "activate": activate}
            )
            if side == "VENDOR" and self.viewer.role == Role.MANAGER:
                await tx.run(MANAGER_ASSIGNED_QUERY, {"id": pid, "userId": self.viewer.user_id})
            return {"side": side, "activated": activate}
        if kind == ProposalKind.TIER:
            if partnership["tier"] != proposal.get("fromTier"):
                raise InvalidTransition(
                    "The tier changed since this proposal",
                    current=str(partnership["tier"]),
                    requested=str(proposal.get("toTier")),
                )
            await tx.run(TIER_CHANGED_QUERY, {"id": pid, "tier": proposal["toTier"]})
            return {"from": proposal.get("fromTier"), "to": proposal["toTier"]}
        if kind == ProposalKind.LINK_SCOPE:
            link = row["link"]
            if link is None or not link["live"]:
                raise InvalidTransition(
                    "The link is revoked or expired", current="INACTIVE", requested="ACCEPTED"
                )
            scope = list(proposal.get("toScope") or ())
            every = bool(proposal.get("toAllCustomers"))
            ceiling = ordered_groups([*(link.get("ceiling") or ()), *scope])
            ceiling_all = bool(link.get("ceilingAllCustomers")) or every
            await tx.run(
                LINK_SCOPE_SET_QUERY,
                {
                    "id": link["id"],
                    "scope": scope,
                    "allCustomers": every,
                    "ceiling": ceiling,
                    "ceilingAllCustomers": ceiling_all,
                },
            )
            return {"link": link["id"], "scope": scope, "allCustomers": every}
        return await self._approve_request(tx, row, narrowing)

    async def _approve_request(
        self, tx: WriteTx, row: Mapping[str, Any], narrowing: Narrowing | None
    ) -> dict[str, Any]:
        proposal = row["proposal"]
        asked_scope = list(proposal.get("toScope") or ())
        asked_customers = list(proposal.get("customerIds") or ())
        every = bool(proposal.get("toAllCustomers"))
        scope, customers = asked_scope, asked_customers
        if narrowing is not None and narrowing.scope is not None:
            scope = check_scope(narrowing.scope, "scope")
            if set(scope) - set(asked_scope):
                raise BadUserInput("An approval can only narrow the scope asked", argument="scope")
        if narrowing is not None and narrowing.customer_ids is not None:
            chosen = sorted(set(narrowing.customer_ids))
            if not chosen:
                raise BadUserInput("Approve at least one customer", argument="customerIds")
            if not every and set(chosen) - set(asked_customers):
                raise BadUserInput(
                    "An approval can only narrow the customers asked", argument="customerIds"
                )
            # A list narrows "all customers" too; a customer not the owner's covers nothing.
            customers, every = chosen, False
        owner = str(proposal["answererCompany"])
        link_id = f"dl-{uuid.uuid4().hex[:16]}"
        created = await tx.run(
            REQUESTED_LINK_CREATED_QUERY,
            {
                "id": link_id,
                "owner": owner,
                "recipient": proposal["proposerCompany"],
                "partnershipId": row["partnershipId"],
                "proposalId": proposal["id"],
                "scope": scope,
                "allCustomers": every,
                "purpose": proposal.get("purpose"),
                "days": proposal.get("durationDays"),
                "customerIds": [] if every else customers,
            },
        )
        return {
            "link": link_id,
            "scope": scope,
            "allCustomers": every,
            "covers": int(created[0]["covered"]) if created else 0,
        }


def _who_answers(kind: ProposalKind, own_side: bool) -> str:
    if not own_side:
        return "The other party answers this proposal"
    if kind in (ProposalKind.INVITATION, ProposalKind.TIER):
        return "Only your EXECUTIVE may answer this proposal"
    if kind == ProposalKind.APPLICATION:
        return "Only your EXECUTIVE or a MANAGER may answer an application"
    return "Only your EXECUTIVE or the MANAGER of this partnership may answer for your data"


async def sweep_expired_proposals(db: Database, *, batch: int = 500) -> int:
    """Persist EXPIRED on every pending proposal past its expiry, with a ``consent.expire``
    AuditEvent for each party; returns how many it expired."""
    total = 0
    while True:
        rows = await db.write(
            EXPIRED_PROPOSALS_SWEPT_QUERY, {"limit": batch, "actorId": SWEEP_ACTOR}
        )
        expired = int(rows[0]["expired"]) if rows else 0
        total += expired
        if expired < batch:
            return total
