"""The column mapping of one CRM's CSV export: a small TOML file (examples/import/).

```toml
source = "hubspot"            # namespaces the CRM's record ids
[customers]
file = "companies.csv"        # relative to the config file
id = "Record ID"              # the CRM's stable record id column
[customers.columns]           # graph property = CSV column (or a list, joined by a space)
name = "Company name"
[customers.values.segment]    # optional: CSV value = graph value
"Small business" = "SMB"
[contacts.references]         # a contact works at an imported customer (or company)
customer = "Associated Company ID"
```
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from graph.importing.fields import ENTITIES


class ConfigError(ValueError):
    """The mapping file or a CSV header does not fit: nothing is imported."""


@dataclass(frozen=True)
class EntityMapping:
    entity: str
    file: Path
    id_column: str
    #: graph property -> CSV columns (joined with a space when several).
    columns: Mapping[str, tuple[str, ...]]
    #: reference name (customer, company, partner) -> CSV column.
    references: Mapping[str, str] = field(default_factory=dict[str, str])
    #: graph property -> {CSV value: graph value}.
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict[str, Mapping[str, str]])

    def required_columns(self) -> list[str]:
        cols = [self.id_column, *(c for cs in self.columns.values() for c in cs)]
        return list(dict.fromkeys([*cols, *self.references.values()]))


@dataclass(frozen=True)
class ImportConfig:
    source: str
    mappings: tuple[EntityMapping, ...]
    delimiter: str = ","
    batch_size: int = 500
    digest: str = ""

    def entity_id(self, entity: str, company: str, external_id: str) -> str:
        """The graph id of a CRM record: stable across runs, so MERGE never duplicates.

        Every kind is scoped by the importing company: two tenants exporting from the
        same CRM get the same record ids, and one's ids must never lead to the other's
        nodes (partner organisations included).
        """
        spec = ENTITIES[entity]
        key = f"{self.source}\x1f{company}\x1f{entity}\x1f{external_id}".encode()
        return f"{spec.prefix}-{hashlib.sha256(key).hexdigest()[:16]}"


def load_config(path: Path) -> ImportConfig:
    raw_bytes = path.read_bytes()
    try:
        raw = tomllib.loads(raw_bytes.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    return parse_config(raw, path.parent, hashlib.sha256(raw_bytes).hexdigest())


def parse_config(raw: Mapping[str, Any], base: Path, digest: str = "") -> ImportConfig:
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ConfigError("'source' must name the CRM (it namespaces record ids)")
    unknown = sorted(set(raw) - {"source", "delimiter", "batch_size", *ENTITIES})
    if unknown:
        raise ConfigError(f"unknown keys {unknown}; entities are {sorted(ENTITIES)}")
    delimiter = raw.get("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise ConfigError("'delimiter' must be one character")
    batch_size = raw.get("batch_size", 500)
    if not isinstance(batch_size, int) or not 1 <= batch_size <= 10_000:
        raise ConfigError("'batch_size' must be between 1 and 10000")
    mappings = tuple(
        _mapping(name, raw[name], base) for name in ENTITIES if isinstance(raw.get(name), dict)
    )
    if not mappings:
        raise ConfigError(f"map at least one of {sorted(ENTITIES)}")
    return ImportConfig(source.strip(), mappings, delimiter, batch_size, digest)


def _mapping(name: str, raw: Mapping[str, Any], base: Path) -> EntityMapping:
    spec = ENTITIES[name]
    where = f"[{name}]"
    unknown = sorted(set(raw) - {"file", "id", "columns", "references", "values"})
    if unknown:
        raise ConfigError(f"{where}: unknown keys {unknown}")
    file, id_column = raw.get("file"), raw.get("id")
    if not isinstance(file, str) or not isinstance(id_column, str):
        raise ConfigError(f"{where}: needs 'file' and 'id' (the record id column)")
    columns: dict[str, tuple[str, ...]] = {}
    for prop, cols in dict(raw.get("columns") or {}).items():
        if prop in spec.refused:
            raise ConfigError(f"{where}.columns: {prop!r} cannot be imported: {spec.refused[prop]}")
        if prop not in spec.fields:
            raise ConfigError(f"{where}.columns: {prop!r} is not one of {sorted(spec.fields)}")
        names = (cols,) if isinstance(cols, str) else tuple(cols)
        if not names or not all(isinstance(c, str) and c for c in names):
            raise ConfigError(f"{where}.columns.{prop}: a column name or a list of them")
        columns[prop] = names
    missing = sorted(p for p, f in spec.fields.items() if f.required and p not in columns)
    if missing:
        raise ConfigError(f"{where}.columns: map the required {missing}")
    references = dict(raw.get("references") or {})
    for ref, col in references.items():
        if ref not in spec.references or not isinstance(col, str):
            raise ConfigError(
                f"{where}.references: {ref!r} is not one of {sorted(spec.references)}"
            )
    if spec.references and not references:
        raise ConfigError(f"{where}.references: map one of {sorted(spec.references)}")
    values: dict[str, dict[str, str]] = {}
    for prop, table in dict(raw.get("values") or {}).items():
        if prop not in columns or not _is_table(table):
            raise ConfigError(f"{where}.values: {prop!r} is not a mapped column")
        values[prop] = {str(k): str(v) for k, v in table.items()}
    return EntityMapping(name, _inside(base, file, where), id_column, columns, references, values)


def _is_table(value: object) -> TypeGuard[dict[object, object]]:
    """A TOML table, as a dict whose keys and values are still to be checked (``isinstance``
    alone narrows to a dict of unknown items, which strict pyright will not read)."""
    return isinstance(value, dict)


def _inside(base: Path, file: str, where: str) -> Path:
    """The CSV file, which must lie in the mapping file's folder (or below it).

    A tenant may hand in its mapping with its exports: it must not be able to
    read another tenant's files (a parent folder, an absolute path, a symlink
    pointing out) into its own company.
    """
    folder = base.resolve()
    path = (base / file).resolve()
    if not path.is_relative_to(folder):
        raise ConfigError(f"{where}: file {file!r} is outside the mapping file's folder")
    return path
