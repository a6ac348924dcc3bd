"""Random queries over the whole schema, with arguments that find something: real ids of
the right type, page sizes up to the gateway's longest, and ``first`` spelled every way a
client may spell it (a literal, a variable given as an int or as a float such as
``2.0``, a variable left to its default, null, or nothing).

Every field of every type can be drawn, each under an alias (so the same field
may appear twice with other arguments), with inline fragments on interfaces and
unions; a field whose required arguments cannot be filled is left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
)
from hypothesis import strategies as st

Draw = st.DrawFn
MAX_DEPTH = 5
#: Which kind of global id an ID argument takes, by field and argument.
ID_KINDS: Mapping[tuple[str, str], str] = {
    ("company", "id"): "Company",
    ("customer", "id"): "Customer",
    ("partnership", "id"): "Partnership",
    ("dataLink", "id"): "DataLink",
    ("opportunity", "id"): "Opportunity",
    ("product", "id"): "Product",
    ("course", "id"): "Course",
    ("mdfRequest", "id"): "MdfRequest",
    ("accountOverlap", "partnershipId"): "Partnership",
    ("opportunities", "partnershipId"): "Partnership",
    ("network", "from"): "Company",
    ("partnerPath", "from"): "Company",
    ("partnerPath", "to"): "Company",
}
#: Federation entities and the kinds of id ``_entities`` can find them by.
ENTITIES = ("Company", "Customer", "Partnership", "Product", "User")
#: Left out: the SDL is one string.
SKIPPED = {("Query", "_service")}


class OperationBuilder:
    def __init__(
        self, draw: Draw, schema: GraphQLSchema, ids: Mapping[str, Sequence[str]], longest: int
    ) -> None:
        self.draw = draw
        self.schema = schema
        self.ids = ids
        self.longest = longest
        self.fields = 0
        self.definitions: list[str] = []
        self.variables: dict[str, Any] = {}

    def operation(self) -> tuple[str, dict[str, Any]]:
        root = self.schema.query_type
        assert root is not None
        names = [n for n in root.fields if ("Query", n) not in SKIPPED]
        picks = self.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3))
        body = " ".join(self.field(root, name, 1) for name in picks)
        definitions = f"({', '.join(self.definitions)})" if self.definitions else ""
        return f"query{definitions} {{ __typename {body} }}", self.variables

    # -- selections ------------------------------------------------------

    def field(self, parent: GraphQLObjectType | GraphQLInterfaceType, name: str, depth: int) -> str:
        definition = parent.fields[name]
        arguments = self.arguments(name, definition)
        if arguments is None:
            return ""
        self.fields += 1
        alias = f"f{self.fields}: {name}{arguments}"
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return alias
        return f"{alias} {{ {self.selection(named, depth + 1)} }}"

    def selection(self, named: GraphQLNamedType, depth: int) -> str:
        parts = ["__typename"]
        if depth > MAX_DEPTH:
            return parts[0]
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            # Objects are what is counted: mostly fields that return some.
            fields = sorted(named.fields)
            objects = [f for f in fields if not is_leaf_type(get_named_type(named.fields[f].type))]
            leaves = [f for f in fields if f not in objects]
            picks = self.draw(st.lists(st.sampled_from(leaves), max_size=1)) if leaves else []
            if objects:
                picks += self.draw(st.lists(st.sampled_from(objects), max_size=3, unique=True))
            parts += [self.field(named, f, depth) for f in picks]
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            possible = sorted(t.name for t in self.schema.get_possible_types(named))
            for type_name in self.draw(
                st.lists(st.sampled_from(possible), max_size=2, unique=True)
            ):
                on = self.schema.type_map[type_name]
                parts.append(f"... on {type_name} {{ {self.selection(on, depth)} }}")
        return " ".join(p for p in parts if p)

    # -- arguments -------------------------------------------------------

    def arguments(self, field: str, definition: GraphQLField) -> str | None:
        """The arguments to spell, or None when a required one cannot be filled."""
        spelled = []
        for name, argument in definition.args.items():
            value = self.argument(field, name, argument)
            if value is None:
                if isinstance(argument.type, GraphQLNonNull) and argument.default_value is None:
                    return None
                continue
            spelled.append(f"{name}: {value}")
        return f"({', '.join(spelled)})" if spelled else ""

    def argument(self, field: str, name: str, argument: GraphQLArgument) -> str | None:
        draw = self.draw
        if name == "first":
            return self.first()
        if name == "top":
            return draw(st.sampled_from([None, "1", "3"]))
        if name == "depth":
            return draw(st.sampled_from([None, "1", "2"]))
        if name == "ids":
            pool = self.every_id()
            ids = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4)) if pool else []
            return "[" + ", ".join(f'"{i}"' for i in ids) + "]"
        if name == "representations":
            return self.representations()
        if (field, name) == ("node", "id"):
            return f'"{draw(st.sampled_from(self.every_id()))}"' if self.every_id() else None
        kind = ID_KINDS.get((field, name))
        if kind is not None:
            required = isinstance(argument.type, GraphQLNonNull)
            if not self.ids.get(kind) or (not required and draw(st.booleans())):
                return None
            return f'"{draw(st.sampled_from(list(self.ids[kind])))}"'
        nullable = get_nullable_type(argument.type)
        if isinstance(nullable, GraphQLEnumType) and draw(st.booleans()):
            return str(draw(st.sampled_from(sorted(nullable.values))))
        return None

    def every_id(self) -> list[str]:
        return [i for kind in sorted(self.ids) for i in self.ids[kind]]

    def first(self) -> str | None:
        """``first`` as a client may spell it."""
        n = self.draw(st.integers(0, self.longest))
        how = self.draw(
            st.sampled_from(["absent", "literal", "null", "int", "float", "default", "default"])
        )
        if how == "absent":
            return None
        if how == "literal":
            return str(n)
        if how == "null":
            return "null"
        variable = f"n{len(self.definitions)}"
        if how == "default":  # declared with a default, and not sent
            self.definitions.append(f"${variable}: Int = {n}")
        else:
            self.definitions.append(f"${variable}: Int")
            self.variables[variable] = float(n) if how == "float" else n
        return f"${variable}"

    def representations(self) -> str:
        variable = f"r{len(self.definitions)}"
        kinds = [k for k in ENTITIES if self.ids.get(k)]
        picks = self.draw(st.lists(st.sampled_from(kinds), min_size=1, max_size=4)) if kinds else []
        self.definitions.append(f"${variable}: [_Any!]!")
        self.variables[variable] = [
            {"__typename": kind, "id": self.draw(st.sampled_from(list(self.ids[kind])))}
            for kind in picks
        ]
        return f"${variable}"


def count_objects(data: Any) -> int:
    """The objects in a response's ``data``, the root object left out."""

    def objects(value: Any) -> int:
        if isinstance(value, dict):
            return 1 + sum(objects(v) for v in value.values())
        if isinstance(value, list):
            return sum(objects(v) for v in value)
        return 0

    return objects(data) - 1 if isinstance(data, dict) else 0


@st.composite
def schema_operations(
    draw: Draw, schema: GraphQLSchema, ids: Mapping[str, Sequence[str]], longest: int
) -> tuple[str, dict[str, Any]]:
    """One random query and its variables; ``ids`` are global ids per type name."""
    return OperationBuilder(draw, schema, ids, longest).operation()
