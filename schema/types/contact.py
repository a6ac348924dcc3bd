"""Contact: a person at a company or at a customer."""

from __future__ import annotations

from typing import Self

import strawberry

from graph import ContactRow, Page
from schema.context import Info
from schema.ids import to_global_id
from schema.nodes import node_type
from schema.types.connections import ContactConnection, ContactEdge, page_info
from schema.types.enums import FieldGroup
from schema.types.node import Node


@node_type
@strawberry.type
class Contact(Node):
    id: strawberry.ID
    name: str
    email: str | None
    phone: str | None
    title: str | None

    @classmethod
    def from_row(cls, row: ContactRow) -> Self:
        p = row.props
        return cls(
            id=strawberry.ID(to_global_id("Contact", row.id)),
            name=p.get("name") or "",
            email=p.get("email"),
            phone=p.get("phone"),
            title=p.get("title"),
        )

    @classmethod
    async def load(cls, info: Info, graph_id: str) -> Self | None:
        row = await info.context.reader.contacts.contact(graph_id)
        if row is None:
            return None
        if row.customer is not None:
            # A shared customer's contact, reached by id (node, nodes, _entities): a
            # read of that customer's CONTACT group, as through Customer.contacts.
            info.context.reads.note(row.customer, (FieldGroup.CONTACT,))
        return cls.from_row(row)


def contact_connection(page: Page[ContactRow]) -> ContactConnection:
    return ContactConnection(
        edges=[
            ContactEdge(node=Contact.from_row(r), cursor=c)
            for r, c in zip(page.rows, page.cursors, strict=True)
        ],
        page_info=page_info(page),
        total_count=page.total,
    )
