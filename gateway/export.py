"""Export of the customers a viewer can see, as CSV or JSON Lines, for partners' own CRMs.

The rows come from the same ``GraphReader.customers`` read as the GraphQL
``customers`` field, with the viewer loaded from the graph, so the row rules
and the field groups are those of the API: a field outside the row's groups
is null in JSON Lines and empty in CSV, never its value. Served at
``GET /export/customers.csv`` / ``.jsonl`` (bearer token) and by
``prm export --user``.

Over HTTP an export is authenticated as a GraphQL request is
(gateway/authenticate.py) and costs one rate-limit token per page of
``PRM_MAX_FIRST`` rows: the visible rows are counted first (authentication
takes the first page's token, so a user out of tokens causes no read), then
the other pages' tokens are taken at once, before the first byte, or the
export is refused with 429 ``RATE_LIMITED`` and ``Retry-After``. The price is
stated in the ``X-Export-Rows``, ``X-Export-Page-Size`` and ``X-Export-Cost``
headers, and the export streams at most the pages it was priced at. Every
refusal is the /graphql one: the same status for the same code, the same body
(gateway/errors.py).
"""

from __future__ import annotations

import csv
import io
import json
import math
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from gateway.auth import bearer_token
from gateway.authenticate import authenticate
from gateway.errors import RateLimited, RouteNotFound, error_response
from gateway.spreadsheet import safe_record
from gateway.state import AppState
from graph import (
    MAX_FIRST,
    CursorCodec,
    CustomerQuery,
    CustomerRow,
    Database,
    GatewayError,
    GraphReader,
    QueryStats,
    ReadLog,
    ReadRecorder,
    Viewer,
)
from policy import CUSTOMER_PROPERTIES, FieldGroup, Policy

Format = Literal["csv", "jsonl"]
MEDIA_TYPES: dict[str, str] = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl"}
#: The plain Customer fields are exported (``contacts`` is a connection, not exported here).
COLUMNS = ("id", "owner", "access", "groups", *CUSTOMER_PROPERTIES)


def customer_record(row: CustomerRow, policy: Policy) -> dict[str, Any]:
    """One customer as the viewer may see it: unreadable fields are None."""
    fields = policy.customer_fields
    record: dict[str, Any] = {
        "id": row.id,
        "owner": row.owner,
        "access": "OWNER" if row.is_owner else "SHARED",
        "groups": sorted(g.value for g in row.groups),
    }
    for name in CUSTOMER_PROPERTIES:
        group = fields.get(name, FieldGroup.INTERNAL)
        record[name] = _plain(row.props.get(name)) if group in row.groups else None
    return record


def exported_groups(row: CustomerRow, policy: Policy) -> frozenset[FieldGroup]:
    """The groups whose fields ``customer_record`` returns for ``row``."""
    fields = policy.customer_fields
    return (
        frozenset(fields.get(name, FieldGroup.INTERNAL) for name in CUSTOMER_PROPERTIES)
        & row.groups
    )


async def visible_customers(
    db: Database,
    viewer: Viewer,
    policy: Policy,
    codec: CursorCodec,
    recorder: ReadRecorder,
    *,
    owner: str | None = None,
    page_size: int = MAX_FIRST,
    max_pages: int | None = None,
) -> AsyncIterator[dict[str, Any]]:
    """Every customer the viewer sees (only ``owner``'s, if given), page by page (at
    most ``max_pages`` pages). Each shared row handed out is a read: ``recorder`` gets
    them page by page, and what was handed out before the consumer stopped."""
    after: str | None = None
    pages = 0
    reads = ReadLog(viewer)
    try:
        while max_pages is None or pages < max_pages:
            pages += 1
            # A reader per page: its loaders cache what they read, and an export is long.
            reader = GraphReader(db, viewer, policy, codec, QueryStats(), max_first=page_size)
            page = await reader.customers.customers(
                CustomerQuery(owner_id=owner), reader.page_args(page_size, after, count=False)
            )
            for row in page.rows:
                reads.note(row, exported_groups(row, policy))
                yield customer_record(row, policy)
            recorder.record(reads)
            if not page.has_next or not page.cursors:
                return
            after = page.cursors[-1]
    finally:
        recorder.record(reads)


async def count_visible(
    db: Database, viewer: Viewer, policy: Policy, codec: CursorCodec, *, owner: str | None
) -> int:
    """How many rows ``visible_customers`` would stream: one count statement."""
    reader = GraphReader(db, viewer, policy, codec, QueryStats())
    page = await reader.customers.customers(
        CustomerQuery(owner_id=owner), reader.page_args(0, None, count=True)
    )
    return page.total


def export_pages(rows: int, page_size: int) -> int:
    """The price of an export in rate-limit tokens: one per page (an empty one too)."""
    return max(1, math.ceil(rows / page_size))


async def encoded(records: AsyncIterator[dict[str, Any]], fmt: Format) -> AsyncIterator[str]:
    if fmt == "jsonl":
        async for record in records:
            yield json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n"
        return
    buffer = io.StringIO()
    # RFC 4180's CRLF: the csv module quotes a cell holding a character of the line
    # terminator, so with "\n" alone a carriage return inside a value went out bare
    # and a spreadsheet started a new row there (whose first cell could be a formula).
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    async for record in records:
        writer.writerow(safe_record({**record, "groups": " ".join(record["groups"])}))
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


async def export_endpoint(request: Request) -> Response:
    """``GET /export/customers.{csv,jsonl}[?owner=co-...]`` with a bearer token."""
    state: AppState = request.app.state.prm
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    fmt = request.path_params["format"]
    if fmt not in MEDIA_TYPES:
        return error_response(
            RouteNotFound("Export as customers.csv or customers.jsonl"), request_id
        )
    owner = request.query_params.get("owner") or None
    page_size = state.settings.limits.max_first
    try:
        # The count is a read too: authentication takes the first page's token.
        viewer = await authenticate(state, bearer_token(request))
        rows = await count_visible(state.db, viewer, state.policy, state.codec, owner=owner)
    except GatewayError as exc:
        return error_response(exc, request_id)
    pages = export_pages(rows, page_size)
    price = {
        "x-export-rows": str(rows),
        "x-export-page-size": str(page_size),
        "x-export-cost": str(pages),
    }
    retry_after = state.rate_limiter.acquire(viewer.user_id, tokens=pages - 1) if pages > 1 else 0.0
    if retry_after:
        message = (
            f"This export costs {pages} rate-limit tokens (one per page of {page_size} rows); "
            "slow down"
        )
        refused = error_response(RateLimited(retry_after, message), request_id)
        refused.headers.update(price)
        return refused
    records = visible_customers(
        state.db,
        viewer,
        state.policy,
        state.codec,
        state.recorder,
        owner=owner,
        page_size=page_size,
        max_pages=pages,
    )
    return StreamingResponse(
        encoded(records, fmt),
        media_type=MEDIA_TYPES[fmt],
        headers={
            "content-disposition": f'attachment; filename="customers.{fmt}"',
            "x-request-id": request_id,
            **price,
        },
    )


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "iso_format"):  # neo4j.time types
        return value.iso_format()
    return value
