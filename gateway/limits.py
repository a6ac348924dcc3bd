"""Query limits, checked on the parsed document before authentication or any database work.

One walk over the operation measures depth, aliases, directives, root
fields and cost; fragments are followed (and a fragment cycle, which
validation would reject later, stops the walk). Cost counts one per field,
and a list field multiplies the cost of what is under it by the most items it
can return, its cap (``schema/caps.py``): a connection's ``edges`` by its
``first`` (the default page size when absent), ``nodes(ids:)`` by its ids, the
network's nodes by ``PRM_MAX_FIRST``... Arguments are read as execution will
read them: variables coerced (``100.0`` is 100) and defaults applied, and one
that cannot be read is priced at its maximum. So the cost bounds the objects
the operation can return in ``data``: a query that could return a million
rows costs what it could return, not what it spells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sized
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values

from gateway.errors import (
    QueryTooComplex,
    QueryTooDeep,
    TooManyAliases,
    TooManyDirectives,
    TooManyRootFields,
)
from graph import DEFAULT_FIRST, MAX_FIRST, GatewayError
from schema import build_schema
from schema.caps import Argument, Cap, Fixed, Length, caps_of


@dataclass(frozen=True)
class Limits:
    max_depth: int = 15
    max_aliases: int = 15
    max_directives: int = 50
    max_tokens: int = 1000
    max_root_fields: int = 10
    max_cost: int = 5000
    default_first: int = DEFAULT_FIRST
    #: The longest page, and the cap of every list whose length the data decides.
    max_first: int = MAX_FIRST
    #: The schema whose list caps price the cost; None: the project's own.
    schema: GraphQLSchema | None = field(default=None, compare=False, repr=False)


@dataclass
class Measure:
    depth: int = 0
    aliases: int = 0
    directives: int = 0
    root_fields: int = 0
    cost: int = 0


def check_limits(
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    limits: Limits,
) -> GatewayError | None:
    """The first limit the operation exceeds, as the error that refuses it (HTTP 400,
    before any database work); None when it is within them all."""
    measure = measure_operation(document, operation_name, variables, limits)
    if measure.root_fields > limits.max_root_fields:
        return TooManyRootFields(
            f"Operation has {measure.root_fields} root fields; at most {limits.max_root_fields}",
        )
    if measure.depth > limits.max_depth:
        return QueryTooDeep(f"Query depth {measure.depth} exceeds {limits.max_depth}")
    if measure.aliases > limits.max_aliases:
        return TooManyAliases(f"Query has {measure.aliases} aliases; at most {limits.max_aliases}")
    if measure.directives > limits.max_directives:
        return TooManyDirectives(
            f"Query has {measure.directives} directives; at most {limits.max_directives}",
        )
    if measure.cost > limits.max_cost:
        return QueryTooComplex(
            f"Query cost {measure.cost} exceeds {limits.max_cost} "
            "(each field costs 1; a list multiplies what is under it by the most items "
            "it can return: a connection by its `first`)",
        )
    return None


def measure_operation(
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    limits: Limits,
) -> Measure:
    """Depth, aliases, directives, the most root fields of one operation, and the cost
    (of every operation the document holds, when ``operation_name`` names none)."""
    schema = limits.schema or _project_schema()
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    measure = Measure()
    for operation in operations:
        measure.directives += len(operation.directives or ())
        measure.root_fields = max(
            measure.root_fields, _count_fields(operation.selection_set, fragments, set())
        )
        coerced = get_variable_values(
            schema, operation.variable_definitions or [], dict(variables or {})
        )
        walk = _Walk(
            schema,
            caps_of(schema),
            fragments,
            coerced if isinstance(coerced, VariableValues) else None,
            limits,
            measure,
        )
        root = schema.get_root_type(operation.operation)
        measure.cost += walk.cost(operation.selection_set, root, {}, 1, frozenset())
    return measure


@cache
def _project_schema() -> GraphQLSchema:
    return build_schema()._schema


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


@dataclass
class _Walk:
    schema: GraphQLSchema
    caps: Mapping[tuple[str, str], Cap]
    fragments: Mapping[str, FragmentDefinitionNode]
    #: The operation's variables as execution coerces them; None if they cannot be.
    variables: VariableValues | None
    limits: Limits
    measure: Measure

    def cost(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType | None,
        parent_arguments: Mapping[str, Any] | None,
        depth: int,
        visiting: frozenset[str],
    ) -> int:
        """Cost of a selection set at ``depth`` on type ``parent`` (None if unknown),
        under the field that returned it with ``parent_arguments``; updates the depth,
        alias and directive counts."""
        measure = self.measure
        cost = 0
        for selection in selection_set.selections:
            measure.directives += len(selection.directives or ())
            if isinstance(selection, FieldNode):
                measure.depth = max(measure.depth, depth)
                if selection.alias is not None:
                    measure.aliases += 1
                definition = _field(parent, selection.name.value)
                field_cost = 1
                if selection.selection_set is not None:
                    arguments = self._arguments(definition, selection)
                    multiplier = self._most_items(
                        parent, selection.name.value, definition, arguments, parent_arguments
                    )
                    field_cost += multiplier * self.cost(
                        selection.selection_set,
                        get_named_type(definition.type) if definition else None,
                        arguments,
                        depth + 1,
                        visiting,
                    )
                cost += field_cost
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = self.schema.get_type(condition.name.value) if condition else parent
                cost += self.cost(selection.selection_set, on, parent_arguments, depth, visiting)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in visiting:
                    continue  # validation reports unknown fragments and cycles
                measure.directives += len(fragment.directives or ())
                cost += self.cost(
                    fragment.selection_set,
                    self.schema.get_type(fragment.type_condition.name.value),
                    parent_arguments,
                    depth,
                    visiting | {name},
                )
        return cost

    def _arguments(
        self, definition: GraphQLField | None, node: FieldNode
    ) -> Mapping[str, Any] | None:
        """The field's arguments as execution will read them; None if they cannot be read
        (execution will then refuse the operation, which is priced at its maximum)."""
        if definition is None or not definition.args:
            return {}
        if self.variables is None and any(_has_variable(a.value) for a in node.arguments or ()):
            return None
        try:
            return get_argument_values(definition, node, self.variables)
        except GraphQLError:
            return None

    def _most_items(
        self,
        parent: GraphQLNamedType | None,
        name: str,
        definition: GraphQLField | None,
        arguments: Mapping[str, Any] | None,
        parent_arguments: Mapping[str, Any] | None,
    ) -> int:
        """The most items field ``name`` can return: its cap, 1 for a field that is no list."""
        if parent is None or definition is None:
            return 1  # unknown (validation refuses it), __typename or introspection
        cap = self.caps.get((parent.name, name))
        longest = self.limits.max_first
        if cap is None:
            # A list schema/caps.py does not know (tests/unit/test_limits.py forbids it).
            return longest if isinstance(get_nullable_type(definition.type), GraphQLList) else 1
        if isinstance(cap, Fixed):
            return cap.n
        if isinstance(cap, Length):
            given = arguments.get(cap.name) if arguments is not None else None
            return min(len(given), cap.maximum) if isinstance(given, Sized) else cap.maximum
        if isinstance(cap, Argument):
            maximum = cap.maximum if cap.maximum is not None else longest
            source = parent_arguments if cap.of_parent else arguments
            if source is None:
                return maximum
            value = source.get(cap.name)
            if value is None:
                return min(self.limits.default_first, maximum)
            # Beyond the maximum, execution refuses it (BAD_USER_INPUT): nothing returned.
            return max(0, min(value, maximum)) if isinstance(value, int) else maximum
        return longest


def _field(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        found: GraphQLField | None = parent.fields.get(name)
        return found
    return None


def _has_variable(value: ValueNode) -> bool:
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(_has_variable(v) for v in value.values)
    if isinstance(value, ObjectValueNode):
        return any(_has_variable(f.value) for f in value.fields)
    return False
