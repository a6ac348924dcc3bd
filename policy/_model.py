"""The vocabulary of the policy: tiers, roles, field groups, the fields of Customer."""

from __future__ import annotations

from enum import StrEnum
from typing import LiteralString


class Tier(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


class Role(StrEnum):
    EXECUTIVE = "EXECUTIVE"
    MANAGER = "MANAGER"
    REP = "REP"
    ANALYST = "ANALYST"


class FieldGroup(StrEnum):
    IDENTITY = "IDENTITY"
    PROFILE = "PROFILE"
    CONTACT = "CONTACT"
    FINANCIAL = "FINANCIAL"
    INTERNAL = "INTERNAL"
    # Extension for partnerships: details only the two parties read (since,
    # currency); a third party that sees the partnership through a HIGH
    # partner gets the network view without them.
    PARTY = "PARTY"


#: Everything an owner reads of its own customers.
ALL_CUSTOMER_GROUPS: frozenset[FieldGroup] = frozenset(
    {
        FieldGroup.IDENTITY,
        FieldGroup.PROFILE,
        FieldGroup.CONTACT,
        FieldGroup.FINANCIAL,
        FieldGroup.INTERNAL,
    }
)
#: What a data link may ever carry: INTERNAL is owner only, whatever a policy says.
SHAREABLE_GROUPS: frozenset[FieldGroup] = ALL_CUSTOMER_GROUPS - {FieldGroup.INTERNAL}

#: The Customer fields that are plain values, in the contract's order: each is the
#: GraphQL field and the :Customer property of that name. The one list of them:
#: the schema, the queries, the export, the bench and the test support take it from
#: here (tests/support/reference.py alone keeps its own, to stay independent).
#: Which group guards each is the policy file's to say, not this list's.
#: LiteralString: the queries project these names in Cypher.
CUSTOMER_PROPERTIES: tuple[LiteralString, ...] = (
    "name",
    "domain",
    "industry",
    "region",
    "segment",
    "employees",
    "email",
    "phone",
    "address",
    "annualRevenue",
    "notes",
)
#: Every Customer field a group guards: the properties and ``contacts`` (a
#: connection to Contact nodes). The policy file maps exactly these to groups.
CUSTOMER_FIELDS: tuple[LiteralString, ...] = (*CUSTOMER_PROPERTIES, "contacts")
#: The Customer fields readable on every customer a viewer sees: no group guards them.
CUSTOMER_OPEN_FIELDS: tuple[str, ...] = ("id", "owner", "access")
