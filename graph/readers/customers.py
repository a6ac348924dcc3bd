"""Reads of customers: the viewer's company's own and those its live links share with it.

Every read runs the row rules of authorization.md inside the statement
(graph/queries/customers.py) and returns, for each customer, the field groups
the viewer may read on it; the schema exposes only those.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graph.queries.customers import (
    CandidateScope,
    FilterField,
    FilterOp,
    OrderField,
    customers_query,
    filter_param,
    group_param,
)
from graph.readers._base import AggregateReader, Page, PageArgs, Props, ReadScope, grouped
from graph.viewer import sorted_groups
from policy import ALL_CUSTOMER_GROUPS, FieldGroup


@dataclass(frozen=True, slots=True)
class CustomerRow:
    id: str
    #: Every property of the node; the schema exposes only those in ``groups``.
    props: Props
    owner: str
    groups: frozenset[FieldGroup]
    via: tuple[str, ...]

    @property
    def is_owner(self) -> bool:
        return FieldGroup.INTERNAL in self.groups


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


class CustomerReader(AggregateReader):
    def __init__(self, scope: ReadScope) -> None:
        super().__init__(scope)
        self._customers = self._loader("customers", self._load_customers)
        self._customer_pages = self._loader("customer_pages", self._load_customer_pages)

    async def customer(self, customer_id: str) -> CustomerRow | None:
        result: CustomerRow | None = await self._customers.load(customer_id)
        return result

    async def customers_by_ids(self, ids: Sequence[str]) -> list[CustomerRow | None]:
        """Many lookups at once (other aggregates' reads check customers this way)."""
        result: list[CustomerRow | None] = await self._customers.load_many(ids)
        return result

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

    async def _load_customers(self, ids: Sequence[str]) -> list[CustomerRow | None]:
        query = customers_query(CandidateScope.IDS, count=False)
        params = self._customer_params(CustomerQuery(), PageArgs(1, None))
        params["parents"] = [{"key": i} for i in ids]
        found: dict[str, CustomerRow] = {}
        for record in await self._read(query, params):
            for row in record["page"]:
                found[row["id"]] = _customer_row(row)
        return [found.get(i) for i in ids]

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
                r["key"]: self.paging.page(
                    query.ordering, args, r["total"] or 0, r["page"], _customer_row
                )
                for r in await self._read(cypher, params)
            }

        return await grouped(
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
        params = self.paging.params(query.ordering, args)
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


def _customer_row(row: Mapping[str, Any]) -> CustomerRow:
    return CustomerRow(
        id=row["id"],
        props=row["props"],
        owner=row["owner"],
        groups=_group_set(tuple(row["groups"])),
        via=tuple(row["via"]),
    )


@lru_cache(maxsize=256)
def _group_set(groups: tuple[str, ...]) -> frozenset[FieldGroup]:
    # Rows share a handful of group combinations: build each set once.
    return frozenset(FieldGroup(g) for g in groups)
