"""Data sharing: grant and revoke DataLinks, and a company's SharingPolicy per tier.

Nothing here is cached between requests: the viewer (with its grants) is read
from the graph at the start of every request, so a grant or a revocation
takes effect on the very next one.

Consent (docs/consent.md): a link granted by its owner carries the owner's
ceiling (its scope and allCustomers as granted). A change beyond the ceiling
asked by the recipient waits for the owner (a LINK_SCOPE proposal); the
owner's own change and any narrowing apply at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graph.commands._base import CommandSet, Done, Outcome
from graph.commands.consent import check_scope, create_proposal, withdraw_proposals
from graph.driver import WriteTx
from graph.errors import ActionForbidden, BadUserInput, InvalidTransition, NotFound
from graph.queries.consent import LINK_SCOPE_SET_QUERY
from graph.queries.data_sharing import (
    GRANTED_LINK_QUERY,
    LINK_FOR_UPDATE_QUERY,
    OWNED_CUSTOMERS_QUERY,
    REVOKED_LINK_QUERY,
    SHARING_PARTNERSHIP_QUERY,
    SHARING_POLICY_CLEARED_QUERY,
    SHARING_POLICY_SET_QUERY,
)
from policy import (
    SHAREABLE_GROUPS,
    FieldGroup,
    ProposalKind,
    Role,
    Tier,
    exceeds_ceiling,
    may_share,
)

MAX_COVERED = 1000
MAX_PURPOSE = 500


@dataclass(frozen=True, slots=True)
class GrantInput:
    partnership_id: str
    scope: Sequence[str]
    customer_ids: Sequence[str] = field(default_factory=tuple)
    all_customers: bool = False
    purpose: str | None = None
    expires_at: datetime | None = None
    idempotency_key: str | None = None

    def validate(self, now: datetime) -> None:
        if not self.scope:
            raise BadUserInput("'scope' needs at least one field group", argument="input.scope")
        outside = [g for g in self.scope if FieldGroup(g) not in SHAREABLE_GROUPS]
        if outside:
            raise BadUserInput(f"{', '.join(outside)} can never be shared", argument="input.scope")
        if self.all_customers == bool(self.customer_ids):
            raise BadUserInput(
                "Give either customerIds or allCustomers: true", argument="input.customerIds"
            )
        if len(self.customer_ids) > MAX_COVERED:
            raise BadUserInput(
                f"At most {MAX_COVERED} customers per link; use allCustomers",
                argument="input.customerIds",
            )
        if self.purpose is not None and len(self.purpose) > MAX_PURPOSE:
            raise BadUserInput(
                f"'purpose' is at most {MAX_PURPOSE} characters", argument="input.purpose"
            )
        if self.expires_at is not None:
            expires = self.expires_at
            if expires.tzinfo is None:
                raise BadUserInput("'expiresAt' needs a time zone", argument="input.expiresAt")
            if expires <= now:
                raise BadUserInput("'expiresAt' must be in the future", argument="input.expiresAt")


class DataSharingCommands(CommandSet):
    async def grant(self, data: GrantInput) -> Outcome:
        """A DataLink from the viewer's company to the other party of the partnership."""
        data.validate(datetime.now(UTC))
        owner = self.viewer.company_id
        scope = [g.value for g in FieldGroup if g.value in set(data.scope)]
        covered = sorted(set(data.customer_ids))

        async def work(tx: WriteTx) -> Done:
            row = await self._party_partnership(tx, data.partnership_id)
            if not may_share(self.actor, data.partnership_id, owner):
                raise ActionForbidden(
                    "Only your EXECUTIVE or the MANAGER of this partnership may share data"
                )
            if row["status"] == "ENDED":
                raise InvalidTransition(
                    "An ended partnership carries no data links",
                    current="ENDED",
                    requested="grant",
                )
            if covered:
                owned = set(
                    (await tx.run(OWNED_CUSTOMERS_QUERY, {"owner": owner, "ids": covered}))[0][
                        "owned"
                    ]
                )
                # The same answer for a customer that does not exist and one
                # another company owns: nothing here confirms existence.
                for i, cid in enumerate(data.customer_ids):
                    if cid not in owned:
                        raise BadUserInput(
                            "Not a customer of your company",
                            argument=f"input.customerIds[{i}]",
                        )
            recipient = row["partner"] if row["vendor"] == owner else row["vendor"]
            link_id = f"dl-{uuid.uuid4().hex[:16]}"
            await tx.run(
                GRANTED_LINK_QUERY,
                {
                    "id": link_id,
                    "owner": owner,
                    "recipient": recipient,
                    "partnershipId": data.partnership_id,
                    "scope": scope,
                    "allCustomers": data.all_customers,
                    "purpose": data.purpose,
                    "expiresAt": data.expires_at,
                    "customerIds": covered,
                },
            )
            return Done(
                link_id,
                {
                    "recipient": recipient,
                    "scope": scope,
                    "allCustomers": data.all_customers,
                    "covers": len(covered),
                },
            )

        return await self.execute(
            "dataLink.grant",
            work,
            idempotency_key=data.idempotency_key,
            fingerprint={
                "partnership": data.partnership_id,
                "scope": scope,
                "customers": covered,
                "all": data.all_customers,
                "purpose": data.purpose,
                "expiresAt": data.expires_at,
            },
        )

    async def revoke(self, link_id: str) -> Outcome:
        async def work(tx: WriteTx) -> Done:
            company = self.viewer.company_id
            rows = await tx.run(LINK_FOR_UPDATE_QUERY, {"id": link_id, "companyId": company})
            if not rows or company not in (rows[0]["owner"], rows[0]["recipient"]):
                raise NotFound("DataLink", argument="id")
            row = rows[0]
            if row["owner"] != company or not may_share(
                self.actor, row["partnership"] or "", company
            ):
                raise ActionForbidden(
                    "Only the owner's EXECUTIVE or the MANAGER of the partnership may revoke"
                )
            if row["revokedAt"] is not None:
                raise InvalidTransition(
                    "The link is already revoked", current="REVOKED", requested="revoke"
                )
            await tx.run(REVOKED_LINK_QUERY, {"id": link_id})
            detail: dict[str, Any] = {"recipient": row["recipient"]}
            if row["partnership"] is not None:
                withdrawn = await withdraw_proposals(
                    tx, row["partnership"], [ProposalKind.LINK_SCOPE], link_id
                )
                if withdrawn:
                    detail["withdrawn"] = withdrawn
            return Done(link_id, detail)

        return await self.execute("dataLink.revoke", work)

    async def change_link(
        self, link_id: str, scope: Sequence[str] | None, all_customers: bool | None
    ) -> Outcome:
        """A link's scope or allCustomers changed by either end (docs/consent.md).

        The owner (its EXECUTIVE or the managing MANAGER) consents by acting: its
        change applies and becomes the ceiling. The recipient's narrowing applies
        at once; a widening within the ceiling too (the owner accepted it); one
        beyond it is a LINK_SCOPE proposal the owner answers, and the link keeps
        its values until then.
        """
        if scope is None and all_customers is None:
            raise BadUserInput("Give scope, allCustomers or both", argument="scope")
        chosen = None if scope is None else check_scope(scope, "scope")
        company = self.viewer.company_id

        async def work(tx: WriteTx) -> Done:
            rows = await tx.run(LINK_FOR_UPDATE_QUERY, {"id": link_id, "companyId": company})
            if not rows or company not in (rows[0]["owner"], rows[0]["recipient"]):
                raise NotFound("DataLink", argument="id")
            row = rows[0]
            pid = row["partnership"] or ""
            if not self.actor.runs(pid, company):
                raise ActionForbidden(
                    "Only your EXECUTIVE or the MANAGER of the partnership may change a link"
                )
            if not row["live"] or row["status"] == "ENDED":
                raise InvalidTransition(
                    "The link is revoked, expired or its partnership ended",
                    current="INACTIVE",
                    requested="change",
                )
            new_scope = chosen if chosen is not None else list(row["scope"] or ())
            every = bool(row["allCustomers"]) if all_customers is None else all_customers
            ceiling = list(row["ceiling"] or ())
            ceiling_all = bool(row["ceilingAllCustomers"])
            detail: dict[str, Any] = {
                "from": {"scope": row["scope"], "allCustomers": row["allCustomers"]},
                "to": {"scope": new_scope, "allCustomers": every},
            }
            parties = (row["owner"], row["recipient"])
            if company == row["owner"]:
                ceiling, ceiling_all = new_scope, every
            elif exceeds_ceiling(new_scope, every, ceiling, ceiling_all):
                # Beyond what the owner accepted: what narrows applies now, the rest waits.
                current: set[str] = set(row["scope"] or ())
                now_scope = [g for g in new_scope if g in current]
                now_all = every and bool(row["allCustomers"])
                await tx.run(
                    LINK_SCOPE_SET_QUERY,
                    {
                        "id": link_id,
                        "scope": now_scope,
                        "allCustomers": now_all,
                        "ceiling": ceiling,
                        "ceilingAllCustomers": ceiling_all,
                    },
                )
                await withdraw_proposals(tx, pid, [ProposalKind.LINK_SCOPE], link_id)
                detail["proposal"] = await create_proposal(
                    tx,
                    kind=ProposalKind.LINK_SCOPE,
                    partnership_id=pid,
                    proposer=company,
                    answerer=row["owner"],
                    proposed_by=self.viewer.user_id,
                    days=self.proposal_days,
                    link_id=link_id,
                    values={
                        "fromScope": now_scope,
                        "toScope": new_scope,
                        "fromAllCustomers": now_all,
                        "toAllCustomers": every,
                    },
                )
                return Done(link_id, detail, action="propose", shared_with=parties)
            await tx.run(
                LINK_SCOPE_SET_QUERY,
                {
                    "id": link_id,
                    "scope": new_scope,
                    "allCustomers": every,
                    "ceiling": ceiling,
                    "ceilingAllCustomers": ceiling_all,
                },
            )
            await withdraw_proposals(tx, pid, [ProposalKind.LINK_SCOPE], link_id)
            return Done(link_id, detail, shared_with=parties)

        return await self.execute("dataLink.change", work)

    async def set_sharing_policy(self, tier: str, groups: Sequence[str] | None) -> Outcome:
        """Override (or with ``None`` restore the default of) what one tier shares."""
        self.require_role(Role.EXECUTIVE, action="edit the sharing policy")
        Tier(tier)
        chosen: list[str] | None = None
        if groups is not None:
            outside = [g for g in groups if FieldGroup(g) not in SHAREABLE_GROUPS]
            if outside:
                raise BadUserInput(f"{', '.join(outside)} can never be shared", argument="groups")
            chosen = [g.value for g in FieldGroup if g.value in set(groups)]
        company = self.viewer.company_id

        async def work(tx: WriteTx) -> Done:
            if chosen is None:
                await tx.run(SHARING_POLICY_CLEARED_QUERY, {"companyId": company, "tier": tier})
                return Done(company, {"tier": tier, "groups": None}, action="clear")
            rows = await tx.run(
                SHARING_POLICY_SET_QUERY,
                {
                    "companyId": company,
                    "tier": tier,
                    "groups": chosen,
                    "newId": f"sp-{uuid.uuid4().hex[:16]}",
                },
            )
            return Done(str(rows[0]["id"]), {"tier": tier, "groups": chosen})

        return await self.execute("sharingPolicy.set", work)

    async def _party_partnership(self, tx: WriteTx, partnership_id: str) -> dict[str, Any]:
        rows = await tx.run(SHARING_PARTNERSHIP_QUERY, {"id": partnership_id})
        company = self.viewer.company_id
        if rows and company not in (rows[0]["vendor"], rows[0]["partner"]):
            if {rows[0]["vendor"], rows[0]["partner"]} & self.viewer.high_partners:
                raise ActionForbidden("Only the two parties share data under a partnership")
            rows = []
        if not rows:
            raise NotFound("Partnership", argument="input.partnershipId")
        return rows[0]
