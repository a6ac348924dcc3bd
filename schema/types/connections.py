"""Relay connections of the contract: edges, pageInfo, totalCount."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, TypeVar

import strawberry

from graph import Page
from schema.types.node import PageInfo

if TYPE_CHECKING:
    from schema.types.company import Company
    from schema.types.contact import Contact
    from schema.types.customer import Customer
    from schema.types.data_link import DataLink
    from schema.types.partnership import Partnership

R = TypeVar("R")


def page_info(page: Page[R]) -> PageInfo:
    return PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=page.cursors[0] if page.cursors else None,
        end_cursor=page.cursors[-1] if page.cursors else None,
    )


@strawberry.type
class CompanyEdge:
    node: Annotated[Company, strawberry.lazy("schema.types.company")]
    cursor: str


@strawberry.type
class CompanyConnection:
    edges: list[CompanyEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class CustomerEdge:
    node: Annotated[Customer, strawberry.lazy("schema.types.customer")]
    cursor: str


@strawberry.type
class CustomerConnection:
    edges: list[CustomerEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class PartnershipEdge:
    node: Annotated[Partnership, strawberry.lazy("schema.types.partnership")]
    cursor: str


@strawberry.type
class PartnershipConnection:
    edges: list[PartnershipEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class DataLinkEdge:
    node: Annotated[DataLink, strawberry.lazy("schema.types.data_link")]
    cursor: str


@strawberry.type
class DataLinkConnection:
    edges: list[DataLinkEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class ContactEdge:
    node: Annotated[Contact, strawberry.lazy("schema.types.contact")]
    cursor: str


@strawberry.type
class ContactConnection:
    edges: list[ContactEdge]
    page_info: PageInfo
    total_count: int
