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
from policy._audit import AuditView, audit_view
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
from policy._mdf import (
    MDF_DECISIONS,
    may_decide_mdf,
    may_request_mdf,
    mdf_remaining,
    overspends,
    sees_mdf_request,
)
from policy._model import (
    ALL_CUSTOMER_GROUPS,
    SHAREABLE_GROUPS,
    FieldGroup,
    Role,
    Tier,
)
from policy._oversight import OversightScope, oversees_financials, oversight_scope
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
from policy._scorecard import (
    Criterion,
    CriterionScore,
    Score,
    ScorecardConfig,
    ScorecardConfigError,
    build_config,
    config_from_graph,
    config_to_graph,
    default_scorecard,
    load_scorecard_defaults,
    may_configure_scorecard,
    score,
    sees_scorecard,
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
    "DEFAULT_PASSING_SCORE",
    "DEFAULT_PROTECTION_DAYS",
    "MAX_DISCOUNT_PCT",
    "MAX_SCORE",
    "MDF_DECISIONS",
    "OPEN_DEAL_STATUSES",
    "SHAREABLE_GROUPS",
    "TRANSITIONS",
    "Actor",
    "AuditView",
    "Criterion",
    "CriterionScore",
    "FieldGroup",
    "Grant",
    "LinkFacts",
    "OversightScope",
    "PartnershipAccess",
    "Policy",
    "PolicyError",
    "Pricing",
    "ProductTerms",
    "Role",
    "Score",
    "ScorecardConfig",
    "ScorecardConfigError",
    "Tier",
    "account_key",
    "audit_view",
    "build_config",
    "config_from_graph",
    "config_to_graph",
    "default_pricing",
    "default_scorecard",
    "effective_deal_status",
    "effective_grants",
    "is_certified",
    "load_policy",
    "load_pricing",
    "load_scorecard_defaults",
    "may_assign_manager",
    "may_change_tier",
    "may_close_deal",
    "may_configure_scorecard",
    "may_decide_deal",
    "may_decide_mdf",
    "may_manage_catalogue",
    "may_record_completion",
    "may_register_deal",
    "may_request_mdf",
    "may_set_discounts",
    "may_share",
    "may_transition",
    "mdf_remaining",
    "oversees_financials",
    "oversight_scope",
    "overspends",
    "partnership_access",
    "product_terms",
    "score",
    "sees_company_contacts",
    "sees_deal",
    "sees_financials",
    "sees_mdf_request",
    "sees_scorecard",
    "sees_vendor_offerings",
]
