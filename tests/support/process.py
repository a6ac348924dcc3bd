"""The real `prm` command, run as a process of its own: what an operator runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_prm(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``prm ARGS`` with ``env`` over this environment minus its PRM_ and NEO4J_ settings."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("PRM_", "NEO4J_"))}
    return subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
        [sys.executable, "-m", "gateway.cli", *args],
        env={**inherited, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
