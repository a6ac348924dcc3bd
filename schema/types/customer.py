"""Customer: one company's record of an end customer, redacted field by field.

Redaction costs nothing per field: ``from_row`` copies into the object only
the fields whose group the viewer holds for this row, and reading a field
that was not copied lands in ``__getattr__``, which raises ``Forbidden`` with
the field's group. GraphQL turns that into a null with a FORBIDDEN error at
the field's path, and the other fields still resolve. Which group guards
which field comes from the policy file, not from this module.

A row shared with the viewer (not its company's own) is an access the owner
may audit (graph/access_log.py): its readable values are kept aside, and each
one that a client actually selects is served through ``__getattr__``, which
notes its group in the request's read log. That is the one place where "a
field was returned" is known on every path (lists, lookups, ``node``,
``nodes``, ``_entities``, nested traversals, subscriptions, analytics rows); an
owner's own rows keep the plain attributes and pay nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry
from strawberry.utils.str_converters import to_snake_case

from graph import CustomerRow, Forbidden, Page, ReadLog
from policy import CUSTOMER_FIELDS, CUSTOMER_PROPERTIES, Policy
from schema.context import Context, Info
from schema.federation import ENTITY_KEYS, resolve_entity
from schema.ids import to_global_id
from schema.nodes import COMPANY, DATA_LINK, node_type
from schema.types.connections import ContactConnection, CustomerConnection, CustomerEdge, page_info
from schema.types.contact import contact_connection
from schema.types.enums import AccessLevel, FieldGroup
from schema.types.node import Node

if TYPE_CHECKING:
    from schema.types.company import Company
    from schema.types.data_link import DataLink

# GraphQL field → the Python attribute Strawberry names it from (annualRevenue:
# annual_revenue). The attributes below are declared one by one, each with its type;
# tests/unit/test_vocabulary.py holds them to policy.CUSTOMER_FIELDS.
_PYTHON_NAME = {field: to_snake_case(field) for field in CUSTOMER_FIELDS}
# (python attribute, GraphQL field and graph property) of the plain fields.
PLAIN_FIELDS: tuple[tuple[str, str], ...] = tuple(
    (_PYTHON_NAME[prop], prop) for prop in CUSTOMER_PROPERTIES
)

_guards: dict[int, Mapping[str, FieldGroup]] = {}


def field_guard(policy: Policy) -> Mapping[str, FieldGroup]:
    """Python attribute → guarding group, from the policy (computed once per policy)."""
    guard = _guards.get(id(policy))
    if guard is None:
        guard = {_PYTHON_NAME[f]: g for f, g in policy.customer_fields.items()}
        _guards[id(policy)] = guard
    return guard


@strawberry.type
class CustomerAccess:
    level: AccessLevel
    groups: list[FieldGroup]
    via_ids: strawberry.Private[tuple[str, ...]]

    @strawberry.field(description="The live data links through which the customer is shared.")
    async def via(
        self, info: Info
    ) -> list[Annotated[DataLink, strawberry.lazy("schema.types.data_link")]]:
        links = await asyncio.gather(*(DATA_LINK.load(info, i) for i in self.via_ids))
        return [link for link in links if link is not None]


@node_type
@strawberry.federation.type(keys=ENTITY_KEYS)
class Customer(Node):
    id: strawberry.ID
    name: str | None
    domain: str | None
    industry: str | None
    region: str | None
    segment: str | None
    employees: int | None
    email: str | None
    phone: str | None
    address: str | None
    annual_revenue: float | None
    notes: str | None
    row: strawberry.Private[CustomerRow]
    guard: strawberry.Private[Mapping[str, FieldGroup]]
    #: A shared row's readable values, served by ``__getattr__`` (None on an own row).
    shared: strawberry.Private[dict[str, Any] | None]
    reads: strawberry.Private[ReadLog]

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Self | None:
        """Federation ``_entities``: the rules of ``node(id:)`` (schema/federation.py)."""
        return await resolve_entity(info, cls, id)

    @classmethod
    def from_row(cls, row: CustomerRow, context: Context) -> Self:
        """The object the viewer of ``context`` may read; its reads go to ``context.reads``."""
        obj = cls.__new__(cls)
        values = obj.__dict__
        guard = field_guard(context.policy)
        values["id"] = strawberry.ID(to_global_id("Customer", row.id))
        values["row"] = row
        values["guard"] = guard
        values["reads"] = context.reads
        props = row.props
        groups = row.groups
        # An own row is no read: its values are plain attributes. A shared row's are
        # kept aside, so that reading one goes through __getattr__ and is noted.
        readable = values if not row.via else {}
        for python_name, prop in PLAIN_FIELDS:
            if guard[python_name] in groups:
                readable[python_name] = props.get(prop)
        values["shared"] = None if not row.via else readable
        return obj

    @classmethod
    async def load(cls, info: Info, graph_id: str) -> Self | None:
        row = await info.context.reader.customers.customer(graph_id)
        return cls.from_row(row, info.context) if row else None

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes from_row did not copy: a readable field of a
        # shared row (noted as read), or a guarded field outside the row's groups.
        values = self.__dict__
        shared = values.get("shared")
        if shared is not None and name in shared:
            values["reads"].note(values["row"], (values["guard"][name],))
            return shared[name]
        guard = values.get("guard")
        if guard is not None and name in guard:
            raise Forbidden(guard[name].value)
        raise AttributeError(name)

    @strawberry.field(graphql_type=Annotated["Company", strawberry.lazy("schema.types.company")])
    def owner(self, info: Info) -> Company | Awaitable[Company]:
        return COMPANY.cls.reference(info, self.row.owner)

    @strawberry.field
    def access(self, info: Info) -> CustomerAccess:
        row = self.row
        owner = row.owner == info.context.viewer.company_id
        return CustomerAccess(
            level=AccessLevel.OWNER if owner else AccessLevel.SHARED,
            groups=[g for g in FieldGroup if g in row.groups],
            via_ids=row.via,
        )

    @strawberry.field
    async def contacts(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> ContactConnection | None:
        group = self.guard["contacts"]
        if group not in self.row.groups:
            raise Forbidden(group.value)
        self.reads.note(self.row, (group,))
        reader = info.context.reader
        page = await reader.contacts.contacts_of_customer(
            self.row.id, reader.page_args(first, after)
        )
        return contact_connection(page)


def customer_connection(page: Page[CustomerRow], context: Context) -> CustomerConnection:
    return CustomerConnection(
        edges=[
            CustomerEdge(node=Customer.from_row(r, context), cursor=c)
            for r, c in zip(page.rows, page.cursors, strict=True)
        ],
        page_info=page_info(page),
        total_count=page.total,
    )
