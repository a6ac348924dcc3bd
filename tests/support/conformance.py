"""Does a GraphQL response fit the schema for the operation that asked for it?

Checks what a client relies on: every selected field present under its
response key, scalars of their declared kind, enums among their values, lists
as lists, non-null fields not null unless an error explains it (a null
propagated from a failed field below), and every error carrying a code.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
)

_SCALARS: dict[str, tuple[type, ...]] = {
    "Int": (int,),
    "Float": (int, float),
    "String": (str,),
    "Boolean": (bool,),
    "ID": (str,),
    "DateTime": (str,),
}


def violations(schema: GraphQLSchema, document: DocumentNode, body: dict[str, Any]) -> list[str]:
    found: list[str] = []
    errors = body.get("errors") or []
    for error in errors:
        if not (error.get("extensions") or {}).get("code"):
            found.append(f"error without a code: {error}")
    error_paths = [tuple(e.get("path") or ()) for e in errors]
    data = body.get("data")
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    if data is None:
        if not errors:
            found.append("data is null without an error")
        return found
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    root = {"query": schema.query_type, "mutation": schema.mutation_type}.get(
        operation.operation.value
    )
    if root is None:
        return found
    checker = _Checker(schema, fragments, error_paths, found)
    checker.object(root, operation.selection_set, data, ())
    return found


class _Checker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        error_paths: list[tuple[Any, ...]],
        found: list[str],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.error_paths = error_paths
        self.found = found

    def explained(self, path: tuple[Any, ...]) -> bool:
        """A null here is fine if some error is at or below this path."""
        return any(p[: len(path)] == path for p in self.error_paths)

    def fields(self, parent: GraphQLObjectType, selection: SelectionSetNode) -> list[FieldNode]:
        out: list[FieldNode] = []
        for node in selection.selections:
            if isinstance(node, FieldNode):
                out.append(node)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition.name.value if node.type_condition else None
                if (
                    condition is None
                    or condition == parent.name
                    or self._implements(parent, condition)
                ):
                    out.extend(self.fields(parent, node.selection_set))
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.fragments[node.name.value]
                condition = fragment.type_condition.name.value
                if condition == parent.name or self._implements(parent, condition):
                    out.extend(self.fields(parent, fragment.selection_set))
        return out

    def _implements(self, parent: GraphQLObjectType, name: str) -> bool:
        return name in {i.name for i in parent.interfaces} or any(
            name == u.name
            for u in self.schema.type_map.values()
            if hasattr(u, "types") and parent in getattr(u, "types", ())
        )

    def object(
        self,
        parent: GraphQLObjectType,
        selection: SelectionSetNode,
        value: Any,
        path: tuple[Any, ...],
    ) -> None:
        if not isinstance(value, dict):
            self.found.append(f"{path}: expected an object, got {value!r}")
            return
        for field in self.fields(parent, selection):
            key = field.alias.value if field.alias else field.name.value
            if field.name.value == "__typename":
                if value.get(key) != parent.name:
                    self.found.append(f"{path}: __typename {value.get(key)!r} != {parent.name}")
                continue
            definition = parent.fields.get(field.name.value)
            if definition is None:
                continue  # introspection fields and the like
            if key not in value:
                self.found.append(f"{(*path, key)}: missing")
                continue
            self.value(definition.type, field, value[key], (*path, key))

    def value(
        self, kind: GraphQLOutputType, field: FieldNode, value: Any, path: tuple[Any, ...]
    ) -> None:
        if isinstance(kind, GraphQLNonNull):
            if value is None:
                if not self.explained(path):
                    self.found.append(f"{path}: null in a non-null field, no error")
                return
            kind = kind.of_type
        if value is None:
            return
        if isinstance(kind, GraphQLList):
            if not isinstance(value, list):
                self.found.append(f"{path}: expected a list")
                return
            for index, item in enumerate(value):
                self.value(kind.of_type, field, item, (*path, index))
            return
        named = get_named_type(kind)
        if isinstance(named, GraphQLScalarType):
            allowed = _SCALARS.get(named.name)
            ok = allowed is None or (
                isinstance(value, allowed) and not (bool in allowed) ^ isinstance(value, bool)
            )
            if not ok:
                self.found.append(f"{path}: {value!r} is not a {named.name}")
        elif isinstance(named, GraphQLEnumType):
            if value not in named.values:
                self.found.append(f"{path}: {value!r} is not a {named.name}")
        elif field.selection_set is not None:
            if is_abstract_type(named):
                concrete = self.schema.get_type(str(value.get("__typename", "")))
                if isinstance(concrete, GraphQLObjectType):
                    self.object(concrete, field.selection_set, value, path)
            elif isinstance(named, GraphQLObjectType):
                self.object(named, field.selection_set, value, path)
