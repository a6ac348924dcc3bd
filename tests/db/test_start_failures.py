"""A start that cannot go on says why in one line and exits non-zero: the real `prm` CLI,
run as a process against the test Neo4j with a wrong password."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from gateway.settings import DEV_NEO4J_PASSWORD
from tests.conftest import TEST_URI
from tests.support.process import run_prm


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def prm(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_prm(*args, env={"PRM_HOST": "127.0.0.1", "PRM_PORT": str(free_port()), **env})


@pytest.mark.parametrize("command", ["serve", "migrate"])
def test_a_wrong_neo4j_password_stops_the_start_with_a_one_line_cause(command: str) -> None:
    done = prm(command, NEO4J_URI=TEST_URI, NEO4J_PASSWORD="not-the-password")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"prm {command}: Neo4j at {TEST_URI} refused user 'neo4j': check NEO4J_USER and"
        " NEO4J_PASSWORD (or NEO4J_PASSWORD_FILE): The client is unauthorized due to"
        " authentication failure."
    ]


def test_an_unknown_database_stops_the_start_naming_neo4j_database() -> None:
    password = os.environ.get("NEO4J_TEST_PASSWORD", DEV_NEO4J_PASSWORD)
    done = prm("serve", NEO4J_URI=TEST_URI, NEO4J_PASSWORD=password, NEO4J_DATABASE="nope")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"prm serve: Neo4j at {TEST_URI} has no database 'nope' (NEO4J_DATABASE)"
    ]


def test_a_bad_policy_file_stops_the_start_in_one_line(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("[tiers]\nLOW = []\n")
    done = prm("serve", NEO4J_URI=TEST_URI, PRM_POLICY_FILE=str(policy))
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("prm serve: ")
    assert "policy.toml" in line
