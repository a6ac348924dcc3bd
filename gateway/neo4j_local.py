"""Provision, start, stop and report a local Neo4j Community server from Maven jars.

Neo4j 5.26 LTS is resolved by Maven (``gateway/neo4j-pom.xml``, package data) into
``<home>/lib`` once; each named instance (``dev`` for ``make run``, ``test``
for ``make test``, ``bench`` for ``make bench``) gets its own configuration,
data and logs under ``<home>/<name>/`` and its own loopback Bolt port, so the
test suite never wipes the demo data.

The home is ``PRM_NEO4J_HOME`` when set; else the checkout's ``.neo4j`` when the
gateway runs from a checkout (``make install``'s editable install); else, from an
installed wheel, ``.neo4j`` in the current directory: never inside site-packages.

The server is started the way ``neo4j console`` would start it, but directly:
nothing else reads ``server.jvm.additional`` or the heap settings, so the JVM
flags are on our command line.

It lives in the installed package, not in ``scripts/``, because ``prm neo4j`` runs it
and the gateway imports nothing from ``scripts`` (docs/architecture.md).

Usage: ``python -m gateway.neo4j_local up|down|status|uri|jars [--instance NAME]``
(``prm neo4j up|down|status`` runs the same).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib.resources import as_file, files
from pathlib import Path

#: Where this module was imported from: `make install` installs the package in editable
#: mode, so in a checkout this is <checkout>, and from a wheel it is site-packages.
_SOURCE_ROOT = Path(__file__).resolve().parent.parent
NEO4J_VERSION = "5.26.30"

# A local, loopback-only server: the password guards against other local
# users, not the internet. Override with NEO4J_PASSWORD.
DEFAULT_PASSWORD = "prm-local-dev"  # noqa: S105

PORTS = {"dev": 7687, "test": 7688, "bench": 7689, "load": 7690}
HEAP = {"dev": "1g", "test": "1g", "bench": "4g"}
PAGECACHE = {"dev": "512m", "test": "512m", "bench": "4g"}

JVM_FLAGS = [
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+ExitOnOutOfMemoryError",
    "-Dfile.encoding=UTF-8",
]


def neo4j_home() -> Path:
    """The directory of the jars and of every instance's configuration, data and logs.

    Read at each call, not at import, so that ``PRM_NEO4J_HOME`` set by a caller counts.
    """
    configured = os.environ.get("PRM_NEO4J_HOME")
    if configured:
        return Path(configured).resolve()
    if _is_checkout(_SOURCE_ROOT):
        return _SOURCE_ROOT / ".neo4j"  # where make, CI and the tests look
    return Path.cwd() / ".neo4j"


def _is_checkout(root: Path) -> bool:
    """This project's checkout: its pyproject.toml beside the packages (never in site-packages)."""
    try:
        return 'name = "prm-gateway"' in (root / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return False


def jars_dir() -> Path:
    return neo4j_home() / "lib"


@dataclass(frozen=True)
class Instance:
    name: str
    port: int
    heap: str
    pagecache: str

    @property
    def home(self) -> Path:
        return neo4j_home() / self.name

    @property
    def pid_file(self) -> Path:
        return self.home / "neo4j.pid"

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"


def instance(name: str) -> Instance:
    """A named instance; names beyond dev/test/bench need their port in the environment.

    Extra instances let several suites run side by side on one machine, each on
    its own data (e.g. ``PRM_NEO4J_SCRATCH_PORT=7720 ... --instance scratch``).
    """
    env = name.upper()
    port = os.environ.get(f"PRM_NEO4J_{env}_PORT")
    if name not in PORTS and (port is None or not name.isidentifier()):
        raise SystemExit(
            f"unknown instance {name!r}: use one of {sorted(PORTS)} or set PRM_NEO4J_{env}_PORT"
        )
    return Instance(
        name=name,
        port=int(port) if port else PORTS[name],
        heap=os.environ.get("PRM_NEO4J_HEAP", HEAP.get(name, "1g")),
        pagecache=os.environ.get("PRM_NEO4J_PAGECACHE", PAGECACHE.get(name, "512m")),
    )


def password() -> str:
    return os.environ.get("NEO4J_PASSWORD", DEFAULT_PASSWORD)


def log(msg: str) -> None:
    print(f"[neo4j] {msg}", file=sys.stderr, flush=True)


def ensure_jars() -> None:
    """Resolve the pinned Neo4j jars once; a second run finds them and returns."""
    lib = jars_dir()
    marker = lib / f".complete-{NEO4J_VERSION}"
    if marker.exists():
        return
    mvn = shutil.which("mvn")
    if mvn is None or shutil.which("java") is None:
        raise SystemExit("Java 17 and Maven are needed to provision Neo4j (mvn, java on PATH)")
    log(f"resolving Neo4j {NEO4J_VERSION} from Maven Central into {lib}")
    if lib.exists():
        shutil.rmtree(lib)
    lib.mkdir(parents=True)
    # The pom is package data: Maven needs a file, which as_file gives (the file itself
    # from an unpacked install, a temporary copy otherwise).
    with as_file(files("gateway").joinpath("neo4j-pom.xml")) as pom:
        subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [
                mvn,
                "-q",
                "-B",
                "-f",
                str(pom),
                "dependency:copy-dependencies",
                f"-DoutputDirectory={lib}",
                "-DincludeScope=runtime",
            ],
            check=True,
        )
    if not any(lib.glob(f"neo4j-{NEO4J_VERSION}.jar")):
        raise SystemExit("Maven finished but the neo4j jar is missing")
    marker.touch()


