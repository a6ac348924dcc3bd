"""What the client selected under the current field."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from strawberry.types.nodes import SelectedField

from schema.context import Info


def selects(info: Info, name: str) -> bool:
    """Whether ``name`` is selected directly under this field (through fragments too)."""
    return any(n == name for n in _selected_names(info))


def selects_only(info: Info, names: frozenset[str]) -> bool:
    """Whether every field selected under this field (through fragments too) is one of
    ``names``: e.g. only ``id``, which the parent row already holds."""
    return all(n in names for n in _selected_names(info))


def _selected_names(info: Info) -> Iterator[str]:
    for field in info.selected_fields:
        yield from _names(field.selections)


def _names(selections: Iterable[Any]) -> Iterator[str]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection.name
        else:  # a fragment spread or an inline fragment
            yield from _names(getattr(selection, "selections", ()))
