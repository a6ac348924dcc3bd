"""Query limits, checked on the parsed document before authentication or any database work.

One walk over the operation measures depth, aliases, directives, root
fields and cost; fragments are followed (and a fragment cycle, which
validation would reject later, stops the walk). Cost counts one per field,
and a connection's ``first`` (or the default page size when absent)
multiplies the cost of what is under it, so a query that could return a
million rows costs what it could return, not what it spells.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)


@dataclass(frozen=True)
class Limits:
    max_depth: int = 15
    max_aliases: int = 15
    max_directives: int = 50
    max_tokens: int = 1000
    max_root_fields: int = 10
    max_cost: int = 5000
    default_first: int = 20


@dataclass
class _Measure:
    depth: int = 0
    aliases: int = 0
    directives: int = 0


class LimitExceeded(GraphQLError):
    """A refused operation: its own code, HTTP 400, before any database work."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, extensions={"code": code})


def check_limits(
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    limits: Limits,
) -> LimitExceeded | None:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    variables = variables or {}
    measure = _Measure()
    total_cost = 0
    for operation in operations:
        measure.directives += len(operation.directives or ())
        root_fields = _count_fields(operation.selection_set, fragments, set())
        if root_fields > limits.max_root_fields:
            return LimitExceeded(
                "TOO_MANY_ROOT_FIELDS",
                f"Operation has {root_fields} root fields; at most {limits.max_root_fields}",
            )
        total_cost += _walk(
            operation.selection_set, fragments, variables, limits, measure, 1, frozenset()
        )
    if measure.depth > limits.max_depth:
        return LimitExceeded(
            "QUERY_TOO_DEEP", f"Query depth {measure.depth} exceeds {limits.max_depth}"
        )
    if measure.aliases > limits.max_aliases:
        return LimitExceeded(
            "TOO_MANY_ALIASES", f"Query has {measure.aliases} aliases; at most {limits.max_aliases}"
        )
    if measure.directives > limits.max_directives:
        return LimitExceeded(
            "TOO_MANY_DIRECTIVES",
            f"Query has {measure.directives} directives; at most {limits.max_directives}",
        )
    if total_cost > limits.max_cost:
        return LimitExceeded(
            "QUERY_TOO_COMPLEX",
            f"Query cost {total_cost} exceeds {limits.max_cost} "
            "(each field costs 1; a connection's `first` multiplies what is under it)",
        )
    return None


def _count_fields(
    selection_set: SelectionSetNode, fragments: Mapping[str, FragmentDefinitionNode], seen: set[str]
) -> int:
    count = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            count += 1
        elif isinstance(selection, InlineFragmentNode):
            count += _count_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                count += _count_fields(fragments[name].selection_set, fragments, seen | {name})
    return count


def _walk(
    selection_set: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    limits: Limits,
    measure: _Measure,
    depth: int,
    visiting: frozenset[str],
) -> int:
    """Cost of a selection set at ``depth``; updates the depth, alias and directive counts."""
    cost = 0
    for selection in selection_set.selections:
        measure.directives += len(selection.directives or ())
        if isinstance(selection, FieldNode):
            measure.depth = max(measure.depth, depth)
            if selection.alias is not None:
                measure.aliases += 1
            field_cost = 1
            if selection.selection_set is not None:
                multiplier = _page_size(selection, variables, limits)
                field_cost += multiplier * _walk(
                    selection.selection_set,
                    fragments,
                    variables,
                    limits,
                    measure,
                    depth + 1,
                    visiting,
                )
            cost += field_cost
        elif isinstance(selection, InlineFragmentNode):
            cost += _walk(
                selection.selection_set, fragments, variables, limits, measure, depth, visiting
            )
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or name in visiting:
                continue  # validation reports unknown fragments and cycles
            measure.directives += len(fragment.directives or ())
            cost += _walk(
                fragment.selection_set,
                fragments,
                variables,
                limits,
                measure,
                depth,
                visiting | {name},
            )
    return cost


def _page_size(field: FieldNode, variables: Mapping[str, Any], limits: Limits) -> int:
    """``first`` of a connection field (or the default page size); 1 for any other field."""
    arguments = {a.name.value: a.value for a in field.arguments or ()}
    if "first" not in arguments:
        return limits.default_first if field.name.value in _CONNECTIONS else 1
    value = arguments["first"]
    if isinstance(value, IntValueNode):
        return max(int(value.value), 1)
    if isinstance(value, VariableNode):
        given = variables.get(value.name.value)
        return max(given, 1) if isinstance(given, int) else limits.default_first
    return limits.default_first


# Connection fields whose size is the default page size when `first` is absent.
_CONNECTIONS = frozenset(
    {"companies", "customers", "partnerships", "dataLinks", "contacts", "nodes"}
)
