"""``python -m scripts.wheel_check``: the gateway as a new user installs it, from its wheel.

Builds the wheel, installs it with the pinned versions (``constraints.txt``) into a
fresh virtualenv in a temporary directory outside the checkout, and from an empty
working directory there (so nothing is imported from the source tree, which it
asserts) runs ``prm schema``, ``prm migrate`` and ``prm seed`` against the test
Neo4j, mints a token with ``prm token``, serves with ``prm serve`` on a free loopback
port, makes one authorized query and fetches ``/explore/`` and each file it loads.
It also resolves the Neo4j jars with the wheel's own Maven pom into a temporary
``PRM_NEO4J_HOME``, and checks where ``prm neo4j`` keeps its files without one.

The test Neo4j: ``NEO4J_TEST_URI``, else bolt://127.0.0.1:``PRM_NEO4J_TEST_PORT``
(7688); its password ``NEO4J_TEST_PASSWORD``, else the local servers' default. The
check replaces that database's graph, as the database tests do. ``make wheel-check``
runs it; CI runs it after ``make test``. Exit status 0 when every step passed.
"""

from __future__ import annotations

import argparse
import html.parser
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "constraints.txt"
#: The packages the wheel installs; scripts/ and tests/ stay in the checkout.
PACKAGES = ("gateway", "schema", "graph", "policy")
DEFAULT_PASSWORD = "prm-local-dev"  # noqa: S105 - the loopback test server's, as in tests/
#: us-000001 is the demo graph's EXECUTIVE of co-000001 (README, `make run`).
USER = "us-000001"
QUERY = "{ viewer { role user { id } company { name } } customers(first: 3) { totalCount } }"


class CheckFailed(Exception):
    """A step of the check did not give what a working install gives."""


def step(name: str) -> None:
    print(f"[wheel-check] {name}", file=sys.stderr, flush=True)


