"""graphql-transport-ws with the same admission as HTTP: limits and the rate limit.

Over a WebSocket, a client may send any operation (queries and mutations too)
after connection_init; each ``subscribe`` message is checked here like an HTTP
request body before Strawberry runs it, and refused with an ``error`` message
carrying the same code.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from graphql import GraphQLFormattedError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ErrorMessage,
    SubscribeMessage,
)

from gateway.admission import Refused, admit_operation
from schema import Context

if TYPE_CHECKING:
    from gateway.graphql_view import GraphQLEndpoint


class AdmittedTransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    view: GraphQLEndpoint

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged:
            refusal = self._refusal(message.get("payload"))
            if refusal is not None:
                error: ErrorMessage = {"id": message["id"], "type": "error", "payload": [refusal]}
                await self.send_message(error)
                return
        await super().handle_subscribe(message)

    def _refusal(self, payload: Any) -> GraphQLFormattedError | None:
        state = self.view.state
        try:
            admitted = admit_operation(
                payload, state.limits, state.settings.max_body_bytes, state.persisted
            )
        except Refused as exc:
            return {"message": exc.message, "extensions": {"code": exc.code}}
        payload["query"] = admitted.query  # a persisted query runs by its text
        retry_after = state.rate_limiter.acquire(self.context.viewer.user_id)
        if retry_after:
            return {
                "message": "Too many requests; slow down",
                "extensions": {"code": "RATE_LIMITED", "retryAfter": math.ceil(retry_after)},
            }
        return None
