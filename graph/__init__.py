"""Everything that touches Neo4j: driver, Cypher, loaders, migrations, data generation.

Knows nothing of GraphQL. ``schema`` imports only what is exported here.
"""

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
from graph.viewer import Viewer, load_viewer

__all__ = [
    "MAX_VISIBLE_HOPS",
    "ActionForbidden",
    "Amount",
    "AtRiskRow",
    "BadUserInput",
    "Bucket",
    "BudgetExceeded",
    "CompanyFilterField",
    "CompanyQuery",
    "CompanyRow",
    "CompletionRow",
    "Concentration",
    "Conflict",
    "ContactRow",
    "CourseCounts",
    "CourseRow",
    "CursorCodec",
    "CustomerQuery",
    "CustomerRow",
    "DataLinkRow",
    "Database",
    "DatabaseConfig",
    "FilterField",
    "FilterOp",
    "Forbidden",
    "GatewayError",
    "GraphReader",
    "InvalidTransition",
    "MdfBalance",
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
    "ProductRow",
    "QueryStats",
    "QueryTimeout",
    "ScorecardRow",
    "ServiceUnavailable",
    "TierDiscountRow",
    "Unauthenticated",
    "UserRow",
    "Viewer",
    "load_viewer",
    "migrate",
]
