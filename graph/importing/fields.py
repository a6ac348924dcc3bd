"""What each kind of imported row may carry: an allow-list of properties with their types.

Only these property names ever reach the graph; a mapping that names any
other target is refused when the config is read. Values are checked and
converted here (pure functions, no I/O).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, LiteralString

from graph.queries.imports import (
    IMPORT_COMPANIES_QUERY,
    IMPORT_CONTACTS_QUERY,
    IMPORT_CUSTOMERS_QUERY,
    IMPORT_PARTNERSHIPS_QUERY,
)


class InvalidValue(ValueError):
    """A cell that cannot become the property it is mapped to."""


def _text(raw: str) -> str:
    if len(raw) > 2000:
        raise InvalidValue("longer than 2000 characters")
    return raw


def _int(raw: str) -> int:
    cleaned = raw.replace(",", "").replace("_", "")
    try:
        value = float(cleaned)
    except ValueError as exc:
        raise InvalidValue(f"not a whole number: {raw!r}") from exc
    if not value.is_integer() or value < 0:
        raise InvalidValue(f"not a whole number >= 0: {raw!r}")
    return int(value)


def _money(raw: str) -> float:
    cleaned = raw.replace(",", "").replace("_", "").lstrip("$€£").strip()
    try:
        value = float(cleaned)
    except ValueError as exc:
        raise InvalidValue(f"not a number: {raw!r}") from exc
    if value < 0 or value != value or value in (float("inf"), float("-inf")):
        raise InvalidValue(f"not an amount >= 0: {raw!r}")
    return value


def _percent(raw: str) -> float:
    value = _money(raw.rstrip("%").strip())
    if value > 100:
        raise InvalidValue(f"not a percentage between 0 and 100: {raw!r}")
    return value


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DOMAIN = re.compile(r"(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def _email(raw: str) -> str:
    if not _EMAIL.fullmatch(raw):
        raise InvalidValue(f"not an email address: {raw!r}")
    return raw.lower()


def _domain(raw: str) -> str:
    value = raw.lower().removeprefix("https://").removeprefix("http://").removeprefix("www.")
    value = value.rstrip("/")
    if not _DOMAIN.fullmatch(value):
        raise InvalidValue(f"not a domain name: {raw!r}")
    return value


def _datetime(raw: str) -> datetime:
    parsers: tuple[Callable[[str], datetime], ...] = (
        datetime.fromisoformat,
        lambda r: datetime.strptime(r, "%m/%d/%Y"),
    )
    for parse in parsers:
        try:
            value = parse(raw)
        except ValueError:
            continue
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    raise InvalidValue(f"not a date (YYYY-MM-DD or MM/DD/YYYY): {raw!r}")


def _currency(raw: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{3}", raw):
        raise InvalidValue(f"not an ISO 4217 currency code: {raw!r}")
    return raw.upper()


def _country(raw: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2}", raw):
        raise InvalidValue(f"not an ISO 3166 two-letter country code: {raw!r}")
    return raw.upper()


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = re.sub(r"[\s-]+", "_", raw.strip()).upper()
        if value not in allowed:
            raise InvalidValue(f"{raw!r} is not one of {', '.join(allowed)}")
        return value

    return parse


@dataclass(frozen=True)
class Field:
    parse: Callable[[str], Any]
    required: bool = False


@dataclass(frozen=True)
class Entity:
    """One kind of row: its label's id prefix, properties, references and statement."""

    name: str
    prefix: str
    fields: Mapping[str, Field]
    #: Columns that name another imported row (or an existing node) instead of a property.
    references: Mapping[str, str]
    query: LiteralString
    #: Properties of the graph model that an import must never set, with the reason the
    #: mapping file is refused if it maps one.
    refused: Mapping[str, str] = field(default_factory=dict[str, str])


TIERS = ("LOW", "MEDIUM", "HIGH")
STRUCTURES = (
    "RESELLER",
    "REFERRAL",
    "DISTRIBUTOR",
    "INTEGRATOR",
    "MSP",
    "TECHNOLOGY",
    "CO_MARKETING",
)

# In dependency order: a row may refer only to kinds imported before it.
ENTITIES: Mapping[str, Entity] = {
    "companies": Entity(
        "companies",
        "co",
        {
            "name": Field(_text, required=True),
            "domain": Field(_domain),
            "industry": Field(_text),
            "country": Field(_country),
            "employees": Field(_int),
            "description": Field(_text),
        },
        {},
        IMPORT_COMPANIES_QUERY,
    ),
    "customers": Entity(
        "customers",
        "cu",
        {
            "name": Field(_text, required=True),
            "domain": Field(_domain),
            "industry": Field(_text),
            "region": Field(_text),
            "segment": Field(_text),
            "employees": Field(_int),
            "email": Field(_email),
            "phone": Field(_text),
            "address": Field(_text),
            "annualRevenue": Field(_money),
            "notes": Field(_text),
        },
        {},
        IMPORT_CUSTOMERS_QUERY,
    ),
    "contacts": Entity(
        "contacts",
        "ct",
        {
            "name": Field(_text, required=True),
            "email": Field(_email),
            "phone": Field(_text),
            "title": Field(_text),
        },
        # A contact works at a customer or a company that the importing company imported,
        # or at the importing company itself: never at another tenant.
        {"customer": "customers", "company": "companies"},
        IMPORT_CONTACTS_QUERY,
    ),
    "partnerships": Entity(
        "partnerships",
        "pa",
        {
            "tier": Field(_choice(*TIERS), required=True),
            "structure": Field(_choice(*STRUCTURES), required=True),
            "since": Field(_datetime),
            "currency": Field(_currency),
            "revenueSharePct": Field(_percent),
            "mdfBudget": Field(_money),
        },
        # The partner is an imported company or any existing one (as recruitPartner).
        {"partner": "companies"},
        IMPORT_PARTNERSHIPS_QUERY,
        refused={
            "status": (
                "imported partnerships start as PROSPECT; a status changes only through "
                "the partnership lifecycle (transitionPartnership), never by import"
            )
        },
    ),
}
