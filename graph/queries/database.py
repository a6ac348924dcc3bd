"""Statements of no aggregate: the database's constraints and indexes, its readiness
probe, and the local server's first password change."""

from typing import LiteralString

# Uniqueness on `id` for every label (it also gives the id lookups their index). Typed, so
# that the statements built from it are LiteralString: a `str` entry could not build one.
_UNIQUE_IDS: tuple[tuple[LiteralString, LiteralString], ...] = (
    ("company_id", "Company"),
    ("user_id", "User"),
    ("partnership_id", "Partnership"),
    ("customer_id", "Customer"),
    ("contact_id", "Contact"),
    ("data_link_id", "DataLink"),
    ("opportunity_id", "Opportunity"),
    ("product_id", "Product"),
    ("course_id", "Course"),
    ("mdf_request_id", "MdfRequest"),
    ("sharing_policy_id", "SharingPolicy"),
    ("audit_event_id", "AuditEvent"),
    # One per (vendor, account) that ever had a deal registered: the lock of the
    # conflict rule (graph/queries/deals.py).
    ("account_lock_id", "AccountLock"),
    ("tier_discount_id", "TierDiscount"),
    ("scorecard_config_id", "ScorecardConfig"),
    # Erasure (graph/queries/erasures.py): its records, and the tombstones of
    # erased accounts that `prm import` looks up by id.
    ("erasure_id", "Erasure"),
    ("tombstone_id", "Tombstone"),
)

_CONSTRAINTS: tuple[LiteralString, ...] = tuple(
    "CREATE CONSTRAINT " + name + " IF NOT EXISTS FOR (n:" + label + ") REQUIRE n.id IS UNIQUE"
    for name, label in _UNIQUE_IDS
)

_INDEXES: tuple[LiteralString, ...] = (
    "CREATE INDEX customer_domain IF NOT EXISTS FOR (n:Customer) ON (n.domain)",
    "CREATE INDEX company_domain IF NOT EXISTS FOR (n:Company) ON (n.domain)",
    # Companies are listed by (name, id): the index serves the keyset scan.
    "CREATE INDEX company_name IF NOT EXISTS FOR (n:Company) ON (n.name)",
    "CREATE INDEX partnership_status IF NOT EXISTS FOR (n:Partnership) ON (n.status)",
    "CREATE INDEX opportunity_status IF NOT EXISTS FOR (n:Opportunity) ON (n.status)",
    # The subscription feed polls recent AuditEvents by time.
    "CREATE INDEX audit_event_at IF NOT EXISTS FOR (n:AuditEvent) ON (n.at)",
    "CREATE INDEX audit_event_company IF NOT EXISTS FOR (n:AuditEvent) ON (n.companyId)",
    # One read log node per (link, user, day, customer): MERGE on it is exact under
    # concurrent recorders (graph/queries/access_log.py).
    "CREATE CONSTRAINT customer_read_key IF NOT EXISTS FOR (n:CustomerRead)"
    " REQUIRE n.key IS UNIQUE",
    # A link's reads by day (DataLink.reads), the retention sweep by day.
    "CREATE INDEX customer_read_link IF NOT EXISTS FOR (n:CustomerRead) ON (n.link, n.day)",
    "CREATE INDEX customer_read_day IF NOT EXISTS FOR (n:CustomerRead) ON (n.day)",
    # An erased customer's reads are found by its id.
    "CREATE INDEX customer_read_customer IF NOT EXISTS FOR (n:CustomerRead) ON (n.customer)",
)

#: The constraints and indexes of graph-model.md, each a no-op when already there.
MIGRATIONS: tuple[LiteralString, ...] = _CONSTRAINTS + _INDEXES

AWAIT_INDEXES_QUERY: LiteralString = "CALL db.awaitIndexes(300)"

#: Readiness: the server answers a trivial read.
PING_QUERY: LiteralString = "RETURN 1 AS ok"


# A fresh local server (gateway/neo4j_local.py) has neo4j/neo4j with expired credentials;
# run once against the `system` database.
FIRST_LOGIN_QUERY: LiteralString = "ALTER CURRENT USER SET PASSWORD FROM 'neo4j' TO $new"
