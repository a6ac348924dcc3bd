"""``prm``: the one command-line entry point (serve, migrate, seed, tokens, schema, neo4j,
import, export, erase, sweeps)."""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gateway.settings import Settings, SettingsError
from gateway.spreadsheet import safe_row

if TYPE_CHECKING:
    from gateway.export import Format
    from graph.importing import RowError


async def _migrate(settings: Settings) -> int:
    from graph import Database, migrate

    db = Database(settings.db)
    try:
        count = await migrate(db)
    finally:
        await db.close()
    print(f"migrations applied: {count} statements")
    return 0


async def _seed(settings: Settings, scale: float, seed: int, if_empty: bool) -> int:
    from graph import Database, migrate
    from graph.generator.loader import count_companies, load, wipe
    from graph.generator.synthetic import generate

    db = Database(settings.db)
    try:
        await migrate(db)
        companies = await count_companies(db)
        if if_empty and companies > 0:
            print(f"graph already has {companies} companies; not seeding (use `prm seed`)")
            return 0
        started = time.perf_counter()
        data = generate(scale, seed)
        print(f"generated scale {scale} seed {seed} in {time.perf_counter() - started:.1f}s")
        await wipe(db)
        started = time.perf_counter()
        await load(db, data, progress=True)
        counts = ", ".join(f"{k}={v}" for k, v in data.counts().items())
        print(f"loaded in {time.perf_counter() - started:.1f}s: {counts}")
    finally:
        await db.close()
    return 0


async def _sweep_deals(settings: Settings) -> int:
    from graph import Database
    from graph.commands import sweep_expired_deals, sweep_expired_proposals

    db = Database(settings.db)
    try:
        expired = await sweep_expired_deals(db)
        proposals = await sweep_expired_proposals(db)
    finally:
        await db.close()
    print(f"deal registrations expired: {expired}")
    print(f"consent proposals expired: {proposals}")
    return 0


async def _export(
    settings: Settings, user_id: str, fmt: Format, out: str, owner: str | None, page_size: int
) -> int:
    from gateway.export import encoded, visible_customers
    from graph import CursorCodec, Database, ReadRecorder, load_viewer
    from policy import load_policy

    policy = load_policy(settings.policy_file)
    db = Database(settings.db)
    # An export by the operator on a user's behalf is that user's read all the same.
    recorder = ReadRecorder(db)
    count = 0
    try:
        viewer = await load_viewer(db, user_id, policy)
        codec = CursorCodec(settings.cursor_secret.encode())
        records = visible_customers(
            db, viewer, policy, codec, recorder, owner=owner, page_size=page_size
        )

        async def counted() -> AsyncIterator[dict[str, Any]]:
            nonlocal count
            async for record in records:
                count += 1
                yield record

        with open(out, "w", encoding="utf-8", newline="") as file:  # noqa: ASYNC230 - a CLI: nothing else waits on this loop
            async for chunk in encoded(counted(), fmt):
                file.write(chunk)
    finally:
        await recorder.close()
        await db.close()
    print(f"exported {count} customers visible to {user_id} to {out}", file=sys.stderr)
    return 0


async def _sweep_audit(settings: Settings) -> int:
    from graph import Database, sweep_old_audit_events

    db = Database(settings.db)
    try:
        deleted = await sweep_old_audit_events(db, settings.audit.retention_days)
    finally:
        await db.close()
    print(f"audit events older than {settings.audit.retention_days} days deleted: {deleted}")
    return 0


async def _tombstones(settings: Settings) -> list[str]:
    from graph import Database, tombstones

    db = Database(settings.db)
    try:
        return await tombstones(db)
    finally:
        await db.close()


def _save_tombstones(settings: Settings, out: str) -> int:
    ids = asyncio.run(_tombstones(settings))
    Path(out).write_text("".join(f"{i}\n" for i in ids), encoding="utf-8")
    print(f"{len(ids)} tombstones written to {out}", file=sys.stderr)
    return 0


