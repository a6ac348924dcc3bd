"""PRM_MAX_NETWORK_DEPTH and PRM_MIN_BUCKET: their defaults, and bad values that stop the
start with a message naming the setting; what normalizing an account's domain drops."""

from __future__ import annotations

import pytest

from gateway.cli import main
from gateway.settings import Settings, SettingsError
from policy import ACCOUNT_SPACE, account_key

DEV = {"PRM_ENV": "dev"}


def test_network_depth_and_bucket_size_default_to_three() -> None:
    settings = Settings.from_env(DEV)
    assert (settings.max_network_depth, settings.min_bucket) == (3, 3)


@pytest.mark.parametrize(
    ("name", "raw", "value"),
    [
        ("PRM_MAX_NETWORK_DEPTH", "1", 1),
        ("PRM_MAX_NETWORK_DEPTH", "10", 10),
        ("PRM_MAX_NETWORK_DEPTH", " 4 ", 4),
        ("PRM_MIN_BUCKET", "1", 1),
        ("PRM_MIN_BUCKET", "25", 25),
        ("PRM_MIN_BUCKET", "5.0", 5),
    ],
)
def test_good_values_are_read(name: str, raw: str, value: int) -> None:
    settings = Settings.from_env({**DEV, name: raw})
    field = "max_network_depth" if name == "PRM_MAX_NETWORK_DEPTH" else "min_bucket"
    assert getattr(settings, field) == value


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("PRM_MAX_NETWORK_DEPTH", "0", "between 1 and 10"),
        ("PRM_MAX_NETWORK_DEPTH", "-2", "between 1 and 10"),
        ("PRM_MAX_NETWORK_DEPTH", "11", "between 1 and 10"),
        ("PRM_MAX_NETWORK_DEPTH", "deep", "must be a number, got 'deep'"),
        ("PRM_MAX_NETWORK_DEPTH", "2.5", "must be a whole number, got '2.5'"),
        ("PRM_MAX_NETWORK_DEPTH", "inf", "must be a whole number, got 'inf'"),
        ("PRM_MIN_BUCKET", "0", "at least 1"),
        ("PRM_MIN_BUCKET", "-3", "at least 1"),
        ("PRM_MIN_BUCKET", "three", "must be a number, got 'three'"),
        ("PRM_MIN_BUCKET", "1.5", "must be a whole number, got '1.5'"),
        ("PRM_MIN_BUCKET", "nan", "must be a whole number, got 'nan'"),
    ],
)
def test_bad_values_stop_the_start_naming_the_setting(name: str, raw: str, message: str) -> None:
    with pytest.raises(SettingsError, match=f"^{name} ") as caught:
        Settings.from_env({**DEV, name: raw})
    assert message in str(caught.value)


def test_prm_serve_with_a_bad_setting_exits_with_its_message_and_no_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PRM_ENV", "dev")
    monkeypatch.setenv("PRM_MIN_BUCKET", "0")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err == "prm: PRM_MIN_BUCKET must be at least 1\n"


def test_account_space_is_what_str_strip_drops() -> None:
    everything = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
    assert everything == ACCOUNT_SPACE


@pytest.mark.parametrize("domain", ["acme.example", " ACME.example\t", "\u00a0Acme.Example\x85"])
def test_an_account_is_the_domain_without_surrounding_space_in_lower_case(domain: str) -> None:
    assert account_key("cu-1", domain) == "domain:acme.example"
