"""Running an import: read, validate, write in batches, remember how far it got.

- Every row is checked before anything is written; a bad row is reported
  with its file and line and skipped, never half-written.
- Each batch is one write transaction (all of its rows or none) that MERGEs
  on ids derived from the CRM's record ids: a re-run creates no duplicates.
- A customer whose account was erased from the importing company (its tombstone,
  graph/commands/erasures.py) is skipped and reported, unless ``force``: then it
  is imported and its tombstone removed, in the batch's transaction.
- After each committed batch a checkpoint file records the last line done;
  an interrupted import run again continues after it (``restart`` ignores
  it). A finished import deletes its checkpoint.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from graph.commands.erasures import DEV_ERASURE_KEY, tombstone_id
from graph.driver import Database, WriteTx
from graph.importing.config import ConfigError, EntityMapping, ImportConfig
from graph.importing.fields import ENTITIES, InvalidValue
from graph.queries.erasures import TOMBSTONES_FOUND_QUERY, TOMBSTONES_REMOVED_QUERY
from graph.queries.imports import COMPANY_EXISTS_QUERY
from policy import account_key


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    message: str
    column: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return (
            f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


@dataclass
class ImportReport:
    #: Rows written by this run, by entity.
    written: dict[str, int] = field(default_factory=dict[str, int])
    #: Partnership rows whose partnership exists already: import never changes one.
    unchanged: dict[str, int] = field(default_factory=dict[str, int])
    #: Every bad row of the import, earlier interrupted runs included.
    errors: list[RowError] = field(default_factory=list[RowError])
    #: Where this run took over from a checkpoint: entity -> last line already done.
    resumed_from: dict[str, int] = field(default_factory=dict[str, int])
    #: Customers of erased accounts imported again (``force``): their tombstones went.
    readmitted: int = 0


@dataclass
class _Row:
    line: int
    params: dict[str, Any]
    #: What a reference named in the CSV, for the message if it does not exist.
    refers_to: str = ""


class Checkpoint:
    def __init__(self, path: Path | None, digest: str) -> None:
        self.path = path
        self.digest = digest
        self.done: dict[str, int] = {}
        self.errors: list[RowError] = []

    @classmethod
    def open(cls, path: Path | None, digest: str, restart: bool) -> Checkpoint:
        checkpoint = cls(path, digest)
        if path is None or restart or not path.exists():
            return checkpoint
        saved = json.loads(path.read_text())
        if saved.get("digest") != digest:
            raise ConfigError(
                f"{path} belongs to an import of other files or another company; "
                "remove it or pass --restart"
            )
        checkpoint.done = {str(k): int(v) for k, v in saved.get("done", {}).items()}
        checkpoint.errors = [RowError(**e) for e in saved.get("errors", [])]
        return checkpoint

    def save(self) -> None:
        if self.path is None:
            return
        body = {
            "digest": self.digest,
            "done": self.done,
            "errors": [asdict(e) for e in self.errors],
        }
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(body, indent=1))
        os.replace(temporary, self.path)  # atomic: never a torn checkpoint

    def finish(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def _digest(config: ImportConfig, company: str) -> str:
    h = hashlib.sha256(f"{config.digest}\x1f{company}".encode())
    for mapping in config.mappings:
        h.update(mapping.entity.encode())
        with mapping.file.open("rb") as file:
            for chunk in iter(lambda: file.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def _records(mapping: EntityMapping, delimiter: str) -> Iterator[tuple[int, dict[str, str] | str]]:
    """(line, cells by column) per data row, or (line, problem) for a malformed one."""
    with mapping.file.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file, delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            return
        header = [h.strip() for h in header]
        missing = [c for c in mapping.required_columns() if c not in header]
        if missing:
            raise ConfigError(f"{mapping.file.name}: no column(s) {missing} in the header")
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield line, f"unreadable CSV: {exc}"
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                yield line, f"{len(cells)} cells where the header has {len(header)}"
                continue
            yield line, dict(zip(header, cells, strict=True))


def _count(mapping: EntityMapping, delimiter: str) -> int:
    with mapping.file.open(encoding="utf-8-sig", newline="") as file:
        return max(0, sum(1 for _ in csv.reader(file, delimiter=delimiter)) - 1)


def _first(value: str) -> str:
    # CRMs export several associations in one cell ("123;456"): the first one counts.
    return value.split(";")[0].strip()


def parse_row(
    mapping: EntityMapping,
    config: ImportConfig,
    company: str,
    line: int,
    cells: Mapping[str, str],
) -> tuple[_Row | None, list[RowError]]:
    """A validated row ready for its statement, or the reasons it is refused."""
    spec = ENTITIES[mapping.entity]
    name = mapping.file.name
    errors: list[RowError] = []
    external = cells[mapping.id_column].strip()
    if not external:
        errors.append(RowError(name, line, "the record id is empty", mapping.id_column))
    props: dict[str, Any] = {}
    for prop, columns in mapping.columns.items():
        raw = " ".join(cells[c].strip() for c in columns if cells[c].strip())
        raw = mapping.values.get(prop, {}).get(raw, raw)
        field = spec.fields[prop]
        if not raw:
            if field.required:
                errors.append(RowError(name, line, f"{prop} is required", "+".join(columns)))
            continue
        try:
            props[prop] = field.parse(raw)
        except InvalidValue as exc:
            errors.append(RowError(name, line, f"{prop}: {exc}", "+".join(columns)))
    params: dict[str, Any] = {"line": line, "props": props}
    refers_to = ""
    if spec.references:
        params.update(dict.fromkeys(spec.references))
        given = [(r, _first(cells[c])) for r, c in mapping.references.items() if _first(cells[c])]
        if not given:
            where = ", ".join(mapping.references.values())
            errors.append(RowError(name, line, f"no {' or '.join(mapping.references)}", where))
        else:
            ref, value = given[0]
            target = spec.references[ref]
            if target == "companies" and value.startswith("co-"):
                # An existing company by its graph id: the statement decides whether the
                # importing company may use it (a contact's company never is another tenant).
                params[ref] = value
            else:
                params[ref] = config.entity_id(target, company, value)
            refers_to = f"{ref} {value!r}"
    if errors:
        return None, errors
    params["id"] = config.entity_id(mapping.entity, company, external)
    props.update(source=config.source, externalId=external)
    return _Row(line, params, refers_to), []


async def run_import(
    db: Database,
    config: ImportConfig,
    company: str,
    *,
    checkpoint: Path | None = None,
    restart: bool = False,
    progress: bool = False,
    on_batch: Callable[[str, int], None] | None = None,
    erasure_key: str = DEV_ERASURE_KEY,
    force: bool = False,
) -> ImportReport:
    """Import every mapped file in dependency order for ``company``, the importing
    company: every record id is scoped by it, and no row reaches another company's
    data (see graph/queries/imports.py)."""
    if not company:
        raise ConfigError("name the importing company (--company co-...)")
    if not await db.read(COMPANY_EXISTS_QUERY, {"company": company}):
        raise ConfigError(f"the importing company {company!r} does not exist")
    for mapping in config.mappings:  # every header before any write
        next(_records(mapping, config.delimiter), None)
    state = Checkpoint.open(checkpoint, _digest(config, company), restart)
    run = _Run(db, config, company, state, on_batch, _Tombstones(erasure_key.encode(), force))
    total = sum(_count(m, config.delimiter) for m in config.mappings)
    with tqdm(total=total, unit="row", desc="import", disable=not progress) as bar:
        for mapping in config.mappings:
            await run.entity(mapping, bar)
    state.finish()
    return run.report


class _Run:
    def __init__(
        self,
        db: Database,
        config: ImportConfig,
        company: str,
        state: Checkpoint,
        on_batch: Callable[[str, int], None] | None,
        tombstones: _Tombstones,
    ) -> None:
        self.tombstones = tombstones
        self.db = db
        self.config = config
        self.company = company
        self.state = state
        self.on_batch = on_batch
        self.report = ImportReport(errors=list(state.errors), resumed_from=dict(state.done))

    async def entity(self, mapping: EntityMapping, bar: Any) -> None:
        done = self.state.done.get(mapping.entity, 0)
        self.report.written[mapping.entity] = 0
        batch: list[_Row] = []
        errors: list[RowError] = []
        seen: dict[str, int] = {}
        # One partnership per partner and file: two rows for one partner in one batch
        # would both pass the statement's check for a live partnership.
        partners: dict[str, int] = {}
        last = done
        for line, cells in _records(mapping, self.config.delimiter):
            bar.update(1)
            if line <= done:
                continue
            last = line
            if isinstance(cells, str):
                errors.append(RowError(mapping.file.name, line, cells))
                continue
            row, problems = parse_row(mapping, self.config, self.company, line, cells)
            if row is not None and row.params["id"] in seen:
                first = seen[row.params["id"]]
                problems = [RowError(mapping.file.name, line, f"same record id as line {first}")]
                row = None
            partner = row.params.get("partner") if row is not None else None
            if partner is not None and partner in partners:
                first = partners[partner]
                problems = [RowError(mapping.file.name, line, f"same partner as line {first}")]
                row = None
            if row is None:
                errors.extend(problems)
                continue
            seen[row.params["id"]] = line
            if partner is not None:
                partners[partner] = line
            batch.append(row)
            if len(batch) >= self.config.batch_size:
                await self._flush(mapping, batch, errors, line)
                batch, errors = [], []
        if batch or errors or last > done:
            await self._flush(mapping, batch, errors, last)

    async def _flush(
        self, mapping: EntityMapping, batch: list[_Row], errors: list[RowError], last_line: int
    ) -> None:
        outcomes = await _write(self.db, mapping.entity, self.company, batch, self.tombstones)
        self.report.readmitted += sum(1 for r in batch if outcomes.get(r.line) == "readmitted")
        written = unchanged = 0
        for row in batch:
            outcome = outcomes.get(row.line, "missing")
            if outcome in ("written", "readmitted"):
                written += 1
            elif outcome == "unchanged":
                unchanged += 1
            else:
                message = _SKIPPED[outcome].format(ref=row.refers_to)
                errors.append(RowError(mapping.file.name, row.line, message))
        errors.sort(key=lambda e: e.line)
        self.report.written[mapping.entity] += written
        if unchanged:
            count = self.report.unchanged.get(mapping.entity, 0)
            self.report.unchanged[mapping.entity] = count + unchanged
        self.report.errors.extend(errors)
        self.state.errors.extend(errors)
        self.state.done[mapping.entity] = last_line
        self.state.save()
        if self.on_batch is not None:
            self.on_batch(mapping.entity, last_line)


#: Why a statement wrote nothing of a row (graph/queries/imports.py), as the report says it.
#: ``missing`` reads the same for another tenant's company as for none at all.
_SKIPPED = {
    "missing": "{ref} does not exist; row skipped",
    "taken": "the record id leads to data the importing company did not import; row skipped",
    "other_partner": "the record id already names a partnership with another partner; row skipped",
    "erased": "the account was erased from the importing company (docs/privacy.md); row "
    "skipped; --force imports it again",
    "live": "{ref} already has a partnership with the importing company that has not ended; "
    "row skipped",
}


@dataclass(frozen=True)
class _Tombstones:
    """How the import meets erased accounts: the erasure key, and whether to readmit them."""

    key: bytes
    force: bool

    def of(self, company: str, row: _Row) -> str:
        customer = str(row.params["id"])
        return tombstone_id(
            self.key, company, account_key(customer, row.params["props"].get("domain"))
        )


async def _write(
    db: Database, entity: str, company: str, rows: list[_Row], tombstones: _Tombstones
) -> dict[int, str]:
    """One write transaction for the batch; each line's outcome."""
    if not rows:
        return {}
    query = ENTITIES[entity].query
    marks = {r.line: tombstones.of(company, r) for r in rows} if entity == "customers" else {}

    async def work(tx: WriteTx) -> dict[int, str]:
        erased: set[str] = set()
        if marks:
            found = await tx.run(TOMBSTONES_FOUND_QUERY, {"ids": sorted(set(marks.values()))})
            erased = set(found[0]["found"])
        held = {line for line, mark in marks.items() if mark in erased}
        outcomes: dict[int, str] = {}
        if held and tombstones.force:
            await tx.run(TOMBSTONES_REMOVED_QUERY, {"ids": sorted(erased)})
        elif held:
            outcomes = dict.fromkeys(held, "erased")
        todo = [r.params for r in rows if r.line not in outcomes]
        if todo:
            params = {"rows": todo, "company": company}
            for r in await tx.run(query, params):
                line = int(r["line"])
                written = r["outcome"] == "written" and line in held
                outcomes[line] = "readmitted" if written else str(r["outcome"])
        return outcomes

    return await db.transaction(work)
