"""What ``graph`` hands to the schema: rows with the viewer's access already computed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from policy import FieldGroup, PartnershipAccess

Props = dict[str, Any]


@dataclass(frozen=True, slots=True)
class CompanyRow:
    id: str
    props: Props


@dataclass(frozen=True, slots=True)
class UserRow:
    id: str
    props: Props
    company: str


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
class PartnershipRow:
    id: str
    props: Props
    vendor: str
    partner: str
    access: PartnershipAccess


@dataclass(frozen=True, slots=True)
class DataLinkRow:
    id: str
    props: Props
    owner: str
    recipient: str
    partnership: str | None


@dataclass(frozen=True, slots=True)
class ContactRow:
    id: str
    props: Props


R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Page(Generic[R]):
    """One page of a connection: rows with their cursors, and the total before paging."""

    rows: Sequence[R]
    cursors: Sequence[str]
    total: int
    has_next: bool
    has_previous: bool

    @classmethod
    def empty(cls) -> Page[R]:
        return cls(rows=(), cursors=(), total=0, has_next=False, has_previous=False)
