"""graphql-transport-ws, authorized like HTTP: every operation and every event on its own.

A socket proves who its user is at ``connection_init``; what the user may do
is decided again for each operation (query, mutation or subscription) and each
subscription event, from the graph as it is then: the token is authenticated
again as an HTTP request's is (gateway/authenticate.py: verified, ``exp``
included, and the viewer reloaded; an operation also pays its rate-limit
token), and a new reader, loaders and commands are built (``fresh_context``).
A user who is no longer known, or a token past its ``exp``, closes the socket
with 4403; a timer closes it at the token's ``exp`` even when nothing runs on
it.

Each ``subscribe`` message passes the admission of an HTTP body (limits,
persisted queries) and the per-user limits of ``SocketRegistry`` before
Strawberry runs it. A refused operation gets an ``error`` message whose payload
is the error of the HTTP refusal (``gateway.errors.socket_error``: the same
code, message and extensions).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jwt
from graphql import GraphQLFormattedError
from starlette.websockets import WebSocketDisconnect
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
    _OperationStreamClosed,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    ErrorMessage,
    Message,
    SubscribeMessage,
)
from strawberry.utils.aio import aclosing

from gateway.admission import admit_operation
from gateway.auth import bearer, bearer_token
from gateway.authenticate import authenticate
from gateway.errors import TooManyOperations, socket_error
from gateway.logs import request_id_var
from graph import GatewayError, QueryStats, Unauthenticated, Viewer
from schema import Context

if TYPE_CHECKING:
    from gateway.graphql_view import GraphQLEndpoint

log = logging.getLogger("prm.gateway")

#: Close codes: 4403 the token or its user no longer holds (as at connection_init),
#: 4429 one socket too many for this user, 1013 try again later.
FORBIDDEN = 4403
TOO_MANY_CONNECTIONS = 4429
#: A dependency failed at connection_init (reason: the error's code, e.g.
#: SERVICE_UNAVAILABLE or QUERY_TIMEOUT); the token may be fine.
TRY_AGAIN_LATER = 1013
#: Operations running at once on one socket (whatever the per-user limit).
MAX_OPERATIONS_PER_SOCKET = 10


@dataclass(frozen=True)
class SocketSession:
    """What ``connection_init`` proved: whose token, valid until when."""

    token: str
    user_id: str
    #: The token's ``exp`` (seconds since the epoch).
    expires_at: float


class SocketRegistry:
    """This worker's acknowledged sockets by user: the per-user limits on open sockets and
    on operations running at once (counted from each socket's live operations)."""

    def __init__(self, max_sockets: int, max_operations: int) -> None:
        self.max_sockets = max_sockets
        self.max_operations = max_operations
        self._by_user: dict[str, set[AdmittedTransportWS]] = {}

    def add(self, user_id: str, socket: AdmittedTransportWS) -> bool:
        """False when the user already has ``max_sockets`` open here."""
        sockets = self._by_user.setdefault(user_id, set())
        if len(sockets) >= self.max_sockets:
            return False
        sockets.add(socket)
        return True

    def remove(self, user_id: str, socket: AdmittedTransportWS) -> None:
        sockets = self._by_user.get(user_id)
        if sockets is not None:
            sockets.discard(socket)
            if not sockets:
                del self._by_user[user_id]

    def operations(self, user_id: str) -> int:
        return sum(len(s.operations) for s in self._by_user.get(user_id, ()))


class AdmittedTransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    view: GraphQLEndpoint

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session: SocketSession | None = None
        self._closing = False
        self._expiry: asyncio.Task[None] | None = None
        #: Viewer loads that finish even when their operation is cancelled.
        self._loads: set[asyncio.Task[Viewer]] = set()

    # -- the connection --------------------------------------------------------------

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        # Strawberry's protocol steps, with our refusals: 4403 for a token or a user
        # that does not hold, 4429 for one socket too many.
        if self.connection_timed_out:
            return
        if self.connection_init_timeout_task:
            self.connection_init_timeout_task.cancel()
        payload = message.get("payload", {})
        if not isinstance(payload, dict):
            await self._close(4400, "Invalid connection init payload")
            return
        if self.connection_init_received:
            await self._close(4429, "Too many initialisation requests")
            return
        self.connection_init_received = True
        self.context.connection_params = payload
        try:
            session = await self._open_session(payload)
        except Unauthenticated as exc:
            log.info("subscription refused: %s", exc.message)
            await self._close(FORBIDDEN, "Forbidden")
            return
        except GatewayError as exc:
            # Neo4j down or too slow says nothing about the token: a client told 4403
            # would drop a good token. 1013 is the WebSocket's "try again later".
            log.warning("subscription not opened: %s (%s)", exc.message, exc.code)
            await self._close(TRY_AGAIN_LATER, exc.code)
            return
        if not self.view.sockets.add(session.user_id, self):
            log.info("subscription refused: too many sockets for %s", session.user_id)
            await self._close(TOO_MANY_CONNECTIONS, "Too many connections")
            return
        self.session = session
        await self.send_message({"type": "connection_ack"})
        self.connection_acknowledged = True
        self._expiry = asyncio.create_task(self._close_at_expiry(session))
        self._expiry.add_done_callback(self._task_done)

    async def _open_session(self, params: Mapping[str, Any]) -> SocketSession:
        """Browsers cannot set headers on a WebSocket, so the token travels as
        ``{"authorization": "Bearer ..."}`` in the payload (an Authorization header
        on the upgrade request works too)."""
        header = params.get("authorization") or params.get("Authorization")
        token = bearer(header) if isinstance(header, str) else bearer_token(self.context.request)
        # An unknown user goes no further. Nothing runs yet, so nothing is charged.
        viewer = await authenticate(self.view.state, token, cost=0)
        # ``authenticate`` has just checked the signature and required ``exp``.
        claims = jwt.decode(token, options={"verify_signature": False})
        return SocketSession(token=token, user_id=viewer.user_id, expires_at=float(claims["exp"]))

    async def _close_at_expiry(self, session: SocketSession) -> None:
        await asyncio.sleep(max(0.0, session.expires_at - time.time()))
        log.info("subscription socket closed: token expired")
        await self._close(FORBIDDEN, "Token expired")

    async def _close(self, code: int, reason: str) -> None:
        if self._closing:
            return
        self._closing = True
        # The client may be gone already (its close crossed ours): nothing left to do.
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await self.websocket.close(code=code, reason=reason)

    async def send_message(self, message: Message) -> None:
        if self._closing:
            return  # operations still finishing write to a socket that is gone
        await super().send_message(message)

    async def shutdown(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._expiry
        if self.session is not None:
            self.view.sockets.remove(self.session.user_id, self)
        await super().shutdown()

    # -- each operation --------------------------------------------------------------

    async def fresh_context(self, *, cost: int = 0) -> Context:
        """A context for one operation (``cost`` 1: it pays its rate-limit token) or one
        subscription event (0), built as for an HTTP request: the token authenticated
        again, the viewer loaded, new reader, loaders and commands. A token or user that
        no longer holds closes the socket with 4403."""
        session = self.session
        assert session is not None
        state = self.view.state
        stats = QueryStats(on_batch=state.metrics.observe_batch)
        try:
            # Shielded: the client may close the socket (cancelling this operation)
            # while the driver opens a connection for the read, and a connect cut short
            # by a cancellation leaves the driver's socket unclosed.
            load = asyncio.ensure_future(authenticate(state, session.token, stats, cost=cost))
            self._loads.add(load)
            load.add_done_callback(self._load_done)
            viewer = await asyncio.shield(load)
        except Unauthenticated as exc:
            log.info("subscription socket closed: %s", exc.message)
            await self._close(FORBIDDEN, exc.message)
            raise
        context = self.view.context_for(
            self.context.request, viewer, stats, self.context.response, uuid.uuid4().hex
        )
        context.renew = self.fresh_context
        return context

    def _load_done(self, load: asyncio.Task[Viewer]) -> None:
        self._loads.discard(load)
        if not load.cancelled():
            load.exception()  # retrieved: an abandoned load's failure is nobody's

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged and message["id"] not in self.operations:
            refusal = self._refusal(message.get("payload"))
            if refusal is not None:
                error: ErrorMessage = {"id": message["id"], "type": "error", "payload": [refusal]}
                await self.send_message(error)
                return
        await super().handle_subscribe(message)

    def _refusal(self, payload: Any) -> GraphQLFormattedError | None:
        """The error that refuses a ``subscribe`` message before Strawberry registers it,
        if any: admission, then the operations running at once (the rate limit is
        ``authenticate``'s, when the operation starts)."""
        state = self.view.state
        assert self.session is not None
        try:
            admitted = admit_operation(
                payload, state.limits, state.settings.max_body_bytes, state.persisted
            )
            payload["query"] = admitted.query  # a persisted query runs by its text
            per_socket = self.max_subscriptions_per_connection
            if per_socket is not None and len(self.operations) >= per_socket:
                raise TooManyOperations(
                    f"At most {per_socket} operations at once on one connection"
                )
            per_user = self.view.sockets.max_operations
            if self.view.sockets.operations(self.session.user_id) >= per_user:
                raise TooManyOperations(f"At most {per_user} operations at once per user")
        except GatewayError as exc:
            return socket_error(exc)
        return None

    async def _recorded(
        self, results: AsyncGenerator[Any, None], context: Context
    ) -> AsyncGenerator[Any, None]:
        """``results``, handing the reads of each (the query's one, or each subscription
        event's: a context is renewed per event) to the access log once it is sent."""
        recorder = self.view.state.recorder
        async for result in results:
            try:
                yield result
            finally:
                recorder.record(context.reads)

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        """Strawberry's ``run_operation``, with a context of the operation's own in place
        of the socket's."""
        try:
            context = await self.fresh_context(cost=1)
        except Unauthenticated:
            self.operations.pop(operation.id, None)
            return  # the socket is closing with 4403
        except GatewayError as exc:
            await operation.send_operation_message(
                {"id": operation.id, "type": "error", "payload": [socket_error(exc)]}
            )
            return
        request_id_var.set(context.request_id)  # this task's log lines
        try:
            result_source = await self.schema.stream(
                operation.query,
                variable_values=operation.variables,
                context_value=context,
                root_value=self.root_value,
                operation_name=operation.operation_name,
            )
            recorded = self._recorded(result_source, context)
            async with aclosing(result_source), aclosing(recorded):
                await self._send_result_stream(operation, recorded)
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
        except _OperationStreamClosed:
            return
        except Exception as error:
            await self.handle_task_exception(error)
            with contextlib.suppress(Exception):
                await operation.send_operation_message({"id": operation.id, "type": "complete"})
            self.operations.pop(operation.id, None)
            raise
