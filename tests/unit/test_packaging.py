"""The package as pip builds it: its data files, its declared dependencies, its pins.

`make wheel-check` (scripts/wheel_check.py) installs the built wheel and serves from
it; these are the fast guards of what it relies on, each naming the file to fix.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
import tomllib
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from gateway import neo4j_local
from gateway.settings import Settings
from policy import DEFAULT_POLICY_FILE, load_policy

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
#: What the wheel installs; scripts/ and tests/ stay in the checkout.
PACKAGES = ("gateway", "schema", "graph", "policy")
OURS = {*PACKAGES, "scripts", "tests", "__future__"}
#: Declared, and used without an import of ours: the reason each is there.
USED_WITHOUT_IMPORT = {
    "websockets": "Uvicorn's WebSocket protocol, for subscriptions",
    "neo4j-rust-ext": "the driver's Bolt decoding in Rust",
}


def names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def imports(folders: tuple[str, ...]) -> Iterator[tuple[str, Path]]:
    """Every absolute import of a module outside the standard library and this project:
    for ``from a.b import c``, ``a.b.c`` (it may be a module of its own)."""
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found = [f"{node.module}.{alias.name}" for alias in node.names]
                else:
                    continue
                for name in found:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in OURS:
                        yield name, path


@functools.cache
def module_owners() -> dict[str, str]:
    """Module or regular package (dotted) → the installed distribution whose files hold it.

    A namespace package (``opentelemetry``) has no ``__init__`` and no owner: its
    subpackages do, each of its own distribution."""
    owners: dict[str, str] = {}
    for dist in metadata.distributions():
        for file in dist.files or ():
            parts = file.parts
            if not parts or parts[0].endswith((".dist-info", ".data")) or ".." in parts:
                continue
            if file.suffix not in (".py", ".so", ".pyd"):
                continue
            module = [*parts[:-1], parts[-1].split(".")[0]]
            if module[-1] == "__init__":
                module = module[:-1]
            owners.setdefault(".".join(module), dist.metadata["Name"])
    return owners


def distribution_of(module: str, owners: dict[str, str]) -> str | None:
    """The distribution of the longest prefix of ``module`` that is a module or package."""
    parts = module.split(".")
    for depth in range(len(parts), 0, -1):
        owner = owners.get(".".join(parts[:depth]))
        if owner is not None:
            return canonicalize_name(owner)
    return None


def undeclared(folders: tuple[str, ...], declared: set[str]) -> list[str]:
    owners = module_owners()
    problems = set()
    for module, path in imports(folders):
        dist = distribution_of(module, owners)
        if dist is None or dist not in declared:
            problems.add(f"{path.relative_to(ROOT)}: {module} ({dist or 'not installed'})")
    return sorted(problems)


def test_every_package_the_gateway_imports_is_a_declared_dependency() -> None:
    # cross-web came only through strawberry-graphql before it was declared.
    assert undeclared(PACKAGES, names(PROJECT["dependencies"])) == []


def test_every_package_the_tests_import_is_declared_with_the_dev_extra() -> None:
    declared = names(PROJECT["dependencies"]) | names(PROJECT["optional-dependencies"]["dev"])
    assert undeclared(("tests",), declared) == []


def test_every_declared_dependency_is_imported_or_says_why_not() -> None:
    owners = module_owners()
    imported = {distribution_of(module, owners) for module, _ in imports(PACKAGES)}
    unused = names(PROJECT["dependencies"]) - imported - set(USED_WITHOUT_IMPORT)
    assert unused == set()


def constraints() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version
    return pins


def test_each_range_in_the_project_admits_the_pinned_version_of_constraints_txt() -> None:
    pins = constraints()
    extras = PROJECT["optional-dependencies"]
    misfits = []
    for text in [*PROJECT["dependencies"], *extras["dev"], *extras["bench"]]:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        if name not in pins or not requirement.specifier.contains(pins[name]):
            misfits.append(f"{text}: constraints.txt pins {pins.get(name)}")
    assert misfits == []


def test_the_project_gives_ranges_and_leaves_exact_pins_to_constraints_txt() -> None:
    extras = PROJECT["optional-dependencies"]
    exact = [r for r in [*PROJECT["dependencies"], *extras["dev"]] if "==" in r]
    assert exact == []
    assert all(re.fullmatch(r"[\w.-]+==[\w.+-]+", line) for line in constraints_lines())


def constraints_lines() -> list[str]:
    text = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@pytest.mark.parametrize("version", ["3.11", "3.12", "3.13"])
def test_python_version_is_allowed_by_requires_python(version: str) -> None:
    assert SpecifierSet(PROJECT["requires-python"]).contains(f"{version}.0")


def test_every_data_file_of_a_package_is_shipped_as_package_data() -> None:
    """setuptools ships a package's non-Python files only where [tool.setuptools.package-data]
    has a pattern for them (policy/defaults/*.toml and the /explore page once had none)."""
    patterns: dict[str, list[str]] = PYPROJECT["tool"]["setuptools"]["package-data"]
    unshipped = []
    for package in PACKAGES:
        folder = ROOT / package
        shipped = {p for pattern in patterns.get(package, []) for p in folder.glob(pattern)}
        for path in folder.rglob("*"):
            data = path.is_file() and path.suffix not in (".py", ".pyc")
            if data and "__pycache__" not in path.parts and path not in shipped:
                unshipped.append(str(path.relative_to(ROOT)))
    assert unshipped == []


def test_the_default_policy_is_package_data_and_a_file_of_the_operator_replaces_it(
    tmp_path: Path,
) -> None:
    assert Settings.from_env({}).policy_file == DEFAULT_POLICY_FILE
    assert load_policy(Settings.from_env({}).policy_file).customer_fields
    own = tmp_path / "policy.toml"
    own.write_text(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    assert Settings.from_env({"PRM_POLICY_FILE": str(own)}).policy_file == own


def test_the_local_neo4j_lives_in_prm_neo4j_home_when_it_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRM_NEO4J_HOME", str(tmp_path / "neo4j"))
    assert neo4j_local.neo4j_home() == tmp_path / "neo4j"
    assert neo4j_local.instance("dev").home == tmp_path / "neo4j" / "dev"
    assert neo4j_local.jars_dir() == tmp_path / "neo4j" / "lib"


def test_the_local_neo4j_lives_in_the_checkout_when_run_from_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PRM_NEO4J_HOME", raising=False)
    assert neo4j_local.neo4j_home() == ROOT / ".neo4j"


def test_the_local_neo4j_of_an_installed_wheel_lives_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From site-packages (no pyproject.toml beside the packages), never inside it."""
    site_packages = tmp_path / "site-packages"
    site_packages.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.delenv("PRM_NEO4J_HOME", raising=False)
    monkeypatch.setattr(neo4j_local, "_SOURCE_ROOT", site_packages)
    monkeypatch.chdir(work)
    assert neo4j_local.neo4j_home() == work / ".neo4j"
