"""The authorization policy of authorization.md: pure data and pure functions, no I/O.

Used by ``graph`` to compute what a viewer's company was granted (the row-level
rules run in Cypher with those grants as parameters) and by ``schema`` to
redact fields from a row's access groups.

Nothing here imports GraphQL or the Neo4j driver.
"""

from policy._actions import (
    TRANSITIONS,
    Actor,
    may_assign_manager,
    may_change_tier,
    may_share,
    may_transition,
)
from policy._model import (
    ALL_CUSTOMER_GROUPS,
    SHAREABLE_GROUPS,
    FieldGroup,
    Role,
    Tier,
)
from policy._policy import Policy, PolicyError, load_policy
from policy._rules import (
    Grant,
    LinkFacts,
    PartnershipAccess,
    effective_grants,
    partnership_access,
    sees_company_contacts,
    sees_financials,
)

__all__ = [
    "ALL_CUSTOMER_GROUPS",
    "SHAREABLE_GROUPS",
    "TRANSITIONS",
    "Actor",
    "FieldGroup",
    "Grant",
    "LinkFacts",
    "PartnershipAccess",
    "Policy",
    "PolicyError",
    "Role",
    "Tier",
    "effective_grants",
    "load_policy",
    "may_assign_manager",
    "may_change_tier",
    "may_share",
    "may_transition",
    "partnership_access",
    "sees_company_contacts",
    "sees_financials",
]