async def _erase(
    settings: Settings, email: str | None, domain: str | None, replay: list[str] | None
) -> int:
    """A data subject's request across every company, in one transaction (docs/privacy.md).
    The output names companies and counts, never what was erased: it ends up in logs."""
    from graph import (
        BadUserInput,
        Database,
        erase_accounts_by_domain,
        erase_people_by_email,
        erase_tombstoned,
        migrate,
    )

    key = settings.erasure.key.encode()

    db = Database(settings.db)
    try:
        await migrate(db)
        if email is not None:
            done = await erase_people_by_email(db, email)
        elif replay is not None:
            done = await erase_tombstoned(db, replay, key)
        else:
            done = await erase_accounts_by_domain(db, domain or "", key)
    except BadUserInput as exc:
        print(f"prm erase: {exc.message}", file=sys.stderr)
        return 2
    finally:
        await db.close()
    for company, (erasure_id, counts) in sorted(done.records.items()):
        figures = ", ".join(f"{k}={v}" for k, v in counts.detail().items() if v)
        print(f"{company}: erasure {erasure_id}: {figures}")
    total = done.total
    print(
        f"erased in {len(done.records)} companies: {total.customers} customers, "
        f"{total.contacts} contacts, {total.users} users",
        file=sys.stderr,
    )
    return 0


def _write_errors(path: str, errors: Sequence[RowError]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["file", "line", "column", "message"])
        for e in errors:
            # A column name or a message can quote the imported file's own cells.
            writer.writerow(safe_row([e.file, e.line, e.column or "", e.message]))


async def _import(
    settings: Settings,
    config_path: str,
    company: str,
    checkpoint: str | None,
    restart: bool,
    errors_out: str | None,
    force: bool = False,
) -> int:
    from graph import Database, migrate
    from graph.importing import ConfigError, load_config, run_import

    db = Database(settings.db)
    try:
        config = load_config(Path(config_path))
        await migrate(db)
        report = await run_import(
            db,
            config,
            company,
            checkpoint=Path(checkpoint or f"{config_path}.checkpoint.json"),
            restart=restart,
            progress=sys.stderr.isatty(),
            erasure_key=settings.erasure.key,
            force=force,
        )
    except ConfigError as exc:
        print(f"prm import: {exc}", file=sys.stderr)
        return 2
    finally:
        await db.close()
    for error in report.errors:
        print(error, file=sys.stderr)
    if errors_out:
        _write_errors(errors_out, report.errors)
    written = ", ".join(f"{k}={v}" for k, v in report.written.items())
    unchanged = "".join(f"; {n} existing {k} left unchanged" for k, n in report.unchanged.items())
    resumed = f" (resumed after {report.resumed_from})" if report.resumed_from else ""
    readmitted = (
        f"; {report.readmitted} erased accounts imported again (--force)"
        if report.readmitted
        else ""
    )
    print(
        f"imported {written}{unchanged}{readmitted}; {len(report.errors)} rows skipped{resumed}",
        file=sys.stderr,
    )
    return 1 if report.errors else 0


DEMO_USERS = (
    ("us-000001", "EXECUTIVE"),
    ("us-000002", "MANAGER"),
    ("us-000004", "REP"),
    ("us-000005", "ANALYST"),
)


