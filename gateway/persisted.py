"""Persisted queries: Apollo's automatic persisted queries (APQ) and a production allow-list.

APQ (``PRM_APQ``, on by default): a client sends
``extensions.persistedQuery = {"version": 1, "sha256Hash": "<hex>"}``, by GET or
POST, without the query. A known hash runs its query; an unknown one gets
``PERSISTED_QUERY_NOT_FOUND`` with HTTP 200, and the client sends the query
with the hash once, which registers it. A query whose SHA-256 is not the hash
it came with is refused (``PERSISTED_QUERY_HASH_MISMATCH``). The hashes live in
a bounded in-process LRU: each worker process learns its own.

Allow-list (``PRM_PERSISTED_QUERIES_FILE``): only the operations of that file
run, whether the client sends the hash or the full text (the text's SHA-256
must be listed); anything else is refused with ``PERSISTED_QUERY_NOT_ALLOWED``
and nothing is learnt. The file is read once at start-up and shared by every
worker (each reads the same file).

The lookup happens before parsing and the query limits, which then apply to the
query found as if the client had sent it.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from threading import Lock
from typing import TYPE_CHECKING

from gateway.errors import (
    BadRequest,
    PersistedQueryHashMismatch,
    PersistedQueryNotAllowed,
    PersistedQueryNotFound,
    PersistedQueryNotSupported,
)

if TYPE_CHECKING:
    from gateway.settings import Settings


class PersistedQueriesError(ValueError):
    """The allow-list file is missing or malformed: the gateway refuses to start."""


def sha256_hex(query: str) -> str:
    return hashlib.sha256(query.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Lookup:
    """The query to run, and the hash to remember once it has been admitted."""

    query: object
    register: str | None = None


class PersistedQueries:
    def __init__(
        self,
        *,
        apq: bool,
        allow_list: Mapping[str, str] | None,
        cache_size: int,
    ) -> None:
        # No defaults: gateway/settings.py's PersistedSettings holds them.
        self.apq = apq and allow_list is None
        self.allow_list = dict(allow_list) if allow_list is not None else None
        self.cache_size = cache_size
        self._cache: OrderedDict[str, str] = OrderedDict()
        self._lock = Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> PersistedQueries:
        path = settings.persisted.queries_file
        return cls(
            apq=settings.persisted.apq,
            allow_list=load_allow_list(path) if path is not None else None,
            cache_size=settings.persisted.cache_size,
        )

    def lookup(self, payload: Mapping[str, object]) -> Lookup:
        """The query a payload asks for; raises the protocol's errors (gateway/errors.py)."""
        query = payload.get("query")
        wanted = _persisted_hash(payload)
        if self.allow_list is not None:
            return Lookup(self._allowed(query, wanted))
        if wanted is None:
            return Lookup(query)
        if not self.apq:
            raise PersistedQueryNotSupported()
        if query is None:
            with self._lock:
                known = self._cache.get(wanted)
                if known is not None:
                    self._cache.move_to_end(wanted)
            if known is None:
                raise PersistedQueryNotFound()
            return Lookup(known)
        if not isinstance(query, str) or sha256_hex(query) != wanted:
            raise PersistedQueryHashMismatch()
        return Lookup(query, register=wanted)

    def remember(self, lookup: Lookup) -> None:
        """Register an admitted query under its hash (least recently used goes first)."""
        if lookup.register is None or not isinstance(lookup.query, str):
            return
        with self._lock:
            self._cache[lookup.register] = lookup.query
            self._cache.move_to_end(lookup.register)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def __len__(self) -> int:
        return len(self._cache)

    def _allowed(self, query: object, wanted: str | None) -> str:
        assert self.allow_list is not None
        if isinstance(query, str):
            digest = sha256_hex(query)
            if wanted is not None and digest != wanted:
                raise PersistedQueryHashMismatch()
            wanted = digest
        listed = self.allow_list.get(wanted) if wanted is not None else None
        if listed is None:
            raise PersistedQueryNotAllowed()
        return listed


def _persisted_hash(payload: Mapping[str, object]) -> str | None:
    extensions = payload.get("extensions")
    if extensions is None:
        return None
    if not isinstance(extensions, Mapping):
        raise BadRequest("'extensions' must be an object")
    persisted = extensions.get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, Mapping) or persisted.get("version") != 1:
        raise BadRequest("Unsupported persisted query version")
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or len(digest) != 64:
        raise BadRequest("'sha256Hash' must be a SHA-256 hex digest")
    return digest.lower()


def load_allow_list(path: Path) -> dict[str, str]:
    """SHA-256 → operation text from an allow-list file (docs/persisted-queries.md).

    Two JSON shapes: Apollo's persisted query manifest
    (``{"format": "apollo-persisted-query-manifest", "operations": [{"id", "body", ...}]}``),
    or a plain object ``{"<sha256>": "<operation text>"}``. Every id must be the
    SHA-256 of its text, so a client that hashes the text finds it.
    """
    try:
        raw = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise PersistedQueriesError(f"PRM_PERSISTED_QUERIES_FILE {path}: {exc}") from exc
    pairs: list[tuple[object, object]]
    if isinstance(raw, dict) and raw.get("format") == "apollo-persisted-query-manifest":
        operations = raw.get("operations")
        if not isinstance(operations, list):
            raise PersistedQueriesError(f"{path}: 'operations' must be a list")
        pairs = [
            (op.get("id"), op.get("body")) if isinstance(op, dict) else (None, None)
            for op in operations
        ]
    elif isinstance(raw, dict):
        pairs = list(raw.items())
    else:
        raise PersistedQueriesError(f"{path}: expected a JSON object")
    allowed: dict[str, str] = {}
    for digest, body in pairs:
        if not isinstance(digest, str) or not isinstance(body, str):
            raise PersistedQueriesError(f"{path}: every operation needs a string id and body")
        if sha256_hex(body) != digest.lower():
            raise PersistedQueriesError(f"{path}: id {digest} is not the SHA-256 of its body")
        allowed[digest.lower()] = body
    return allowed
