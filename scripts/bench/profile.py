"""A py-spy profile of the gateway's worker processes while one query runs under load.

py-spy samples the processes from outside (no code change, ``--nonblocking``),
idle threads excluded; the collapsed stacks are kept in bench/results/tmp and
summarized as self time by package and inclusive time by function.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scripts.bench.load import http_client, run_load
from scripts.bench.suite import SuiteQuery
from scripts.bench.systems import LOG_DIR, ROOT, System

_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
_RATE = 200


def package_of(file: str) -> str:
    """What a frame's file belongs to: a site package, a project package, or the stdlib."""
    if "site-packages/" in file:
        return file.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    root = str(ROOT) + "/"
    if file.startswith(root):
        return file[len(root) :].split("/", 1)[0]
    if file.startswith(("/", "<")) and "/lib/python" in file:
        module = file.split("/lib/python", 1)[1].split("/", 2)[1]
        return "stdlib:" + module.removesuffix(".py")
    return file.split("/", 1)[0] or "?"


def _frame(text: str) -> tuple[str, str] | None:
    match = _FRAME.match(text.strip())
    if match is None:
        return None
    file = match["file"]
    short = file.split("site-packages/", 1)[-1].removeprefix(str(ROOT) + "/")
    return f"{match['function']} ({short})", package_of(file)


def summarize(lines: Iterable[str]) -> dict[str, Any]:
    """Shares of samples: self time by package, inclusive time by function."""
    by_package: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in lines:
        stack, _, count_text = line.rstrip().rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [f for f in (_frame(part) for part in stack.split(";")) if f is not None]
        if not frames:
            continue
        total += count
        by_package[frames[-1][1]] += count
        for name in {name for name, _ in frames}:
            inclusive[name] += count
    if total == 0:
        return {"samples": 0, "self_by_package": [], "inclusive": []}
    return {
        "samples": total,
        "self_by_package": [(p, round(n / total, 4)) for p, n in by_package.most_common(20)],
        "inclusive": [(f, round(n / total, 4)) for f, n in inclusive.most_common(40)],
    }


def py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


async def profile_gateway(
    system: System, query: SuiteQuery, concurrency: int, seconds: float
) -> dict[str, Any]:
    spy = py_spy()
    if spy is None or system.pid is None:
        return {"key": query.key, "error": "py-spy or the gateway process is missing"}
    output = LOG_DIR / f"profile-{query.key}.txt"
    argv = [
        spy, "record", "--pid", str(system.pid), "--subprocesses", "--nonblocking",
        "--rate", str(_RATE), "--duration", str(int(seconds)), "--format", "raw",
        "--output", str(output),
    ]  # fmt: skip
    async with http_client(concurrency) as client:
        load = asyncio.create_task(
            run_load(
                system.operation(query, client),
                concurrency=concurrency,
                requests=query.max_requests or 1_000_000,
                max_seconds=seconds + 3,
            )
        )
        await asyncio.sleep(1.0)
        process = await asyncio.create_subprocess_exec(
            *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        out, _ = await asyncio.wait_for(process.communicate(), timeout=seconds + 60)
        result = await load
    if process.returncode != 0 or not output.exists():
        return {"key": query.key, "error": out.decode(errors="replace")[-500:]}
    summary = summarize(output.read_text().splitlines())
    return {
        "key": query.key,
        "command": f"py-spy record --subprocesses --nonblocking --rate {_RATE} "
        f"--duration {int(seconds)} --format raw",
        "concurrency": concurrency,
        "operations": result.ops,
        "raw": str(output.relative_to(ROOT)),
        **summary,
    }
