"""What the process holds for its lifetime: settings, driver, policy, schema."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry

from gateway.auth import TokenVerifier
from gateway.limits import Limits
from gateway.metrics import Metrics
from gateway.persisted import PersistedQueries
from gateway.rate_limit import RateLimiter
from gateway.settings import Settings
from graph import CursorCodec, Database, ReadRecorder
from graph.feed import AuditFeed
from policy import Policy


@dataclass
class AppState:
    settings: Settings
    db: Database
    policy: Policy
    schema: strawberry.Schema
    verifier: TokenVerifier
    codec: CursorCodec
    limits: Limits
    rate_limiter: RateLimiter
    feed: AuditFeed
    metrics: Metrics
    #: The access log's writer: requests hand it their reads (graph/access_log.py).
    recorder: ReadRecorder
    #: APQ hashes (this worker's) and the allow-list of PRM_PERSISTED_QUERIES_FILE.
    persisted: PersistedQueries