def _demo_tokens(settings: Settings) -> int:
    from gateway.auth import mint_token

    print(
        "\nDemo tokens (company co-000001; valid 8 hours). Send as `Authorization: Bearer <token>`:"
    )
    for user_id, role in DEMO_USERS:
        print(f"  {role:<9} {user_id}: {mint_token(settings, user_id)}")
    print("Any other user: `make token USER_ID=us-000123` or `.venv/bin/prm token us-000123`.")
    print(f"GraphiQL: http://{settings.host}:{settings.port}/graphql\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="prm", description="Partner data gateway")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the gateway with Uvicorn")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    sub.add_parser("migrate", help="apply constraints and indexes, then the data migrations")
    seed = sub.add_parser("seed", help="replace the graph with generated data")
    seed.add_argument("--scale", type=float, default=0.01)
    seed.add_argument("--seed", type=int, default=42)
    seed.add_argument("--if-empty", action="store_true", help="only when there are no companies")
    token = sub.add_parser("token", help="mint a development token for a user id")
    token.add_argument("user_id")
    token.add_argument("--ttl", type=int, default=8 * 3600, help="seconds")
    sub.add_parser("demo-tokens", help="print tokens for the demo users of each role")
    sub.add_parser(
        "sweep-deals",
        help="persist EXPIRED on deal registrations and consent proposals past expiry",
    )
    sub.add_parser("schema", help="print the GraphQL SDL")
    export = sub.add_parser(
        "export", help="write the customers a user can see (same rules as the API) to a file"
    )
    export.add_argument("--user", required=True, help="the viewer, e.g. us-000009")
    export.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    export.add_argument("--out", required=True, help="output file ('-' is not supported)")
    export.add_argument("--owner", help="only customers this company owns (e.g. co-000001)")
    export.add_argument(
        "--page-size", type=int, default=Settings().limits.max_first, help="customers per read"
    )
    imp = sub.add_parser(
        "import",
        help="import companies, customers, contacts, partnerships from CRM CSV exports",
        description="Exit status: 0 all rows imported, 1 some rows skipped, 2 nothing imported.",
    )
    imp.add_argument("config", help="the column mapping (TOML), e.g. examples/import/hubspot.toml")
    # Required: every record id is scoped by the importing company, and what a row may
    # reach is decided from it. --owner is its former name.
    imp.add_argument(
        "--company",
        "--owner",
        dest="company",
        required=True,
        help="the importing company (e.g. co-000001): it owns the customers and is the "
        "vendor of the partnerships; it must exist",
    )
    imp.add_argument("--checkpoint", help="resume file (default: CONFIG.checkpoint.json)")
    imp.add_argument("--restart", action="store_true", help="ignore an existing checkpoint")
    imp.add_argument("--errors", help="also write the skipped rows to this CSV file")
    imp.add_argument(
        "--force",
        action="store_true",
        help="import customers of erased accounts too (their tombstones are removed)",
    )
    erase = sub.add_parser(
        "erase",
        help="a data subject's erasure across every company (docs/privacy.md)",
        description="Exit status: 0 done (also when nothing matched), 2 bad argument.",
    )
    target = erase.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--email", help="erase the contacts with this address; deactivate and scrub such users"
    )
    target.add_argument(
        "--domain", help="erase the customer records of this account (normalized domain)"
    )
    target.add_argument(
        "--replay",
        metavar="FILE",
        help="after restoring a backup: erase again every customer of a tombstone in FILE "
        "(written by `prm tombstones`) or in the graph",
    )
    tombs = sub.add_parser(
        "tombstones", help="save the tombstones of erased accounts (keyed hashes) to a file"
    )
    tombs.add_argument("--out", required=True)
    sub.add_parser("sweep-audit", help="delete AuditEvents older than PRM_AUDIT_RETENTION_DAYS")
    neo4j = sub.add_parser("neo4j", help="local Neo4j: up, down, status")
    neo4j.add_argument("action", choices=["up", "down", "status"])
    neo4j.add_argument("--instance", default="dev")
    args = parser.parse_args(argv)

    if args.command == "neo4j":
        from gateway.neo4j_local import main as neo4j_main

        return neo4j_main([args.action, "--instance", args.instance])
    if args.command == "schema":
        from schema import build_schema

        print(build_schema().as_str())
        return 0

    from gateway.startup import CANNOT_START, cause_of

    try:
        settings = Settings.from_env()
    except SettingsError as exc:  # a bad setting stops the start with its own message
        print(f"prm: {exc}", file=sys.stderr)
        return CANNOT_START
    try:
        return _run(args, settings)
    except Exception as exc:
        cause = cause_of(exc, settings)
        if cause is None:
            raise  # a bug: keep its traceback
        print(f"prm {args.command}: {cause}", file=sys.stderr)
        return CANNOT_START


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "serve":
        from gateway.serve import serve as run_server

        run_server(
            settings,
            host=args.host or settings.host,
            port=args.port or settings.port,
            workers=args.workers or settings.workers,
        )
        return 0
    if args.command == "migrate":
        return asyncio.run(_migrate(settings))
    if args.command == "seed":
        return asyncio.run(_seed(settings, args.scale, args.seed, args.if_empty))
    if args.command == "token":
        from gateway.auth import mint_token

        print(mint_token(settings, args.user_id, args.ttl))
        return 0
    if args.command == "import":
        return asyncio.run(
            _import(
                settings,
                args.config,
                args.company,
                args.checkpoint,
                args.restart,
                args.errors,
                args.force,
            )
        )
    if args.command == "erase":
        saved = Path(args.replay).read_text(encoding="utf-8").split() if args.replay else None
        return asyncio.run(_erase(settings, args.email, args.domain, saved))
    if args.command == "tombstones":
        return _save_tombstones(settings, args.out)
    if args.command == "sweep-audit":
        return asyncio.run(_sweep_audit(settings))
    if args.command == "export":
        return asyncio.run(
            _export(settings, args.user, args.format, args.out, args.owner, args.page_size)
        )
    if args.command == "sweep-deals":
        return asyncio.run(_sweep_deals(settings))
    if args.command == "demo-tokens":
        return _demo_tokens(settings)
    raise AssertionError(f"unknown command {args.command}")  # argparse allows no other


if __name__ == "__main__":
    sys.exit(main())