def write_conf(inst: Instance) -> None:
    conf = inst.home / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    (inst.home / "data").mkdir(exist_ok=True)
    (inst.home / "logs").mkdir(exist_ok=True)
    (conf / "neo4j.conf").write_text(
        "\n".join(
            [
                "# Written by gateway/neo4j_local.py; edits are overwritten at start.",
                "server.default_listen_address=127.0.0.1",
                f"server.bolt.listen_address=127.0.0.1:{inst.port}",
                "server.http.enabled=false",
                "server.https.enabled=false",
                f"server.directories.data={inst.home / 'data'}",
                f"server.directories.logs={inst.home / 'logs'}",
                f"server.memory.heap.initial_size={inst.heap}",
                f"server.memory.heap.max_size={inst.heap}",
                f"server.memory.pagecache.size={inst.pagecache}",
                "dbms.usage_report.enabled=false",
                "dbms.security.auth_enabled=true",
                # Tests and the demo create and drop much small data; keep the
                # transaction log from growing without bound.
                "db.tx_log.rotation.retention_policy=2 files",
                "",
            ]
        )
    )


def running_pid(inst: Instance) -> int | None:
    try:
        pid = int(inst.pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    # A recycled pid belongs to something else: check it is our java.
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return None
    return pid if str(inst.home).encode() in cmdline else None


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def set_initial_password(inst: Instance) -> None:
    """A fresh server has neo4j/neo4j with expired credentials: change it once."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, ClientError

    from graph.queries.database import FIRST_LOGIN_QUERY, PING_QUERY

    with GraphDatabase.driver(inst.uri, auth=("neo4j", password())) as driver:
        try:
            driver.verify_authentication()
            driver.execute_query(PING_QUERY)
            return
        except (AuthError, ClientError):
            pass
    with GraphDatabase.driver(inst.uri, auth=("neo4j", "neo4j")) as driver:
        driver.execute_query(
            FIRST_LOGIN_QUERY,
            {"new": password()},
            database_="system",
        )
    log("initial password set")


def wait_ready(inst: Instance, proc: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = (inst.home / "console.log").read_text(errors="replace")[-3000:]
            raise SystemExit(f"Neo4j exited during start-up:\n{tail}")
        if port_open(inst.port):
            return
        time.sleep(0.5)
    raise SystemExit(f"Neo4j did not open port {inst.port} within {timeout:.0f}s")


def up(inst: Instance) -> None:
    ensure_jars()
    pid = running_pid(inst)
    if pid is not None:
        log(f"{inst.name} already running (pid {pid}) on {inst.uri}")
        set_initial_password(inst)
        return
    if port_open(inst.port):
        raise SystemExit(
            f"port {inst.port} is taken by another process; set PRM_NEO4J_{inst.name.upper()}_PORT"
        )
    write_conf(inst)
    java = shutil.which("java") or "java"
    cmd = [
        java,
        "-cp",
        f"{jars_dir()}/*",
        f"-Xms{inst.heap}",
        f"-Xmx{inst.heap}",
        *JVM_FLAGS,
        "org.neo4j.server.CommunityEntryPoint",
        f"--home-dir={inst.home}",
        f"--config-dir={inst.home / 'conf'}",
    ]
    log(f"starting {inst.name} on {inst.uri}")
    started = time.monotonic()
    with (inst.home / "console.log").open("ab") as out:
        proc = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=inst.home,
            start_new_session=True,
        )
    inst.pid_file.write_text(str(proc.pid))
    wait_ready(inst, proc)
    set_initial_password(inst)
    log(f"{inst.name} ready in {time.monotonic() - started:.1f}s (pid {proc.pid})")


def down(inst: Instance) -> None:
    pid = running_pid(inst)
    if pid is None:
        log(f"{inst.name} is not running")
        inst.pid_file.unlink(missing_ok=True)
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and running_pid(inst) == pid:
        time.sleep(0.3)
    if running_pid(inst) == pid:
        os.kill(pid, signal.SIGKILL)
    inst.pid_file.unlink(missing_ok=True)
    log(f"{inst.name} stopped")


def status(inst: Instance) -> int:
    pid = running_pid(inst)
    if pid is None:
        print(f"{inst.name}: stopped")
        return 3
    state = "accepting connections" if port_open(inst.port) else "starting"
    print(f"{inst.name}: running (pid {pid}) on {inst.uri}, {state}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="neo4j_local", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["up", "down", "status", "uri", "jars"])
    parser.add_argument("--instance", default="dev")
    args = parser.parse_args(argv)
    inst = instance(args.instance)
    if args.command == "up":
        up(inst)
    elif args.command == "down":
        down(inst)
    elif args.command == "status":
        return status(inst)
    elif args.command == "jars":
        ensure_jars()
    else:
        print(inst.uri)
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
