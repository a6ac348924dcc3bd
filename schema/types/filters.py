"""Filter and order inputs of the contract, and their translation to graph queries."""

from __future__ import annotations

from typing import Any

import strawberry

from graph import (
    BadUserInput,
    CompanyFilterField,
    CompanyQuery,
    CustomerQuery,
    FilterField,
    FilterOp,
    OrderField,
)
from schema.ids import expect_global_id
from schema.types.enums import CustomerOrderField, OrderDirection

_MAX_IN = 100


@strawberry.input
class StringFilter:
    eq: str | None = None
    in_: list[str] | None = strawberry.field(name="in", default=None)
    starts_with: str | None = None
    contains: str | None = None

    def operations(self, argument: str) -> list[tuple[FilterOp, Any]]:
        ops: list[tuple[FilterOp, Any]] = []
        if self.eq is not None:
            ops.append((FilterOp.EQ, self.eq))
        if self.in_ is not None:
            if len(self.in_) > _MAX_IN:
                raise BadUserInput(
                    f"'in' takes at most {_MAX_IN} values", argument=f"{argument}.in"
                )
            ops.append((FilterOp.IN, list(self.in_)))
        if self.starts_with is not None:
            ops.append((FilterOp.STARTS_WITH, self.starts_with))
        if self.contains is not None:
            ops.append((FilterOp.CONTAINS, self.contains))
        return ops


@strawberry.input
class CompanyFilter:
    name: StringFilter | None = None
    industry: StringFilter | None = None
    country: StringFilter | None = None

    def to_query(self) -> CompanyQuery:
        filters = []
        for field in CompanyFilterField:
            string_filter = getattr(self, field.value)
            if string_filter is not None:
                for op, value in string_filter.operations(f"filter.{field.value}"):
                    filters.append((field, op.value, value))
        return CompanyQuery(filters=tuple(filters))


@strawberry.input
class CustomerFilter:
    name: StringFilter | None = None
    domain: StringFilter | None = None
    industry: StringFilter | None = None
    region: StringFilter | None = None
    segment: StringFilter | None = None
    email: StringFilter | None = None
    owner_id: strawberry.ID | None = None


@strawberry.input
class CustomerOrder:
    field: CustomerOrderField
    # Nullable with a default, as in the contract: an explicit null means ASC too.
    direction: OrderDirection | None = OrderDirection.ASC


def customer_query(filter: CustomerFilter | None, order_by: CustomerOrder | None) -> CustomerQuery:
    filters: list[tuple[FilterField, FilterOp, Any]] = []
    owner_id = None
    if filter is not None:
        for field in FilterField:
            string_filter = getattr(filter, field.value)
            if string_filter is not None:
                for op, value in string_filter.operations(f"filter.{field.value}"):
                    filters.append((field, op, value))
        if filter.owner_id is not None:
            owner_id = expect_global_id(filter.owner_id, "Company", "filter.ownerId")
    return CustomerQuery(
        filters=_hashable(filters),
        owner_id=owner_id,
        order=OrderField[order_by.field.name] if order_by else None,
        descending=bool(order_by and order_by.direction is OrderDirection.DESC),
    )


def _hashable(
    filters: list[tuple[FilterField, FilterOp, Any]],
) -> tuple[tuple[FilterField, FilterOp, Any], ...]:
    # Lists (`in`) become tuples so the query can key a loader.
    return tuple((f, op, tuple(v) if isinstance(v, list) else v) for f, op, v in filters)
