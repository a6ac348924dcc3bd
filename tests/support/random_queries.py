"""Random GraphQL operations that reach customers (and what guards them) by every path.

A strategy draws a selection tree over the schema's paths to objects: root
lists and lookups, ``node``/``nodes``, companies → customers, partnerships →
data links → customers, deals → customer, a customer's owner, and back again,
with random aliases, page sizes and field subsets. Every object selects its
``__typename`` and ``id``, so a checker can find each one in the response and
compare it with the reference, wherever it appears.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from tests.support.customers import SCALAR_FIELDS, gid

Draw = st.DrawFn
MAX_DEPTH = 4


class QueryBuilder:
    def __init__(self, draw: Draw, ids: dict[str, list[str]]) -> None:
        self.draw = draw
        self.ids = ids
        self.aliases = 0

    def alias(self, field: str) -> str:
        """Sometimes an alias, so the same field can appear twice with other arguments."""
        if self.draw(st.booleans()):
            self.aliases += 1
            return f"a{self.aliases}: {field}"
        return field

    def first(self) -> int:
        return int(self.draw(st.sampled_from([1, 2, 5, 100])))

    def some_id(self, type_name: str, kind: str) -> str:
        pool = self.ids.get(kind) or ["nothing-here"]
        return gid(type_name, self.draw(st.sampled_from(pool)))

    def branch(self, depth: int, options: list[Callable[[int], str]]) -> str:
        if depth >= MAX_DEPTH:
            return ""
        # Distinct options: the same field twice, unaliased, with other arguments is
        # a validation error ("fields conflict"), not an interesting case.
        picks = self.draw(
            st.lists(st.integers(0, len(options) - 1), min_size=1, max_size=2, unique=True)
        )
        return " ".join(options[i](depth + 1) for i in picks)

    # -- objects -------------------------------------------------------------

    def customer(self, depth: int) -> str:
        fields = self.draw(
            st.lists(st.sampled_from(SCALAR_FIELDS), unique=True, min_size=4, max_size=11)
        )
        extra = ""
        if self.draw(st.booleans()):
            extra += " access { level groups }"
        if depth < MAX_DEPTH and self.draw(st.integers(0, 3)) == 0:
            extra += f" owner {{ {self.company(depth + 1)} }}"
        return "__typename id " + " ".join(fields) + extra

    def customers(self, depth: int) -> str:
        return (
            f"{self.alias('customers')}(first: {self.first()}) "
            f"{{ totalCount edges {{ node {{ {self.customer(depth)} }} }} }}"
        )

    def company(self, depth: int) -> str:
        inner = self.branch(
            depth,
            [
                self.customers,
                lambda d: (
                    f"{self.alias('partnerships')}(first: {self.first()}) "
                    f"{{ edges {{ node {{ {self.partnership(d)} }} }} }}"
                ),
            ],
        )
        return f"__typename id {inner}"

    def partnership(self, depth: int) -> str:
        inner = self.branch(
            depth,
            [
                lambda d: f"{self.alias('vendor')} {{ {self.company(d)} }}",
                lambda d: f"{self.alias('partner')} {{ {self.company(d)} }}",
                lambda d: (
                    f"{self.alias('dataLinks')}(first: {self.first()}) "
                    f"{{ edges {{ node {{ {self.data_link(d)} }} }} }}"
                ),
            ],
        )
        return f"__typename id tier {inner}"

    def data_link(self, depth: int) -> str:
        inner = self.branch(
            depth,
            [
                self.customers,
                lambda d: f"{self.alias('owner')} {{ {self.company(d)} }}",
                lambda d: f"{self.alias('partnership')} {{ {self.partnership(d)} }}",
            ],
        )
        return f"__typename id {inner}"

    def opportunity(self, depth: int) -> str:
        inner = self.branch(
            depth,
            [
                lambda d: f"{self.alias('customer')} {{ {self.customer(d)} }}",
                lambda d: f"{self.alias('partnership')} {{ {self.partnership(d)} }}",
            ],
        )
        return f"__typename id status {inner}"

    # -- roots ---------------------------------------------------------------

    def root(self) -> str:
        options: list[Callable[[], str]] = [
            lambda: self.customers(0),
            lambda: (
                f'{self.alias("customer")}(id: "{self.some_id("Customer", "customers")}") '
                f"{{ {self.customer(0)} }}"
            ),
            lambda: (
                f'{self.alias("node")}(id: "{self.some_id("Customer", "customers")}") '
                f"{{ ... on Customer {{ {self.customer(0)} }} }}"
            ),
            lambda: (
                f'{self.alias("nodes")}(ids: ["{self.some_id("Customer", "customers")}", '
                f'"{self.some_id("Customer", "customers")}"]) '
                f"{{ ... on Customer {{ {self.customer(0)} }} }}"
            ),
            lambda: (
                f"{self.alias('companies')}(first: {self.first()}) "
                f"{{ edges {{ node {{ {self.company(0)} }} }} }}"
            ),
            lambda: (
                f'{self.alias("company")}(id: "{self.some_id("Company", "companies")}") '
                f"{{ {self.company(0)} }}"
            ),
            lambda: f"{self.alias('viewer')} {{ company {{ {self.company(0)} }} }}",
            lambda: (
                f"{self.alias('partnership')}"
                f'(id: "{self.some_id("Partnership", "partnerships")}") '
                f"{{ {self.partnership(0)} }}"
            ),
            lambda: (
                f'{self.alias("dataLink")}(id: "{self.some_id("DataLink", "links")}") '
                f"{{ {self.data_link(0)} }}"
            ),
            lambda: (
                f"{self.alias('dataLinks')}(direction: ALL) "
                f"{{ edges {{ node {{ {self.data_link(0)} }} }} }}"
            ),
            lambda: (
                f"{self.alias('opportunities')}(first: {self.first()}) "
                f"{{ edges {{ node {{ {self.opportunity(0)} }} }} }}"
            ),
        ]
        picks = self.draw(
            st.lists(st.integers(0, len(options) - 1), min_size=1, max_size=3, unique=True)
        )
        return "{ " + " ".join(options[i]() for i in picks) + " }"


@st.composite
def operations(draw: Draw, ids: dict[str, list[str]]) -> str:
    """One random operation; ``ids`` per kind feeds the lookups (visible or not)."""
    return QueryBuilder(draw, ids).root()
