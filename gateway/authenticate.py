"""Authentication, once for every transport: bearer token → verified → rate limit → viewer.

HTTP /graphql, /export and the WebSocket (its ``connection_init``, each of its
operations and each subscription event) all turn a token into a viewer here,
so they refuse alike: ``Unauthenticated`` for a bad, expired or unknown
token, ``RateLimited`` when the user's bucket cannot pay, and the database's
``ServiceUnavailable`` or ``QueryTimeout``. Where the token travels is the
transport's business (``gateway.auth.bearer``); what a refusal looks like is
``gateway/errors.py``'s.
"""

from __future__ import annotations

from gateway.errors import RateLimited
from gateway.state import AppState
from graph import QueryStats, Viewer, load_viewer


async def authenticate(
    state: AppState, token: str, stats: QueryStats | None = None, *, cost: int = 1
) -> Viewer:
    """The viewer of ``token``, read from the graph as it is now (a token proves who the
    user is, never a company or a role), after ``cost`` rate-limit tokens are taken from
    the user's bucket: 1 for a request (an export's first page), 0 for what runs nothing
    of its own (a socket's ``connection_init``, a subscription event).

    The bucket is charged before the database is read, so a user out of tokens costs
    no read; a refused charge takes nothing.
    """
    subject = await state.verifier.subject(token)
    if cost:
        retry_after = state.rate_limiter.acquire(subject, tokens=cost)
        if retry_after:
            raise RateLimited(retry_after)
    return await load_viewer(state.db, subject, state.policy, stats)
