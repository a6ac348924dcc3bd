"""The enums of contract.graphql.

The policy's vocabulary (tiers, roles, field groups, oversight scopes, scorecard
criteria) is served as it is: its Enum classes are registered with Strawberry
here, under their GraphQL names, so a value read from GraphQL is the policy's
value and nothing converts between two copies. Importing this module is what
registers them, so schema modules take the enums they serve from here: an Enum
Strawberry meets unregistered is served under its Python name (``Tier``, not
``CollaborationTier``), a change tests/unit/test_contract.py refuses.
"""

from enum import Enum

import strawberry

from policy import Criterion, FieldGroup, OversightScope, ProposalKind, ProposalStatus, Role, Tier

__all__ = [
    "AccessLevel",
    "Criterion",
    "CustomerOrderField",
    "FieldGroup",
    "OrderDirection",
    "OversightScope",
    "PartnershipStatus",
    "PartnershipStructure",
    "ProposalKind",
    "ProposalStatus",
    "Role",
    "Tier",
]

strawberry.enum(Tier, name="CollaborationTier")
strawberry.enum(Role)
strawberry.enum(
    FieldGroup,
    description="Groups of fields a viewer may be granted (authorization.md).",
)
strawberry.enum(OversightScope)
strawberry.enum(
    ProposalKind,
    name="ConsentProposalKind",
    description="What a consent proposal asks the other company to accept (docs/consent.md).",
)
strawberry.enum(ProposalStatus, name="ConsentProposalStatus")
strawberry.enum(
    Criterion, name="ScorecardCriterion", description="The criteria of a partner scorecard."
)


@strawberry.enum
class PartnershipStatus(Enum):
    PROSPECT = "PROSPECT"
    ONBOARDING = "ONBOARDING"
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    ENDED = "ENDED"


@strawberry.enum
class PartnershipStructure(Enum):
    RESELLER = "RESELLER"
    REFERRAL = "REFERRAL"
    DISTRIBUTOR = "DISTRIBUTOR"
    INTEGRATOR = "INTEGRATOR"
    MSP = "MSP"
    TECHNOLOGY = "TECHNOLOGY"
    CO_MARKETING = "CO_MARKETING"


@strawberry.enum
class AccessLevel(Enum):
    OWNER = "OWNER"
    SHARED = "SHARED"
    NONE = "NONE"


@strawberry.enum
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.enum
class CustomerOrderField(Enum):
    NAME = "NAME"
    INDUSTRY = "INDUSTRY"
    REGION = "REGION"
    ANNUAL_REVENUE = "ANNUAL_REVENUE"
    CREATED_AT = "CREATED_AT"