def run(
    cmd: Sequence[str | Path], *, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> str:
    """Run a command; its stdout, or CheckFailed with its output when it fails."""
    done = subprocess.run(  # noqa: S603 - our own commands, no shell
        [str(c) for c in cmd], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise CheckFailed(
            f"{' '.join(str(c) for c in cmd)} exited {done.returncode}:\n"
            f"{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    return done.stdout


def tracked_package_data() -> set[str]:
    """The checkout's non-Python files under the packages: each one must be in the wheel."""
    listed = run(["git", "ls-files", *PACKAGES], cwd=ROOT).split()
    return {name for name in listed if not name.endswith(".py")}


def clean_copy(into: Path) -> Path:
    """The checkout's files as a fresh clone has them (uncommitted edits included): a
    build in the checkout would read its stale ``*.egg-info/SOURCES.txt``, which
    lists files that the package-data patterns may no longer ship."""
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT)
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    return into


def build_wheel(out: Path, source: Path) -> Path:
    step("building the wheel from a clean copy of the checkout")
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", out, clean_copy(source)])
    (wheel,) = out.glob("prm_gateway-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = sorted(tracked_package_data() - names)
    if missing:
        raise CheckFailed(f"package data missing from {wheel.name}: {missing}")
    strays = sorted({n.split("/")[0] for n in names} - {*PACKAGES} - {_dist_info(names)})
    if strays:
        raise CheckFailed(f"{wheel.name} installs more than the gateway's packages: {strays}")
    return wheel


def _dist_info(names: set[str]) -> str:
    return next(n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def http(
    url: str, body: object = None, token: str | None = None, timeout: float = 30.0
) -> tuple[int, bytes]:
    """Status and body of a GET (or a POST of ``body`` as JSON)."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"content-type": "application/json"} if data is not None else {}
    if token:
        headers["authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - loopback http
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status: int = response.status
            return status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class _Assets(html.parser.HTMLParser):
    """The local files a page loads (scripts, style sheets, images)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            local = value and "://" not in value and not value.startswith(("#", "data:"))
            if name in ("src", "href") and local and value:
                self.found.append(value)


def wait_ready(base: str, server: subprocess.Popen[str], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CheckFailed(f"prm serve exited {server.returncode}")
        try:
            if http(f"{base}/readyz", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise CheckFailed(f"prm serve was not ready within {timeout:.0f}s")


def serve_and_query(venv: Path, work: Path, env: dict[str, str], token: str) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    step(f"prm serve on {base}")
    log_path = work / "serve.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(  # noqa: S603 - our own command, no shell
            [str(venv / "bin" / "prm"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=work,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        wait_ready(base, server)
        step(f"an authorized query as {USER}")
        status, raw = http(f"{base}/graphql", {"query": QUERY}, token)
        answer = json.loads(raw)
        viewer = (answer.get("data") or {}).get("viewer") or {}
        if status != 200 or answer.get("errors") or viewer.get("role") != "EXECUTIVE":
            raise CheckFailed(f"/graphql answered {status}: {raw[:2000]!r}")
        status, raw = http(f"{base}/graphql", {"query": QUERY})
        if status == 200 and not json.loads(raw).get("errors"):
            raise CheckFailed(f"/graphql answered without a token: {raw[:2000]!r}")
        step("/explore/ and its files")
        status, page = http(f"{base}/explore/")
        if status != 200 or b"<html" not in page.lower():
            raise CheckFailed(f"/explore/ answered {status}: {page[:500]!r}")
        parser = _Assets()
        parser.feed(page.decode())
        if not parser.found:
            raise CheckFailed("/explore/ loads no file of its own")
        for asset in parser.found:
            url = f"{base}/explore/{asset.removeprefix('./')}"
            if asset.startswith("/"):
                url = f"{base}{asset}"
            status, _ = http(url)
            if status != 200:
                raise CheckFailed(f"{url} answered {status}")
    except CheckFailed:
        sys.stderr.write(log_path.read_text()[-4000:])
        raise
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def check(python: str, tmp: Path) -> None:
    dist, venv, work, source = tmp / "dist", tmp / "venv", tmp / "work", tmp / "source"
    for folder in (dist, work, source):
        folder.mkdir()
    wheel = build_wheel(dist, source)

    step(f"a fresh virtualenv ({python}) in {venv}")
    run([python, "-m", "venv", venv])
    run([venv / "bin" / "python", "-m", "pip", "install", "-q", "-c", CONSTRAINTS, wheel])

    port = os.environ.get("PRM_NEO4J_TEST_PORT", "7688")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "PRM_", "NEO4J_", "VIRTUAL_ENV"))
    }
    env |= {
        "PRM_ENV": "dev",
        "NEO4J_URI": os.environ.get("NEO4J_TEST_URI") or f"bolt://127.0.0.1:{port}",
        "NEO4J_PASSWORD": os.environ.get("NEO4J_TEST_PASSWORD", DEFAULT_PASSWORD),
        "PRM_JWT_SECRET": "wheel-check-secret-0123456789abcdef0123",
        "PRM_CURSOR_SECRET": "wheel-check-cursor-0123456789abcdef0123",
        "PRM_NEO4J_TEST_PORT": port,
    }
    py, prm = venv / "bin" / "python", venv / "bin" / "prm"

    step("imports come from the virtualenv, not the checkout")
    where = json.loads(
        run(
            [
                py,
                "-c",
                "import json, gateway, schema, graph, policy; print(json.dumps("
                "[m.__file__ for m in (gateway, schema, graph, policy)]))",
            ],
            env=env,
            cwd=work,
        )
    )
    outside = [f for f in where if not Path(f).resolve().is_relative_to(venv.resolve())]
    if outside:
        raise CheckFailed(f"imported from outside the virtualenv: {outside}")

    step("prm schema")
    if "type Query" not in run([prm, "schema"], env=env, cwd=work):
        raise CheckFailed("prm schema printed no Query type")
    step("prm migrate")
    run([prm, "migrate"], env=env, cwd=work)
    step("prm seed --scale 0.002 (replaces the test database's graph)")
    run([prm, "seed", "--scale", "0.002"], env=env, cwd=work)
    token = run([prm, "token", USER], env=env, cwd=work).strip()
    serve_and_query(venv, work, env, token)
    check_neo4j_launcher(py, prm, env, work, tmp)
    step(f"passed: {wheel.name}")


def check_neo4j_launcher(py: Path, prm: Path, env: dict[str, str], work: Path, tmp: Path) -> None:
    """`prm neo4j` from the wheel: its files in PRM_NEO4J_HOME or ./.neo4j, its pom shipped."""
    step("prm neo4j keeps its files in ./.neo4j without PRM_NEO4J_HOME")
    code = "from gateway.neo4j_local import neo4j_home; print(neo4j_home())"
    home = run([py, "-c", code], env=env, cwd=work).strip()
    if Path(home) != (work / ".neo4j").resolve():
        raise CheckFailed(f"prm neo4j would keep its files in {home}, not {work / '.neo4j'}")
    if not os.environ.get("NEO4J_TEST_URI"):
        step("prm neo4j status --instance test, with PRM_NEO4J_HOME the checkout's .neo4j")
        run(
            [prm, "neo4j", "status", "--instance", "test"],
            env=env | {"PRM_NEO4J_HOME": str(ROOT / ".neo4j")},
            cwd=work,
        )
    if shutil.which("mvn") and shutil.which("java"):
        step("the Neo4j jars resolved with the wheel's pom into a fresh PRM_NEO4J_HOME")
        fresh = tmp / "neo4j-home"
        run(
            [py, "-m", "gateway.neo4j_local", "jars"],
            env=env | {"PRM_NEO4J_HOME": str(fresh)},
            cwd=work,
        )
        if not any((fresh / "lib").glob("neo4j-*.jar")):
            raise CheckFailed(f"no Neo4j jar in {fresh / 'lib'}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wheel_check", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--python", default=sys.executable, help="the interpreter of the fresh virtualenv"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="prm-wheel-check-") as tmp:
        if Path(tmp).resolve().is_relative_to(ROOT):
            raise SystemExit("the temporary directory must be outside the checkout")
        try:
            check(args.python, Path(tmp))
        except CheckFailed as exc:
            print(f"[wheel-check] FAILED: {exc}", file=sys.stderr)
            return 1
    print(f"[wheel-check] done in {time.monotonic() - started:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
