"""Why a start cannot go on, in one line: the operator reads a cause, not a stack trace.

``prm`` turns the exceptions a start meets (a bad setting, a wrong Neo4j
password, an unknown database, a bad policy or allow-list file) into one line
on stderr and exit status 2. Anything else is a bug and keeps its traceback.
``prm serve`` checks all of it before Uvicorn starts (``preflight``): once
Uvicorn runs the app, a failure in its lifespan is a 60-line traceback.
"""

from __future__ import annotations

import logging

from neo4j import exceptions as neo4j_errors

from gateway.persisted import PersistedQueriesError
from gateway.settings import Settings, SettingsError
from graph import ServiceUnavailable
from policy import PolicyError

log = logging.getLogger("prm.gateway")

#: Exit status of a command that could not start.
CANNOT_START = 2


def cause_of(exc: BaseException, settings: Settings) -> str | None:
    """One line naming why a command could not go on; None when ``exc`` is a bug."""
    neo4j = f"Neo4j at {settings.db.uri}"
    if isinstance(exc, neo4j_errors.AuthError):
        return (
            f"{neo4j} refused user {settings.db.user!r}: check NEO4J_USER and"
            f" NEO4J_PASSWORD (or NEO4J_PASSWORD_FILE): {_one_line(exc.message or str(exc))}"
        )
    if isinstance(exc, ServiceUnavailable | neo4j_errors.ServiceUnavailable):
        return f"{neo4j} is unreachable (NEO4J_URI): {_one_line(str(exc.__cause__ or exc))}"
    if isinstance(exc, neo4j_errors.ConfigurationError):
        return f"NEO4J_URI {settings.db.uri!r}: {_one_line(str(exc))}"
    if isinstance(exc, neo4j_errors.Neo4jError) and "DatabaseNotFound" in (exc.code or ""):
        return f"{neo4j} has no database {settings.db.database!r} (NEO4J_DATABASE)"
    if isinstance(exc, SettingsError | PolicyError | PersistedQueriesError):
        return _one_line(str(exc))
    return None


async def preflight(settings: Settings) -> None:
    """What the app's start-up would fail on, checked in this process: the policy, the
    schema, the allow-list, the driver's settings and Neo4j's answer to its credentials.

    An unreachable Neo4j does not stop the start (the gateway serves 503s and /readyz is
    false until it answers); credentials it refuses do.
    """
    from gateway.app import build_state  # the schema: imported only to serve

    state = build_state(settings)
    try:
        await state.db.check()
    except ServiceUnavailable as exc:
        log.warning(
            "%s; serving anyway, /readyz is false until it answers", cause_of(exc, settings)
        )
    finally:
        await state.db.close()


def _one_line(text: str) -> str:
    return " ".join(text.split())
