"""How long each list of the schema may be: the caps the query cost prices before
execution (``gateway/limits.py``) and execution keeps (``enforce_caps``).

Every list field of the schema has one cap, and ``uncapped`` names any that has
none (a unit test fails on it), so a new list field cannot be forgotten:

- ``Argument``: as long as an argument says and at most its maximum: a
  connection's ``first`` (``PRM_DEFAULT_FIRST`` when absent, at most
  ``PRM_MAX_FIRST``; ``GraphReader.page_args`` refuses more) sizes its ``edges``;
  ``top`` sizes a concentration's ``top`` (``_top`` refuses more than 100);
- ``Length``: one item per element of a list argument (``nodes(ids:)``,
  ``_entities(representations:)``), at most ``maximum`` (more is BAD_USER_INPUT);
- ``Fixed``: a bound the model sets: one per value of an enum, the hops of a
  partner path, the items of an onboarding checklist, the records an overlap
  account lists on each side;
- ``Longest``: lists whose length the data decides (one per currency or bucket,
  the network, the overlap's accounts, the partners at risk, a customer's
  links) return at most ``PRM_MAX_FIRST`` items, in their documented order.

``Fixed`` and ``Longest`` lists are cut to their cap when resolved, so the cost
computed before execution bounds the objects an operation can return whatever
the data. Lists of enum values are one value each and cost 1: their length is
bounded by the enum.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence, Sized
from dataclasses import dataclass
from functools import cache
from inspect import isawaitable
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    get_named_type,
    get_nullable_type,
)

from graph import MAX_CHECKLIST, MAX_REQUESTED_CUSTOMERS, MAX_VISIBLE_HOPS, BadUserInput

#: ``nodes(ids:)`` and ``_entities(representations:)`` take at most this many.
MAX_NODES = 100
#: A concentration's ``top`` (``Portfolio.*Concentration(top:)``) is at most this.
MAX_TOP = 100
#: Records an overlap account lists on each side (a CRM holds one or two per domain).
OVERLAP_RECORDS = 10


@dataclass(frozen=True)
class Argument:
    """As long as argument ``name`` says: of the field itself, or with ``of_parent`` of
    the field that returned its object (a connection's ``first`` sizes its ``edges``).
    ``maximum`` None is ``PRM_MAX_FIRST``; a null ``first`` is ``PRM_DEFAULT_FIRST``."""

    name: str
    of_parent: bool = False
    maximum: int | None = None


@dataclass(frozen=True)
class Length:
    """One item per element of list argument ``name``, at most ``maximum``."""

    name: str
    maximum: int


@dataclass(frozen=True)
class Fixed:
    """At most ``n`` items, whatever the data."""

    n: int


@dataclass(frozen=True)
class Longest:
    """At most ``PRM_MAX_FIRST`` items (the data decides how many there are)."""


@dataclass(frozen=True)
class OneEach:
    """One item per value of enum ``enum`` (resolved to ``Fixed`` from the schema)."""

    enum: str


Cap = Argument | Length | Fixed | Longest

_PAGE = Argument("first")
_MONEY = Longest()  # one Money per currency
#: The list fields that are not a connection's ``edges`` nor a list of enum values.
CAPS: Mapping[tuple[str, str], Argument | Length | Fixed | Longest | OneEach] = {
    ("Query", "nodes"): Length("ids", MAX_NODES),
    ("Query", "_entities"): Length("representations", MAX_NODES),
    ("Query", "sharingPolicies"): OneEach("CollaborationTier"),
    ("Mutation", "setSharingPolicy"): OneEach("CollaborationTier"),
    ("Oversight", "breakdown"): _PAGE,
    ("DiscountSchedule", "tiers"): OneEach("CollaborationTier"),
    ("DealTotals", "byStatus"): OneEach("OpportunityStatus"),
    ("PartnershipTotals", "byStatus"): OneEach("PartnershipStatus"),
    ("PartnershipTotals", "byTier"): OneEach("CollaborationTier"),
    ("PortfolioPartnerships", "byTier"): OneEach("CollaborationTier"),
    ("PortfolioPartnerships", "byStructure"): OneEach("PartnershipStructure"),
    ("PortfolioPartnerships", "byStatus"): OneEach("PartnershipStatus"),
    ("PartnerScorecard", "criteria"): OneEach("ScorecardCriterion"),
    ("ScorecardConfiguration", "criteria"): OneEach("ScorecardCriterion"),
    ("PartnerPath", "companies"): Fixed(MAX_VISIBLE_HOPS + 1),
    ("PartnerPath", "partnerships"): Fixed(MAX_VISIBLE_HOPS),
    ("Partnership", "onboarding"): Fixed(MAX_CHECKLIST),
    ("OnboardingChecklist", "items"): Fixed(MAX_CHECKLIST),
    ("OverlapAccount", "ours"): Fixed(OVERLAP_RECORDS),
    ("OverlapAccount", "theirs"): Fixed(OVERLAP_RECORDS),
    ("ConcentrationFigures", "top"): Argument("top", of_parent=True, maximum=MAX_TOP),
    ("DealStatusTotals", "amounts"): _MONEY,
    ("DealTotals", "openPipeline"): _MONEY,
    ("DealTotals", "wonRevenue"): _MONEY,
    ("MdfTotals", "budget"): _MONEY,
    ("MdfTotals", "requested"): _MONEY,
    ("MdfTotals", "approved"): _MONEY,
    ("MdfTotals", "pending"): _MONEY,
    ("MdfTotals", "remaining"): _MONEY,
    ("Portfolio", "wonRevenueConcentration"): _MONEY,
    ("AccountOverlap", "byIndustry"): Longest(),
    ("AccountOverlap", "byRegion"): Longest(),
    ("DuplicatedCoverage", "byPartnerCount"): Longest(),
    ("AccountOverlap", "accounts"): Longest(),
    ("Portfolio", "atRisk"): Longest(),
    ("Network", "nodes"): Longest(),
    ("Network", "edges"): Longest(),
    ("CustomerAccess", "via"): Longest(),
    ("DataLink", "reads"): Longest(),
    ("Partnership", "pendingProposals"): Longest(),
    ("DataLink", "pendingProposals"): Longest(),
    ("ConsentProposal", "customerIds"): Fixed(MAX_REQUESTED_CUSTOMERS),
}


def _fields(schema: GraphQLSchema) -> list[tuple[str, str, Any]]:
    """(type, field, GraphQLField) of every object and interface type but introspection's."""
    return [
        (type_name, field_name, field)
        for type_name, t in schema.type_map.items()
        if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)
        and not type_name.startswith("__")
        for field_name, field in t.fields.items()
    ]


