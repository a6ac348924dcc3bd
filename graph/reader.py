"""The per-request reader: batch loaders for lookups and connections, one Cypher per batch.

A ``GraphReader`` is created for each request inside the running event loop
(aiodataloader binds its loaders to it). Every lookup or list goes through a
loader, so N sibling fields asking for the same kind of thing cost one round
trip; the number of round trips is bounded by the depth of the query.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, LiteralString, TypeVar

from aiodataloader import DataLoader

from graph.cursors import CursorCodec, Keyset
from graph.driver import Database, QueryStats
from graph.errors import BadUserInput
from graph.queries.audit import AUDIT_EVENTS_QUERY
from graph.queries.companies import (
    COMPANIES_BY_IDS_QUERY,
    CompanyFilterField,
    companies_page_query,
    company_filter_param,
)
from graph.queries.contacts import (
    CONTACTS_BY_IDS_QUERY,
    CONTACTS_OF_COMPANIES_QUERY,
    CONTACTS_OF_CUSTOMERS_QUERY,
)
from graph.queries.customers import (
    CandidateScope,
    FilterField,
    FilterOp,
    OrderField,
    customers_query,
    filter_param,
    group_param,
)
from graph.queries.data_links import (
    DATA_LINKS_BY_IDS_QUERY,
    DATA_LINKS_OF_COMPANY_QUERY,
    DATA_LINKS_OF_PARTNERSHIPS_QUERY,
    SHARING_POLICIES_OF_COMPANY_QUERY,
)
from graph.queries.partnerships import (
    ONBOARDING_ITEMS_QUERY,
    PARTNERSHIPS_BY_IDS_QUERY,
    PARTNERSHIPS_OF_COMPANIES_QUERY,
)
from graph.queries.users import USERS_BY_IDS_QUERY
from graph.records import (
    CompanyRow,
    ContactRow,
    CustomerRow,
    DataLinkRow,
    Page,
    PartnershipRow,
    UserRow,
)
from graph.viewer import Viewer, load_viewer, sorted_groups
from policy import (
    ALL_CUSTOMER_GROUPS,
    DEFAULT_MAX_NETWORK_DEPTH,
    DEFAULT_MIN_BUCKET,
    FieldGroup,
    Policy,
    audit_view,
    partnership_access,
    sees_company_contacts,
)

if TYPE_CHECKING:
    from graph.courses_reader import CourseReader
    from graph.deals_reader import DealReader
    from graph.explore_reader import ExploreReader
    from graph.mdf_reader import MdfReader
    from graph.oversight_reader import OversightReader
    from graph.products_reader import ProductReader
    from graph.scorecard_reader import ScorecardReader

R = TypeVar("R")
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class PageArgs:
    """``first``/``after`` of a connection field, checked against the configured maximum.

    ``count`` says whether the client selected ``totalCount``: counting means
    gathering every visible row, which a page alone does not need.
    """

    first: int
    after: str | None
    count: bool = True


@dataclass(frozen=True, slots=True)
class CustomerQuery:
    """Filters and order of a customers connection; hashable so it keys a loader."""

    filters: tuple[tuple[FilterField, FilterOp, Any], ...] = ()
    owner_id: str | None = None
    order: OrderField | None = None
    descending: bool = False

    @property
    def ordering(self) -> str:
        field = self.order.name if self.order else "ID"
        return f"customers:{field}:{'DESC' if self.descending else 'ASC'}"


@dataclass(frozen=True, slots=True)
class CompanyQuery:
    filters: tuple[tuple[CompanyFilterField, str, Any], ...] = ()


class AggregateReader:
    """Base of one aggregate's reads (deals, products, ...), reached from ``GraphReader``
    through a ``cached_property``: it shares the request's viewer, stats and paging."""

    def __init__(self, parent: GraphReader) -> None:
        self.parent = parent

    @property
    def viewer(self) -> Viewer:
        return self.parent.viewer

    def viewer_params(self) -> dict[str, Any]:
        """What the row rules of every aggregate take as parameters, in one place."""
        v = self.viewer
        return {
            "companyId": v.company_id,
            "userId": v.user_id,
            "role": v.role,
            "managed": sorted(v.managed),
            "activePartners": sorted(v.active_partners),
        }

    async def _read(self, query: LiteralString, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        return await self.parent.db.read(query, params, self.parent.stats)

    def _loader(
        self, name: str, load: Callable[[Sequence[Any]], Awaitable[Any]]
    ) -> DataLoader[Any, Any]:
        return batch_loader(self.parent.stats, name, load)


class GraphReader:
    def __init__(
        self,
        db: Database,
        viewer: Viewer,
        policy: Policy,
        codec: CursorCodec,
        stats: QueryStats,
        *,
        default_first: int = 20,
        max_first: int = 100,
        max_network_depth: int = DEFAULT_MAX_NETWORK_DEPTH,
        min_bucket: int = DEFAULT_MIN_BUCKET,
    ) -> None:
        self.db = db
        self.policy = policy
        self.stats = stats
        self._codec = codec
        self._default_first = default_first
        self._max_first = max_first
        #: Network exploration: the deepest network(depth:) and the smallest count shown.
        self.max_network_depth = max_network_depth
        self.min_bucket = min_bucket
        self._companies = batch_loader(stats, "companies", self._load_companies)
        self._users = batch_loader(stats, "users", self._load_users)
        self._customers = batch_loader(stats, "customers", self._load_customers)
        self._partnerships = batch_loader(stats, "partnerships", self._load_partnerships)
        self._data_links = batch_loader(stats, "data_links", self._load_data_links)
        self._contacts = batch_loader(stats, "contacts", self._load_contacts)
        self._customer_pages = batch_loader(stats, "customer_pages", self._load_customer_pages)
        self._partnership_pages = batch_loader(
            stats, "partnership_pages", self._load_partnership_pages
        )
        self._data_link_pages = batch_loader(stats, "data_link_pages", self._load_data_link_pages)
        self._company_contact_pages = batch_loader(
            stats, "company_contact_pages", self._load_company_contact_pages
        )
        self._customer_contact_pages = batch_loader(
            stats, "customer_contact_pages", self._load_customer_contact_pages
        )
        self._onboarding_items = batch_loader(
            stats, "onboarding_items", self._load_onboarding_items
        )
        self._use_viewer(viewer)

    def _use_viewer(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self.know_companies([dict(viewer.company)])

    async def refresh(self) -> Viewer:
        """After a mutation: reload the viewer (its grants and managed partnerships may
        have changed) and forget every cached row, so what follows reads the new state."""
        viewer = await load_viewer(self.db, self.viewer.user_id, self.policy, self.stats)
        for name, value in list(vars(self).items()):
            if isinstance(value, DataLoader):
                value.clear_all()
            elif isinstance(value, AggregateReader):
                del self.__dict__[name]  # a cached_property: made again on next use
        self._use_viewer(viewer)
        return self.viewer

    @cached_property
    def catalogue(self) -> ProductReader:
        """Products and discount schedules (graph/products_reader.py)."""
        from graph.products_reader import ProductReader

        return ProductReader(self)

    @cached_property
    def training(self) -> CourseReader:
        """Courses, completions, certification counts (graph/courses_reader.py)."""
        from graph.courses_reader import CourseReader

        return CourseReader(self)

    @cached_property
    def deals(self) -> DealReader:
        """Registered deals (graph/deals_reader.py)."""
        from graph.deals_reader import DealReader

        return DealReader(self)

    @cached_property
    def mdf(self) -> MdfReader:
        """Co-marketing fund requests and balances (graph/mdf_reader.py)."""
        from graph.mdf_reader import MdfReader

        return MdfReader(self)

    @cached_property
    def scorecards(self) -> ScorecardReader:
        """Partner scorecards (graph/scorecard_reader.py)."""
        from graph.scorecard_reader import ScorecardReader

        return ScorecardReader(self)

    @cached_property
    def oversight(self) -> OversightReader:
        """Totals at the viewer's level: company, managed, own (graph/oversight_reader.py)."""
        from graph.oversight_reader import OversightReader

        return OversightReader(self)

    @cached_property
    def explore(self) -> ExploreReader:
        """Network, paths, account overlap, portfolio (graph/explore_reader.py)."""
        from graph.explore_reader import ExploreReader

        return ExploreReader(self)

    # -- arguments ---------------------------------------------------------

    @property
    def max_first(self) -> int:
        """The longest page, and the longest list any field returns (schema/caps.py)."""
        return self._max_first

    def page_args(self, first: int | None, after: str | None, *, count: bool = True) -> PageArgs:
        if first is None:
            first = self._default_first
        if first < 0 or first > self._max_first:
            raise BadUserInput(f"'first' must be between 0 and {self._max_first}", argument="first")
        return PageArgs(first, after, count)

    def _keyset(self, ordering: str, args: PageArgs) -> Keyset | None:
        return None if args.after is None else self._codec.decode(ordering, args.after)

    def _paging_params(self, ordering: str, args: PageArgs) -> dict[str, Any]:
        keyset = self._keyset(ordering, args)
        return {
            "afterK": keyset.key if keyset else None,
            "afterId": keyset.id if keyset else None,
            "limit": args.first + 1,
        }

    def _page(
        self,
        ordering: str,
        args: PageArgs,
        total: int,
        raw: Sequence[Mapping[str, Any]],
        build: Callable[[Mapping[str, Any]], R],
    ) -> Page[R]:
        window = raw[: args.first]
        return Page(
            rows=[build(r) for r in window],
            cursors=[self._codec.encode(ordering, r.get("k"), str(r["id"])) for r in window],
            total=total,
            has_next=len(raw) > args.first,
            has_previous=args.after is not None,
        )

    async def _read(self, query: LiteralString, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        return await self.db.read(query, params, self.stats)

    # -- lookups -----------------------------------------------------------

    async def company(self, company_id: str) -> CompanyRow | None:
        result: CompanyRow | None = await self._companies.load(company_id)
        return result

    def know_companies(self, rows: Sequence[dict[str, Any]]) -> list[CompanyRow]:
        """Company profiles a statement already returned: later lookups of the same
        ids in this request need no round trip of their own."""
        known = [CompanyRow(r["id"], r) for r in rows]
        for row in known:
            self._companies.prime(row.id, row)
        return known

    async def user(self, user_id: str) -> UserRow | None:
        result: UserRow | None = await self._users.load(user_id)
        return result

    async def customer(self, customer_id: str) -> CustomerRow | None:
        result: CustomerRow | None = await self._customers.load(customer_id)
        return result

    async def partnership(self, partnership_id: str) -> PartnershipRow | None:
        result: PartnershipRow | None = await self._partnerships.load(partnership_id)
        return result

    async def data_link(self, link_id: str) -> DataLinkRow | None:
        result: DataLinkRow | None = await self._data_links.load(link_id)
        return result

    async def contact(self, contact_id: str) -> ContactRow | None:
        result: ContactRow | None = await self._contacts.load(contact_id)
        return result

    async def onboarding_items(self, partnership_id: str) -> list[dict[str, Any]]:
        """Caller checks that the viewer's company is a party of the partnership."""
        result: list[dict[str, Any]] = await self._onboarding_items.load(partnership_id)
        return result

    async def _load_onboarding_items(self, ids: Sequence[str]) -> list[list[dict[str, Any]]]:
        rows = await self._read(ONBOARDING_ITEMS_QUERY, {"ids": list(ids)})
        found = {r["id"]: r["items"] for r in rows}
        return [found.get(i, []) for i in ids]

    async def _load_companies(self, ids: Sequence[str]) -> list[CompanyRow | None]:
        rows = await self._read(COMPANIES_BY_IDS_QUERY, {"ids": list(ids)})
        found = {r["row"]["id"]: CompanyRow(r["row"]["id"], r["row"]) for r in rows}
        return [found.get(i) for i in ids]

    async def _load_users(self, ids: Sequence[str]) -> list[UserRow | None]:
        rows = await self._read(
            USERS_BY_IDS_QUERY, {"ids": list(ids), "companyId": self.viewer.company_id}
        )
        found = {
            r["row"]["id"]: UserRow(r["row"]["id"], r["row"]["props"], r["row"]["company"])
            for r in rows
        }
        return [found.get(i) for i in ids]

    async def _load_customers(self, ids: Sequence[str]) -> list[CustomerRow | None]:
        query = customers_query(CandidateScope.IDS, count=False)
        params = self._customer_params(CustomerQuery(), PageArgs(1, None))
        params["parents"] = [{"key": i} for i in ids]
        found: dict[str, CustomerRow] = {}
        for record in await self._read(query, params):
            for row in record["page"]:
                found[row["id"]] = self._customer_row(row)
        return [found.get(i) for i in ids]

    async def _load_partnerships(self, ids: Sequence[str]) -> list[PartnershipRow | None]:
        rows = await self._read(PARTNERSHIPS_BY_IDS_QUERY, self._partnership_params(list(ids)))
        found = {p.id: p for p in (self._partnership_row(r["row"]) for r in rows) if p is not None}
        return [found.get(i) for i in ids]

    async def _load_data_links(self, ids: Sequence[str]) -> list[DataLinkRow | None]:
        rows = await self._read(
            DATA_LINKS_BY_IDS_QUERY, {"ids": list(ids), "companyId": self.viewer.company_id}
        )
        found = {r["row"]["id"]: _data_link_row(r["row"]) for r in rows}
        return [found.get(i) for i in ids]

    async def _load_contacts(self, ids: Sequence[str]) -> list[ContactRow | None]:
        rows = [r["row"] for r in await self._read(CONTACTS_BY_IDS_QUERY, {"ids": list(ids)})]
        # Contacts of customers follow the customer's CONTACT group: one more
        # batched read for all of them (node lookups of contacts only).
        customer_ids = sorted({r["customer"] for r in rows if r.get("customer")})
        customers = await self._customers.load_many(customer_ids) if customer_ids else []
        readable = {c.id for c in customers if c is not None and FieldGroup.CONTACT in c.groups}
        found: dict[str, ContactRow] = {}
        for r in rows:
            company = r.get("company")
            visible = (
                sees_company_contacts(self.viewer.company_id, company, self.viewer.active_partners)
                if company
                else r.get("customer") in readable
            )
            if visible:
                found[r["id"]] = ContactRow(r["id"], r["props"])
        return [found.get(i) for i in ids]

    # -- connections -------------------------------------------------------

    async def companies(self, query: CompanyQuery, args: PageArgs) -> Page[CompanyRow]:
        ordering = "companies:NAME:ASC"
        params = self._paging_params(ordering, args)
        for field, op, value in query.filters:
            params[company_filter_param(field, op)] = value
        cypher = companies_page_query(tuple((f, op) for f, op, _ in query.filters))
        record = (await self._read(cypher, params))[0]
        return self._page(
            ordering,
            args,
            record["total"],
            record["page"],
            lambda r: CompanyRow(r["id"], r["props"]),
        )

    async def customers(
        self, query: CustomerQuery, args: PageArgs, *, company: str | None = None
    ) -> Page[CustomerRow]:
        """Customers the viewer's company sees, optionally only those ``company`` owns."""
        result: Page[CustomerRow] = await self._customer_pages.load(
            ("visible", company, query, args)
        )
        return result

    async def customers_of_link(self, link_id: str, args: PageArgs) -> Page[CustomerRow]:
        result: Page[CustomerRow] = await self._customer_pages.load(
            ("link", link_id, CustomerQuery(), args)
        )
        return result

    async def partnerships_of(
        self, company_id: str, args: PageArgs, tier: str | None, status: str | None
    ) -> Page[PartnershipRow]:
        result: Page[PartnershipRow] = await self._partnership_pages.load(
            (company_id, args, tier, status)
        )
        return result

    async def data_links_of_viewer(
        self, *, given: bool, received: bool, active: bool | None, args: PageArgs
    ) -> Page[DataLinkRow]:
        """Links the viewer's company gave and/or received (one root field: no loader)."""
        ordering = f"dataLinks:{int(given)}{int(received)}{active}:ID:ASC"
        params = self._paging_params(ordering, args)
        params.update(
            companyId=self.viewer.company_id, given=given, received=received, active=active
        )
        record = (await self._read(DATA_LINKS_OF_COMPANY_QUERY, params))[0]
        return self._page(ordering, args, record["total"], record["page"], _data_link_row)

    async def audit_events(
        self, *, target_id: str | None, action: str | None, args: PageArgs
    ) -> Page[dict[str, Any]]:
        """The viewer's company's audit trail, as ``policy.audit_view`` allows its role."""
        ordering = f"audit:{target_id}:{action}:AT:DESC"
        params = self._paging_params(ordering, args)
        view = audit_view(self.viewer.role)
        params.update(
            companyId=self.viewer.company_id,
            actorId=None if view.company_wide else self.viewer.user_id,
            targetId=target_id,
            action=action,
            hidden=list(view.hidden),
            details=view.details,
        )
        record = (await self._read(AUDIT_EVENTS_QUERY, params))[0]
        return self._page(
            ordering, args, record["total"], record["page"], lambda r: {"id": r["id"], **r["props"]}
        )

    async def sharing_overrides(self) -> dict[str, list[str]]:
        """The viewer's company's SharingPolicy overrides: tier → groups."""
        rows = await self._read(
            SHARING_POLICIES_OF_COMPANY_QUERY, {"companyId": self.viewer.company_id}
        )
        return {str(r["tier"]): list(r["groups"] or ()) for r in rows}

    async def data_links_of(self, partnership_id: str, args: PageArgs) -> Page[DataLinkRow]:
        result: Page[DataLinkRow] = await self._data_link_pages.load((partnership_id, args))
        return result

    async def contacts_of_company(self, company_id: str, args: PageArgs) -> Page[ContactRow]:
        if not sees_company_contacts(
            self.viewer.company_id, company_id, self.viewer.active_partners
        ):
            return Page.empty()
        result: Page[ContactRow] = await self._company_contact_pages.load((company_id, args))
        return result

    async def contacts_of_customer(self, customer_id: str, args: PageArgs) -> Page[ContactRow]:
        """Caller checks the CONTACT group of the customer first."""
        result: Page[ContactRow] = await self._customer_contact_pages.load((customer_id, args))
        return result

    # -- batch functions for connections ----------------------------------

    async def _load_customer_pages(
        self, keys: Sequence[tuple[str, str | None, CustomerQuery, PageArgs]]
    ) -> list[Page[CustomerRow]]:
        async def run(
            group: tuple[str, CustomerQuery, PageArgs], parents: list[str | None]
        ) -> dict[str | None, Page[CustomerRow]]:
            kind, query, args = group
            scope = CandidateScope.VISIBLE if kind == "visible" else CandidateScope.DATA_LINK
            params = self._customer_params(query, args)
            params["parents"] = (
                [p for p in (self._visible_parent(query, c) for c in parents) if p]
                if scope is CandidateScope.VISIBLE
                else [{"key": link} for link in parents]
            )
            if not params["parents"]:
                return {}
            cypher = customers_query(
                scope,
                tuple((f, op) for f, op, _ in query.filters),
                query.order,
                query.descending,
                count=args.count,
            )
            return {
                r["key"]: self._page(
                    query.ordering, args, r["total"] or 0, r["page"], self._customer_row
                )
                for r in await self._read(cypher, params)
            }

        return await _grouped(
            keys,
            group_of=lambda k: (k[0], k[2], k[3]),
            parent_of=lambda k: k[1],
            run=run,
        )

    def _visible_parent(self, query: CustomerQuery, company: str | None) -> dict[str, Any] | None:
        """The candidate set for 'visible customers', narrowed to one owner if asked."""
        owners = {o for o in (company, query.owner_id) if o is not None}
        if len(owners) > 1:
            return None  # owned by two different companies at once: nothing
        owner = owners.pop() if owners else None
        own = owner is None or owner == self.viewer.company_id
        by_owner = self.viewer.grants_by_owner
        grants = [g for o, gs in by_owner.items() if owner is None or o == owner for g in gs]
        if not own and not grants:
            return None
        return {"key": company, "own": own, "grants": grants}

    def _customer_params(self, query: CustomerQuery, args: PageArgs) -> dict[str, Any]:
        params = self._paging_params(query.ordering, args)
        params.update(
            companyId=self.viewer.company_id,
            ownerGroups=sorted_groups(ALL_CUSTOMER_GROUPS),
            grantsByOwner=self.viewer.grants_by_owner,
        )
        fields = self.policy.customer_fields
        for field, op, value in query.filters:
            params[filter_param(field, op)] = value
            params[group_param(field)] = fields[field.value].value
        if query.order is not None:
            group = fields.get(query.order.value)
            params["g_sort"] = group.value if group else None
        return params

    def _customer_row(self, row: Mapping[str, Any]) -> CustomerRow:
        return CustomerRow(
            id=row["id"],
            props=row["props"],
            owner=row["owner"],
            groups=_group_set(tuple(row["groups"])),
            via=tuple(row["via"]),
        )

    def _partnership_params(self, ids: list[str] | None = None) -> dict[str, Any]:
        return {
            "ids": ids,
            "companyId": self.viewer.company_id,
            "highPartners": sorted(self.viewer.high_partners),
        }

    def _partnership_row(self, row: Mapping[str, Any]) -> PartnershipRow | None:
        access = partnership_access(
            viewer_company=self.viewer.company_id,
            role=self.viewer.role,
            managed=self.viewer.managed,
            high_partners=self.viewer.high_partners,
            partnership_id=row["id"],
            vendor=row["vendor"],
            partner=row["partner"],
        )
        if access is None:
            return None
        return PartnershipRow(row["id"], row["props"], row["vendor"], row["partner"], access)

    async def _load_partnership_pages(
        self, keys: Sequence[tuple[str, PageArgs, str | None, str | None]]
    ) -> list[Page[PartnershipRow]]:
        async def run(
            group: tuple[PageArgs, str | None, str | None], parents: list[str]
        ) -> dict[str, Page[PartnershipRow]]:
            args, tier, status = group
            ordering = "partnerships:ID:ASC"
            params = self._partnership_params()
            params.update(self._paging_params(ordering, args))
            params.update(parents=[{"key": p} for p in parents], tier=tier, status=status)
            pages: dict[str, Page[PartnershipRow]] = {}
            for r in await self._read(PARTNERSHIPS_OF_COMPANIES_QUERY, params):
                page = self._page(ordering, args, r["total"], r["page"], self._partnership_row)
                pages[r["key"]] = _drop_none(page)
            return pages

        return await _grouped(
            keys, group_of=lambda k: (k[1], k[2], k[3]), parent_of=lambda k: k[0], run=run
        )

    async def _load_data_link_pages(
        self, keys: Sequence[tuple[str, PageArgs]]
    ) -> list[Page[DataLinkRow]]:
        async def run(args: PageArgs, parents: list[str]) -> dict[str, Page[DataLinkRow]]:
            ordering = "dataLinks:ID:ASC"
            params = self._paging_params(ordering, args)
            params.update(parents=[{"key": p} for p in parents], companyId=self.viewer.company_id)
            return {
                r["key"]: self._page(ordering, args, r["total"], r["page"], _data_link_row)
                for r in await self._read(DATA_LINKS_OF_PARTNERSHIPS_QUERY, params)
            }

        return await _grouped(keys, group_of=lambda k: k[1], parent_of=lambda k: k[0], run=run)

    async def _contact_pages(
        self, query: LiteralString, keys: Sequence[tuple[str, PageArgs]]
    ) -> list[Page[ContactRow]]:
        async def run(args: PageArgs, parents: list[str]) -> dict[str, Page[ContactRow]]:
            ordering = "contacts:NAME:ASC"
            params = self._paging_params(ordering, args)
            params["parents"] = [{"key": p} for p in parents]
            return {
                r["key"]: self._page(
                    ordering, args, r["total"], r["page"], lambda c: ContactRow(c["id"], c["props"])
                )
                for r in await self._read(query, params)
            }

        return await _grouped(keys, group_of=lambda k: k[1], parent_of=lambda k: k[0], run=run)

    async def _load_company_contact_pages(
        self, keys: Sequence[tuple[str, PageArgs]]
    ) -> list[Page[ContactRow]]:
        return await self._contact_pages(CONTACTS_OF_COMPANIES_QUERY, keys)

    async def _load_customer_contact_pages(
        self, keys: Sequence[tuple[str, PageArgs]]
    ) -> list[Page[ContactRow]]:
        return await self._contact_pages(CONTACTS_OF_CUSTOMERS_QUERY, keys)


@lru_cache(maxsize=256)
def _group_set(groups: tuple[str, ...]) -> frozenset[FieldGroup]:
    # Rows share a handful of group combinations: build each set once.
    return frozenset(FieldGroup(g) for g in groups)


def _data_link_row(row: Mapping[str, Any]) -> DataLinkRow:
    return DataLinkRow(row["id"], row["props"], row["owner"], row["recipient"], row["partnership"])


def _drop_none(page: Page[PartnershipRow | None]) -> Page[PartnershipRow]:
    # The Cypher already applies the partnership rule; policy agrees by construction,
    # so nothing is dropped in practice, but a row the policy refuses never leaves.
    kept = [(r, c) for r, c in zip(page.rows, page.cursors, strict=True) if r is not None]
    return Page(
        rows=[r for r, _ in kept],
        cursors=[c for _, c in kept],
        total=page.total,
        has_next=page.has_next,
        has_previous=page.has_previous,
    )


def batch_loader(
    stats: QueryStats, name: str, load: Callable[[Sequence[Any]], Awaitable[Any]]
) -> DataLoader[Any, Any]:
    """A DataLoader whose every batch reports its name and size to ``stats``
    (the gateway turns that into the loader batch size metric)."""

    async def observed(keys: Sequence[Any]) -> Any:
        stats.batch(name, len(keys))
        return await load(keys)

    return ShieldedLoader(observed)


class ShieldedLoader(DataLoader[Any, Any]):
    """A DataLoader whose shared futures survive the cancellation of one awaiting field.

    graphql-core cancels the sibling resolvers of a field whose error nulls their
    parent; cancelling a task that awaits a loader future would cancel the future
    itself, and every other field waiting on the same batch would get a
    CancelledError (escaping as a failed request). Each caller awaits a shield.
    """

    def load(self, key: Any) -> Any:
        return asyncio.shield(super().load(key))


G = TypeVar("G", bound=Hashable)
P = TypeVar("P")


async def _grouped(
    keys: Sequence[K],
    *,
    group_of: Callable[[K], G],
    parent_of: Callable[[K], P],
    run: Callable[[G, list[P]], Awaitable[Mapping[P, Page[R]]]],
) -> list[Page[R]]:
    """One query per distinct set of arguments, over all the parents that share it."""
    groups: dict[G, list[P]] = defaultdict(list)
    for key in keys:
        groups[group_of(key)].append(parent_of(key))
    results: dict[tuple[G, P], Page[R]] = {}
    for group, parents in groups.items():
        pages = await run(group, list(dict.fromkeys(parents)))
        for parent in parents:
            results[(group, parent)] = pages.get(parent, Page.empty())
    return [results[(group_of(k), parent_of(k))] for k in keys]
