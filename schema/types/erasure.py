"""Erasure: the record of what one erasure removed (docs/privacy.md), never the values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import strawberry

from graph import Page, as_datetime
from policy import ErasureKind
from schema.types.connections import page_info
from schema.types.node import PageInfo

strawberry.enum(ErasureKind, description="What an erasure erased.")


@strawberry.type(
    description=(
        "What one erasure removed from the company's data, when and by whom: counts only, "
        "never an erased value. Readable by the company's EXECUTIVE."
    )
)
class Erasure:
    id: strawberry.ID
    kind: ErasureKind
    at: datetime
    by: str = strawberry.field(
        description="The graph id of the EXECUTIVE who erased, or 'operator' (`prm erase`)."
    )
    customers: int = strawberry.field(description="Customers removed.")
    contacts: int = strawberry.field(description="Contacts removed (a customer's go with it).")
    users: int = strawberry.field(description="Users deactivated and scrubbed.")
    deals: int = strawberry.field(
        description="Deals kept for the partners' figures, their identifying fields removed."
    )
    uncovered: int = strawberry.field(description="Data links that stopped covering a customer.")
    audit_events: int = strawberry.field(description="Audit events whose personal data went.")
    tombstones: int = strawberry.field(
        description="Accounts `prm import` refuses from now on unless forced."
    )

    @classmethod
    def from_props(cls, props: dict[str, Any]) -> Erasure:
        def count(name: str) -> int:
            return int(props.get(name) or 0)

        return cls(
            id=strawberry.ID(str(props["id"])),
            kind=ErasureKind(str(props["kind"])),
            at=as_datetime(props.get("at")) or datetime.fromtimestamp(0, UTC),
            by=str(props.get("by")),
            customers=count("customers"),
            contacts=count("contacts"),
            users=count("users"),
            deals=count("deals"),
            uncovered=count("uncovered"),
            audit_events=count("auditEvents"),
            tombstones=count("tombstones"),
        )


@strawberry.type
class ErasureEdge:
    node: Erasure
    cursor: str


@strawberry.type
class ErasureConnection:
    edges: list[ErasureEdge]
    page_info: PageInfo
    total_count: int


def erasure_connection(page: Page[dict[str, Any]]) -> ErasureConnection:
    return ErasureConnection(
        edges=[
            ErasureEdge(node=Erasure.from_props(r), cursor=c)
            for r, c in zip(page.rows, page.cursors, strict=True)
        ],
        page_info=page_info(page),
        total_count=page.total,
    )
