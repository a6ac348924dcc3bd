"""What the client selected under the current field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from strawberry.types.nodes import SelectedField

from schema.context import Info


def selects(info: Info, name: str) -> bool:
    """Whether ``name`` is selected directly under this field (through fragments too)."""
    return any(_has(field.selections, name) for field in info.selected_fields)


def _has(selections: Iterable[Any], name: str) -> bool:
    for selection in selections:
        if isinstance(selection, SelectedField):
            if selection.name == name:
                return True
        elif _has(getattr(selection, "selections", ()), name):
            return True
    return False


def selects_only(info: Info, names: frozenset[str]) -> bool:
    """Whether every field selected under this field (through fragments too) is one of
    ``names``: e.g. only ``id``, which the parent row already holds."""
    return all(_within(field.selections, names) for field in info.selected_fields)


def _within(selections: Iterable[Any], names: frozenset[str]) -> bool:
    for selection in selections:
        if isinstance(selection, SelectedField):
            if selection.name not in names:
                return False
        elif not _within(getattr(selection, "selections", ()), names):
            return False
    return True
