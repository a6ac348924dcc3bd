"""Settings fail closed: production names every secret it needs, none is derived from a
public value, each can come from a file, and development is served on loopback only."""

from __future__ import annotations

from operator import attrgetter
from pathlib import Path

import pytest

from gateway.settings import (
    SECRETS,
    Settings,
    SettingsError,
    check_serving_address,
    is_loopback,
)
from graph import DEV_ERASURE_KEY
from tests.support.process import run_prm

JWKS = "https://idp.test/.well-known/jwks.json"
PROD = {
    "PRM_ENV": "prod",
    "NEO4J_PASSWORD": "secret",
    "PRM_JWT_JWKS_URL": JWKS,
    "PRM_JWT_ISSUER": "https://idp.test",
    "PRM_JWT_AUDIENCE": "prm",
    "PRM_CURSOR_SECRET": "c" * 32,
    "PRM_ERASURE_KEY": "e" * 32,
}


def without(env: dict[str, str], *names: str) -> dict[str, str]:
    return {k: v for k, v in env.items() if k not in names}


@pytest.mark.parametrize(
    "missing",
    [
        "PRM_CURSOR_SECRET",
        "PRM_JWT_ISSUER",
        "PRM_JWT_AUDIENCE",
        "NEO4J_PASSWORD",
        "PRM_ERASURE_KEY",
    ],
)
def test_production_refuses_to_start_without_each_required_setting(missing: str) -> None:
    with pytest.raises(SettingsError, match=missing):
        Settings.from_env(without(PROD, missing))
    assert Settings.from_env(PROD).env == "prod"


@pytest.mark.parametrize(
    "key",
    [
        {"PRM_JWT_JWKS_URL": JWKS},
        {"PRM_JWT_JWKS_URL": "", "PRM_JWT_PUBLIC_KEY": "-----BEGIN PUBLIC KEY-----\nMIIB"},
    ],
)
def test_the_cursor_secret_is_never_derived_from_a_public_key_or_a_url(
    key: dict[str, str],
) -> None:
    with pytest.raises(SettingsError, match="PRM_CURSOR_SECRET"):
        Settings.from_env({**without(PROD, "PRM_CURSOR_SECRET"), **key})


def test_a_short_production_cursor_secret_is_refused() -> None:
    with pytest.raises(SettingsError, match="at least 32 characters"):
        Settings.from_env({**PROD, "PRM_CURSOR_SECRET": "c" * 31})


@pytest.mark.parametrize("key", [DEV_ERASURE_KEY, "e" * 31])
def test_production_refuses_the_development_or_a_short_erasure_key(key: str) -> None:
    with pytest.raises(SettingsError, match="PRM_ERASURE_KEY"):
        Settings.from_env({**PROD, "PRM_ERASURE_KEY": key})


@pytest.mark.parametrize(
    ("name", "value"),
    [("PRM_AUDIT_RETENTION_DAYS", "0"), ("PRM_AUDIT_SWEEP_SECONDS", "-1")],
)
def test_a_retention_that_keeps_nothing_or_a_negative_sweep_is_refused(
    name: str, value: str
) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_development_derives_the_cursor_secret_from_its_hs256_secret_only() -> None:
    dev = Settings.from_env({"PRM_ENV": "dev", "PRM_JWT_SECRET": "s" * 40})
    assert dev.cursor_secret == "s" * 40


@pytest.mark.parametrize("name", SECRETS)
def test_every_secret_can_be_read_from_a_file(name: str, tmp_path: Path) -> None:
    value = "from-a-file-" + "x" * 40
    path = tmp_path / "secret"
    path.write_text(value + "\n")  # the newline `echo` leaves is not part of it
    settings = Settings.from_env({**without(PROD, name), f"{name}_FILE": str(path)})
    field = {
        "NEO4J_PASSWORD": "db.password",
        "PRM_JWT_SECRET": "jwt.secret",
        "PRM_JWT_PUBLIC_KEY": "jwt.public_key",
        "PRM_CURSOR_SECRET": "cursor_secret",
        "PRM_METRICS_TOKEN": "metrics_token",
        "PRM_ERASURE_KEY": "erasure.key",
    }[name]
    assert attrgetter(field)(settings) == value
    assert value not in repr(settings)


@pytest.mark.parametrize("name", SECRETS)
def test_a_secret_and_its_file_together_are_refused(name: str, tmp_path: Path) -> None:
    path = tmp_path / "secret"
    path.write_text("y" * 40)
    with pytest.raises(SettingsError, match=f"set {name} or {name}_FILE, not both"):
        Settings.from_env({**PROD, name: "z" * 40, f"{name}_FILE": str(path)})


def test_a_missing_or_empty_secret_file_stops_the_start_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(SettingsError, match=r"^NEO4J_PASSWORD_FILE: cannot read .*nope"):
        Settings.from_env({**without(PROD, "NEO4J_PASSWORD"), "NEO4J_PASSWORD_FILE": str(missing)})
    empty = tmp_path / "empty"
    empty.write_text("\n")
    with pytest.raises(SettingsError, match=r"^PRM_CURSOR_SECRET_FILE: .* is empty"):
        Settings.from_env(
            {**without(PROD, "PRM_CURSOR_SECRET"), "PRM_CURSOR_SECRET_FILE": str(empty)}
        )


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST", "::ffff:127.0.0.1"],
)
def test_loopback_addresses(host: str) -> None:
    assert is_loopback(host)
    check_serving_address(Settings.from_env({"PRM_ENV": "dev"}), host)


@pytest.mark.parametrize(
    "host",
    ["0.0.0.0", "::", "", "192.168.1.20", "10.0.0.1", "example.com", "localhost.evil.test"],  # noqa: S104
)
def test_development_settings_are_not_served_outside_loopback(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(SettingsError, match="PRM_ENV=dev is served on loopback only"):
        check_serving_address(Settings.from_env({}), host)  # PRM_ENV unset is dev
    check_serving_address(Settings.from_env(PROD), host)


@pytest.mark.parametrize(
    ("args", "env"),
    [
        # TEST-NET-3: not an address of this machine, so nothing binds even if refusing failed.
        (("serve", "--host", "203.0.113.7"), {}),
        (("serve",), {"PRM_HOST": "203.0.113.7"}),
    ],
)
def test_prm_serve_refuses_development_settings_off_loopback_in_one_line(
    args: tuple[str, ...], env: dict[str, str]
) -> None:
    done = run_prm(*args, env={"NEO4J_URI": "bolt://127.0.0.1:9", **env})
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "prm serve: PRM_ENV=dev is served on loopback only, not on '203.0.113.7': its token"
        " secret is public. Set PRM_ENV=prod, or PRM_HOST=127.0.0.1"
    ]


def test_production_serves_no_federation_sdl_and_no_open_metrics_by_default() -> None:
    prod, dev = Settings.from_env(PROD), Settings.from_env({"PRM_ENV": "dev"})
    assert (prod.federation, prod.metrics, prod.metrics_token) == (False, False, None)
    assert (dev.federation, dev.metrics) == (True, True)
    with pytest.raises(SettingsError, match="PRM_METRICS_TOKEN"):
        Settings.from_env({**PROD, "PRM_METRICS": "true"})
    behind = Settings.from_env({**PROD, "PRM_METRICS_TOKEN": "t" * 20})
    assert (behind.metrics, behind.metrics_token) == (True, "t" * 20)
    assert Settings.from_env({**PROD, "PRM_FEDERATION": "true"}).federation
