"""The mutations: one class of commands per aggregate, each command one write transaction.

``GraphCommands`` is built per request beside the ``GraphReader``; the schema
asks it to act and then reads the result back through the reader, so what a
mutation returns passes the same authorization as any query.
"""

from __future__ import annotations

from functools import cached_property

from graph.commands._base import CommandSet, Done, Outcome
from graph.commands.consent import (
    MAX_REQUESTED_CUSTOMERS,
    ConsentCommands,
    DataRequestInput,
    Narrowing,
    sweep_expired_proposals,
)
from graph.commands.courses import CourseCommands, CourseInput
from graph.commands.data_sharing import DataSharingCommands, GrantInput
from graph.commands.deals import DealCommands, DealInput, sweep_expired_deals
from graph.commands.erasures import (
    DEV_ERASURE_KEY,
    ErasureCommands,
    OperatorErasure,
    erase_accounts_by_domain,
    erase_people_by_email,
    sweep_old_audit_events,
)
from graph.commands.mdf import MdfCommands, MdfRequestInput
from graph.commands.partnerships import (
    MAX_CHECKLIST,
    ChecklistItem,
    PartnershipCommands,
    RecruitInput,
)
from graph.commands.products import (
    ProductChanges,
    ProductCommands,
    ProductInput,
    TierDiscountInput,
)
from graph.commands.scorecards import CriterionSetting, ScorecardCommands, ScorecardConfigInput
from graph.driver import Database, QueryStats
from graph.viewer import Viewer
from policy import DEFAULT_PROPOSAL_DAYS, DEFAULT_PROTECTION_DAYS, Policy


class GraphCommands:
    """Per-request entry point of every mutation; each aggregate's commands made on first use."""

    def __init__(
        self,
        db: Database,
        viewer: Viewer,
        policy: Policy,
        stats: QueryStats,
        *,
        deal_protection_days: int = DEFAULT_PROTECTION_DAYS,
        consent_proposal_days: int = DEFAULT_PROPOSAL_DAYS,
        erasure_key: str = DEV_ERASURE_KEY,
    ) -> None:
        self._args = (db, viewer, policy, stats)
        self._deal_protection_days = deal_protection_days
        self._proposal_days = consent_proposal_days
        self._erasure_key = erasure_key.encode()

    def use_viewer(self, viewer: Viewer) -> None:
        """The viewer as reloaded after an earlier mutation of the same request."""
        self._args = (self._args[0], viewer, *self._args[2:])
        for name, value in list(vars(self).items()):
            if isinstance(value, CommandSet):
                del self.__dict__[name]

    @cached_property
    def partnerships(self) -> PartnershipCommands:
        return PartnershipCommands(*self._args, proposal_days=self._proposal_days)

    @cached_property
    def consent(self) -> ConsentCommands:
        return ConsentCommands(*self._args, proposal_days=self._proposal_days)

    @cached_property
    def deals(self) -> DealCommands:
        return DealCommands(*self._args, protection_days=self._deal_protection_days)

    @cached_property
    def data_sharing(self) -> DataSharingCommands:
        return DataSharingCommands(*self._args, proposal_days=self._proposal_days)

    @cached_property
    def products(self) -> ProductCommands:
        return ProductCommands(*self._args)

    @cached_property
    def courses(self) -> CourseCommands:
        return CourseCommands(*self._args)

    @cached_property
    def mdf(self) -> MdfCommands:
        return MdfCommands(*self._args)

    @cached_property
    def scorecards(self) -> ScorecardCommands:
        return ScorecardCommands(*self._args)

    @cached_property
    def erasures(self) -> ErasureCommands:
        return ErasureCommands(*self._args, erasure_key=self._erasure_key)


__all__ = [
    "DEV_ERASURE_KEY",
    "MAX_CHECKLIST",
    "MAX_REQUESTED_CUSTOMERS",
    "ChecklistItem",
    "CommandSet",
    "ConsentCommands",
    "CourseCommands",
    "CourseInput",
    "CriterionSetting",
    "DataRequestInput",
    "DataSharingCommands",
    "DealCommands",
    "DealInput",
    "Done",
    "ErasureCommands",
    "GrantInput",
    "GraphCommands",
    "MdfCommands",
    "MdfRequestInput",
    "Narrowing",
    "OperatorErasure",
    "Outcome",
    "PartnershipCommands",
    "ProductChanges",
    "ProductCommands",
    "ProductInput",
    "RecruitInput",
    "ScorecardCommands",
    "ScorecardConfigInput",
    "TierDiscountInput",
    "erase_accounts_by_domain",
    "erase_people_by_email",
    "sweep_expired_deals",
    "sweep_expired_proposals",
    "sweep_old_audit_events",
]