def _is_list(field: Any) -> bool:
    return isinstance(get_nullable_type(field.type), GraphQLList)


def _is_connection(t: Any) -> bool:
    named = isinstance(t, GraphQLObjectType) and t.name.endswith("Connection")
    return named and "edges" in t.fields


@cache
def caps_of(schema: GraphQLSchema) -> Mapping[tuple[str, str], Cap]:
    """Every list field's cap: the table, each connection's ``edges``, enum lists."""
    caps: dict[tuple[str, str], Cap] = {}
    for type_name, field_name, field in _fields(schema):
        named = get_named_type(field.type)
        entry = CAPS.get((type_name, field_name))
        if isinstance(entry, OneEach):
            enum = schema.type_map.get(entry.enum)
            if not isinstance(enum, GraphQLEnumType):
                raise RuntimeError(f"{type_name}.{field_name}: no enum {entry.enum}")
            caps[type_name, field_name] = Fixed(len(enum.values))
        elif entry is not None:
            caps[type_name, field_name] = entry
        elif field_name == "edges" and _is_connection(schema.type_map[type_name]):
            caps[type_name, field_name] = Argument("first", of_parent=True)
        elif _is_list(field) and isinstance(named, GraphQLEnumType):
            caps[type_name, field_name] = Fixed(len(named.values))
    return caps


def uncapped(schema: GraphQLSchema) -> list[str]:
    """List fields without a cap, and connection fields without ``first``: none, or a
    client could ask for a list whose length nothing bounds."""
    caps = caps_of(schema)
    missing = [
        f"{type_name}.{field_name}"
        for type_name, field_name, field in _fields(schema)
        if _is_list(field) and (type_name, field_name) not in caps
    ]
    missing += [
        f"{type_name}.{field_name} (a connection without `first`)"
        for type_name, field_name, field in _fields(schema)
        if _is_connection(get_named_type(field.type)) and "first" not in field.args
    ]
    return missing


def enforce_caps(schema: GraphQLSchema) -> None:
    """Keep every cap at execution: a ``Length`` argument longer than its maximum is
    BAD_USER_INPUT before anything is read; a ``Fixed`` or ``Longest`` list is cut to
    its cap. ``Argument`` lists are refused beyond their maximum by their resolvers
    (``GraphReader.page_args``, ``_top``)."""
    for (type_name, field_name), cap in caps_of(schema).items():
        if isinstance(cap, Argument):
            continue
        t = schema.type_map[type_name]
        assert isinstance(t, GraphQLObjectType | GraphQLInterfaceType)
        field = t.fields[field_name]
        if field.resolve is None:
            continue
        if isinstance(cap, Length):
            field.resolve = _refused_beyond(field.resolve, cap)
        else:
            field.resolve = _cut(field.resolve, cap)


Resolver = Callable[..., Any]
Info = GraphQLResolveInfo[Any]


def _refused_beyond(resolve: Resolver, cap: Length) -> Resolver:
    def resolver(source: Any, info: Info, **arguments: Any) -> Any:
        given = arguments.get(cap.name)  # graphql-core passes GraphQL names
        if isinstance(given, Sized) and len(given) > cap.maximum:
            raise BadUserInput(f"'{cap.name}' takes at most {cap.maximum} items", argument=cap.name)
        return resolve(source, info, **arguments)

    return resolver


def _cut(resolve: Resolver, cap: Fixed | Longest) -> Resolver:
    def limit(info: Info) -> int:
        return cap.n if isinstance(cap, Fixed) else int(info.context.reader.max_first)

    def cut(result: Any, info: Info) -> Any:
        if isinstance(result, Sequence) and len(result) > (n := limit(info)):
            return result[:n]
        return result

    async def cut_later(pending: Awaitable[Any], info: Info) -> Any:
        return cut(await pending, info)

    def resolver(source: Any, info: Info, **arguments: Any) -> Any:
        result = resolve(source, info, **arguments)
        return cut_later(result, info) if isawaitable(result) else cut(result, info)

    return resolver
