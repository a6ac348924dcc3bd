"""The Node federation harness of tests/federation/: composed supergraph behind @apollo/gateway."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

HARNESS = Path(__file__).resolve().parents[1] / "federation"


def require_node_harness() -> None:
    """Skip without the harness's packages, except in CI, where their absence is a failure."""
    if (HARNESS / "node_modules" / "@apollo" / "gateway").is_dir():
        return
    message = "tests/federation/node_modules is missing: run `make federation-deps` (npm ci)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@contextlib.asynccontextmanager
async def federation_gateway(
    subgraph_url: str, sdl: str, notes: list[dict[str, Any]]
) -> AsyncIterator[str]:
    """Compose the PRM subgraph at ``subgraph_url`` with the CRM-notes subgraph, serve the
    supergraph through @apollo/gateway: yields the gateway's URL; stops it on exit."""
    with tempfile.TemporaryDirectory() as tmp:
        sdl_file = Path(tmp) / "prm.graphql"
        sdl_file.write_text(sdl)
        notes_file = Path(tmp) / "notes.json"
        notes_file.write_text(json.dumps(notes))
        env = {
            **os.environ,
            "PRM_SUBGRAPH_URL": subgraph_url,
            "PRM_SUBGRAPH_SDL_FILE": str(sdl_file),
            "NOTES_FILE": str(notes_file),
            "NODE_ENV": "test",
        }
        process = await asyncio.create_subprocess_exec(
            "node",
            str(HARNESS / "gateway.mjs"),
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert process.stdout is not None
        assert process.stderr is not None
        try:
            ready = await asyncio.wait_for(_ready_line(process.stdout), 60)
            if ready is None:
                await process.wait()
                stderr = (await process.stderr.read()).decode()
                raise AssertionError(f"the federation gateway did not start:\n{stderr}")
            yield str(json.loads(ready)["gateway"])
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), 10)
                except TimeoutError:
                    process.kill()
                    await process.wait()


async def _ready_line(stdout: asyncio.StreamReader) -> str | None:
    """The harness's ``READY {...}`` line (Apollo Server logs to stdout too); None at EOF."""
    while line := (await stdout.readline()).decode():
        if line.startswith("READY "):
            return line.removeprefix("READY ")
    return None
