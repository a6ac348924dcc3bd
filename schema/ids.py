"""Global ids: base64 of ``TypeName:graphId``, the strawberry.relay GlobalID format."""

from __future__ import annotations

import base64
import binascii

from graph import BadUserInput

NODE_TYPES = frozenset({"Company", "User", "Customer", "Partnership", "DataLink", "Contact"})
#: Node types added by an aggregate beyond the core contract.
NODE_TYPES = NODE_TYPES | {"Opportunity"}
NODE_TYPES = NODE_TYPES | {"Product", "Course"}
NODE_TYPES = NODE_TYPES | {"MdfRequest"}
NODE_TYPES = NODE_TYPES | {"ConsentProposal"}


def to_global_id(type_name: str, graph_id: str) -> str:
    return base64.b64encode(f"{type_name}:{graph_id}".encode()).decode()


def from_global_id(global_id: str, argument: str = "id") -> tuple[str, str]:
    """(type name, graph id); a malformed or unknown id is the client's error."""
    try:
        decoded = base64.b64decode(global_id.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise BadUserInput(f"Invalid global id {global_id!r}", argument=argument) from exc
    type_name, sep, graph_id = decoded.partition(":")
    if not sep or not graph_id or type_name not in NODE_TYPES:
        raise BadUserInput(f"Invalid global id {global_id!r}", argument=argument)
    return type_name, graph_id


def expect_global_id(global_id: str, type_name: str, argument: str = "id") -> str:
    """The graph id of a global id that must name ``type_name``."""
    actual, graph_id = from_global_id(global_id, argument)
    if actual != type_name:
        raise BadUserInput(f"Expected a {type_name} id, got a {actual} id", argument=argument)
    return graph_id
