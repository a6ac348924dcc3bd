"""The vocabulary of the policy: tiers, roles, field groups."""

from __future__ import annotations

from enum import StrEnum


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
