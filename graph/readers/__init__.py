"""The reads: one reader per aggregate, each batch of lookups or pages one Cypher statement.

A ``GraphReader`` is created for each request inside the running event loop
(aiodataloader binds its loaders to it). It is a façade: each aggregate's
reader (``reader.customers``, ``reader.deals``, ...) is made on first use and
shares the request's viewer, statistics and paging. Every lookup or list goes
through a loader, so N sibling fields asking for the same kind of thing cost
one round trip; the number of round trips is bounded by the depth of the query.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property

from graph.cursors import CursorCodec
from graph.driver import Database, QueryStats
from graph.readers._base import (
    DEFAULT_FIRST,
    MAX_FIRST,
    AggregateReader,
    Page,
    PageArgs,
    Paging,
    ReadScope,
)
from graph.readers._loaders import ShieldedLoader, batch_loader
from graph.readers.access_log import AccessLogReader, LinkReadRow
from graph.readers.audit import AuditReader
from graph.readers.companies import CompanyQuery, CompanyReader, CompanyRow
from graph.readers.consent import ConsentProposalRow, ConsentReader
from graph.readers.contacts import ContactReader, ContactRow
from graph.readers.courses import CompletionRow, CourseCounts, CourseReader, CourseRow
from graph.readers.customers import CustomerQuery, CustomerReader, CustomerRow
from graph.readers.data_sharing import DataLinkRow, DataSharingReader
from graph.readers.deals import DealReader, DealRow
from graph.readers.erasures import ErasureReader
from graph.readers.explore import (
    AtRiskRow,
    Bucket,
    Concentration,
    ExploreReader,
    MeasureRow,
    NetworkRow,
    OverlapRow,
    PathRow,
)
from graph.readers.mdf import MdfBalance, MdfReader, MdfRequestRow
from graph.readers.oversight import Amount, OversightReader, OversightTotals, PartnershipFigures
from graph.readers.partnerships import PartnershipReader, PartnershipRow
from graph.readers.products import ProductReader, ProductRow, TierDiscountRow
from graph.readers.scorecards import ScorecardReader, ScorecardRow
from graph.readers.users import UserReader, UserRow
from graph.viewer import Viewer, load_viewer
from policy import DEFAULT_MAX_NETWORK_DEPTH, DEFAULT_MIN_BUCKET, Policy


class GraphReader:
    """Per-request entry point of every read; each aggregate's reader made on first use."""

    def __init__(
        self,
        db: Database,
        viewer: Viewer,
        policy: Policy,
        codec: CursorCodec,
        stats: QueryStats,
        *,
        default_first: int = DEFAULT_FIRST,
        max_first: int = MAX_FIRST,
        max_network_depth: int = DEFAULT_MAX_NETWORK_DEPTH,
        min_bucket: int = DEFAULT_MIN_BUCKET,
    ) -> None:
        paging = Paging(codec, default_first=default_first, max_first=max_first)
        self._scope = ReadScope(db, viewer, policy, stats, paging)
        self._max_network_depth = max_network_depth
        self._min_bucket = min_bucket

    @property
    def viewer(self) -> Viewer:
        return self._scope.viewer

    @property
    def max_first(self) -> int:
        """The longest page, and the longest list any field returns (schema/caps.py)."""
        return self._scope.paging.max_first

    def page_args(self, first: int | None, after: str | None, *, count: bool = True) -> PageArgs:
        """A connection field's ``first``/``after``, checked against the configured maximum."""
        return self._scope.paging.args(first, after, count=count)

    async def refresh(self) -> Viewer:
        """After a mutation: reload the viewer (its grants and managed partnerships may
        have changed) and forget every cached row, so what follows reads the new state."""
        s = self._scope
        viewer = await load_viewer(s.db, s.viewer.user_id, s.policy, s.stats)
        self._scope = replace(s, viewer=viewer)
        for name, value in list(vars(self).items()):
            if isinstance(value, AggregateReader):
                del self.__dict__[name]  # a cached_property: made again, loaders empty
        return viewer

    @cached_property
    def companies(self) -> CompanyReader:
        return CompanyReader(self._scope)

    @cached_property
    def users(self) -> UserReader:
        return UserReader(self._scope)

    @cached_property
    def customers(self) -> CustomerReader:
        return CustomerReader(self._scope)

    @cached_property
    def partnerships(self) -> PartnershipReader:
        return PartnershipReader(self._scope)

    @cached_property
    def data_sharing(self) -> DataSharingReader:
        return DataSharingReader(self._scope)

    @cached_property
    def contacts(self) -> ContactReader:
        return ContactReader(self._scope, self.customers)

    @cached_property
    def access_log(self) -> AccessLogReader:
        return AccessLogReader(self._scope)

    @cached_property
    def audit(self) -> AuditReader:
        return AuditReader(self._scope)

    @cached_property
    def products(self) -> ProductReader:
        return ProductReader(self._scope)

    @cached_property
    def courses(self) -> CourseReader:
        return CourseReader(self._scope)

    @cached_property
    def deals(self) -> DealReader:
        return DealReader(self._scope)

    @cached_property
    def consent(self) -> ConsentReader:
        return ConsentReader(self._scope)

    @cached_property
    def erasures(self) -> ErasureReader:
        return ErasureReader(self._scope)

    @cached_property
    def mdf(self) -> MdfReader:
        return MdfReader(self._scope)

    @cached_property
    def scorecards(self) -> ScorecardReader:
        return ScorecardReader(self._scope)

    @cached_property
    def oversight(self) -> OversightReader:
        return OversightReader(self._scope)

    @cached_property
    def explore(self) -> ExploreReader:
        return ExploreReader(
            self._scope,
            companies=self.companies,
            partnerships=self.partnerships,
            customers=self.customers,
            max_network_depth=self._max_network_depth,
            min_bucket=self._min_bucket,
        )


__all__ = [
    "DEFAULT_FIRST",
    "MAX_FIRST",
    "AccessLogReader",
    "AggregateReader",
    "Amount",
    "AtRiskRow",
    "AuditReader",
    "Bucket",
    "CompanyQuery",
    "CompanyReader",
    "CompanyRow",
    "CompletionRow",
    "Concentration",
    "ConsentProposalRow",
    "ConsentReader",
    "ContactReader",
    "ContactRow",
    "CourseCounts",
    "CourseReader",
    "CourseRow",
    "CustomerQuery",
    "CustomerReader",
    "CustomerRow",
    "DataLinkRow",
    "DataSharingReader",
    "DealReader",
    "DealRow",
    "ErasureReader",
    "ExploreReader",
    "GraphReader",
    "LinkReadRow",
    "MdfBalance",
    "MdfReader",
    "MdfRequestRow",
    "MeasureRow",
    "NetworkRow",
    "OverlapRow",
    "OversightReader",
    "OversightTotals",
    "Page",
    "PageArgs",
    "Paging",
    "PartnershipFigures",
    "PartnershipReader",
    "PartnershipRow",
    "PathRow",
    "ProductReader",
    "ProductRow",
    "ReadScope",
    "ScorecardReader",
    "ScorecardRow",
    "ShieldedLoader",
    "TierDiscountRow",
    "UserReader",
    "UserRow",
    "batch_loader",
]
