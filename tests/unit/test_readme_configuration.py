"""Every setting the gateway reads is in the README's configuration table."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_prm_variable_read_by_the_settings_is_documented() -> None:
    read = set(re.findall(r"PRM_[A-Z_]+", (ROOT / "gateway" / "settings.py").read_text()))
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Configuration") : readme.index("## A first query")]
    documented = set(re.findall(r"`(PRM_[A-Z_]+)`", table))
    assert read, "the settings read no PRM_ variable?"
    assert sorted(read - documented) == []
