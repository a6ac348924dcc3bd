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
from policy._deals import (
    CONFLICT_REASON,
    DEAL_TRANSITIONS,
    DEFAULT_PROTECTION_DAYS,
    OPEN_DEAL_STATUSES,
    account_key,
    effective_deal_status,
    may_close_deal,
    may_decide_deal,
    may_register_deal,
    sees_deal,
)
from policy._model import (
    ALL_CUSTOMER_GROUPS,
    SHAREABLE_GROUPS,
    FieldGroup,
    Role,
    Tier,
)
from policy._policy import Policy, PolicyError, load_policy
from policy._pricing import (
    MAX_DISCOUNT_PCT,
    Pricing,
    ProductTerms,
    default_pricing,
    load_pricing,
    may_manage_catalogue,
    may_set_discounts,
    product_terms,
    sees_vendor_offerings,
)
from policy._rules import (
    Grant,
    LinkFacts,
    PartnershipAccess,
    effective_grants,
    partnership_access,
    sees_company_contacts,
    sees_financials,
)
from policy._training import (
    DEFAULT_PASSING_SCORE,
    MAX_SCORE,
    is_certified,
    may_record_completion,
)

__all__ = [
    "ALL_CUSTOMER_GROUPS",
    "CONFLICT_REASON",
    "DEAL_TRANSITIONS",
    "DEFAULT_PROTECTION_DAYS",
    "OPEN_DEAL_STATUSES",
    "DEFAULT_PASSING_SCORE",
    "MAX_DISCOUNT_PCT",
    "MAX_SCORE",
    "SHAREABLE_GROUPS",
    "TRANSITIONS",
    "Actor",
    "FieldGroup",
    "Grant",
    "LinkFacts",
    "PartnershipAccess",
    "Policy",
    "PolicyError",
    "Pricing",
    "ProductTerms",
    "Role",
    "Tier",
    "account_key",
    "effective_deal_status",
    "may_close_deal",
    "may_decide_deal",
    "may_register_deal",
    "sees_deal",
    "default_pricing",
    "effective_grants",
    "is_certified",
    "load_policy",
    "load_pricing",
    "may_assign_manager",
    "may_change_tier",
    "may_manage_catalogue",
    "may_record_completion",
    "may_set_discounts",
    "may_share",
    "may_transition",
    "partnership_access",
    "product_terms",
    "sees_company_contacts",
    "sees_financials",
    "sees_vendor_offerings",
]
