"""The enums of contract.graphql."""

from enum import Enum

import strawberry

from policy import FieldGroup as PolicyFieldGroup


@strawberry.enum
class CollaborationTier(Enum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


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
class Role(Enum):
    EXECUTIVE = "EXECUTIVE"
    MANAGER = "MANAGER"
    REP = "REP"
    ANALYST = "ANALYST"


FieldGroup = strawberry.enum(
    PolicyFieldGroup,
    name="FieldGroup",
    description="Groups of fields a viewer may be granted (authorization.md).",
)


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
