"""Everything that touches Neo4j: driver, Cypher, loaders, migrations, data generation.

Knows nothing of GraphQL. ``schema`` imports only what is exported here (an import
contract of ``make lint``, docs/architecture.md).
"""

from graph.commands import (
    MAX_CHECKLIST,
    ChecklistItem,
    CourseInput,
    CriterionSetting,
    DealInput,
    GrantInput,
    GraphCommands,
    MdfRequestInput,
    ProductChanges,
    ProductInput,
    RecruitInput,
    ScorecardConfigInput,
    TierDiscountInput,
)
from graph.courses_reader import CompletionRow, CourseCounts, CourseRow
from graph.cursors import CursorCodec
from graph.deals_reader import OpportunityRow
from graph.driver import Database, DatabaseConfig, QueryStats
from graph.errors import (
    ActionForbidden,
    BadUserInput,
    BudgetExceeded,
    Conflict,
    Forbidden,
    GatewayError,
    InvalidTransition,
    NotFound,
    QueryTimeout,
    ServiceUnavailable,
    Unauthenticated,
)
from graph.explore_reader import (
    AtRiskRow,
    Bucket,
    Concentration,
    MeasureRow,
    NetworkRow,
    OverlapRow,
    PathRow,
)
from graph.feed import AuditFeed, FeedEvent
from graph.mdf_reader import MdfBalance, MdfRequestRow
from graph.migrations import migrate
from graph.oversight_reader import Amount, OversightTotals, PartnershipFigures
from graph.products_reader import ProductRow, TierDiscountRow
from graph.queries.companies import CompanyFilterField
from graph.queries.customers import FilterField, FilterOp, OrderField
from graph.queries.network import MAX_VISIBLE_HOPS
from graph.reader import CompanyQuery, CustomerQuery, GraphReader, PageArgs
from graph.records import (
    CompanyRow,
    ContactRow,
    CustomerRow,
    DataLinkRow,
    Page,
    PartnershipRow,
    UserRow,
)
from graph.scorecard_reader import ScorecardRow
from graph.values import as_datetime
from graph.viewer import Viewer, load_viewer

__all__ = [
    "MAX_CHECKLIST",
    "MAX_VISIBLE_HOPS",
    "ActionForbidden",
    "Amount",
    "AtRiskRow",
    "AuditFeed",
    "BadUserInput",
    "Bucket",
    "BudgetExceeded",
    "ChecklistItem",
    "CompanyFilterField",
    "CompanyQuery",
    "CompanyRow",
    "CompletionRow",
    "Concentration",
    "Conflict",
    "ContactRow",
    "CourseCounts",
    "CourseInput",
    "CourseRow",
    "CriterionSetting",
    "CursorCodec",
    "CustomerQuery",
    "CustomerRow",
    "DataLinkRow",
    "Database",
    "DatabaseConfig",
    "DealInput",
    "FeedEvent",
    "FilterField",
    "FilterOp",
    "Forbidden",
    "GatewayError",
    "GrantInput",
    "GraphCommands",
    "GraphReader",
    "InvalidTransition",
    "MdfBalance",
    "MdfRequestInput",
    "MdfRequestRow",
    "MeasureRow",
    "NetworkRow",
    "NotFound",
    "OpportunityRow",
    "OrderField",
    "OverlapRow",
    "OversightTotals",
    "Page",
    "PageArgs",
    "PartnershipFigures",
    "PartnershipRow",
    "PathRow",
    "ProductChanges",
    "ProductInput",
    "ProductRow",
    "QueryStats",
    "QueryTimeout",
    "RecruitInput",
    "ScorecardConfigInput",
    "ScorecardRow",
    "ServiceUnavailable",
    "TierDiscountInput",
    "TierDiscountRow",
    "Unauthenticated",
    "UserRow",
    "Viewer",
    "as_datetime",
    "load_viewer",
    "migrate",
]
