"""Cursors and global ids are checked before anything reaches the database."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph import BadUserInput, CursorCodec
from graph.cursors import Keyset
from schema.ids import expect_global_id, from_global_id, to_global_id

codec = CursorCodec(b"k" * 32)


@pytest.mark.parametrize("key", ["Acme", 12.5, 3, None, datetime(2026, 1, 2, 3, 4, tzinfo=UTC)])
def test_a_cursor_round_trips_its_sort_key_and_id(key: object) -> None:
    keyset = codec.decode("customers:NAME:ASC", codec.encode("customers:NAME:ASC", key, "cu-1"))
    assert (keyset.key, keyset.id) == (key, "cu-1")


def test_a_cursor_signed_with_another_secret_is_refused() -> None:
    cursor = CursorCodec(b"x" * 32).encode("customers:NAME:ASC", "a", "cu-1")
    with pytest.raises(BadUserInput):
        codec.decode("customers:NAME:ASC", cursor)


def test_a_cursor_of_another_ordering_is_refused() -> None:
    cursor = codec.encode("customers:NAME:ASC", "a", "cu-1")
    with pytest.raises(BadUserInput, match="another list or ordering"):
        codec.decode("customers:NAME:DESC", cursor)


@pytest.mark.parametrize("cursor", ["", "!!!", "YWJj", "a" * 400])
def test_garbage_cursors_are_bad_user_input(cursor: str) -> None:
    with pytest.raises(BadUserInput):
        codec.decode("customers:NAME:ASC", cursor)


def signed(payload: bytes) -> str:
    return base64.urlsafe_b64encode(codec._mac(payload) + payload).decode().rstrip("=")


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(st.characters(codec=None, categories=None)),  # lone surrogates too
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


def decoded(cursor: str) -> Keyset | BadUserInput:
    """The keyset, or the refusal: any other exception fails the test."""
    try:
        return codec.decode("customers:NAME:ASC", cursor)
    except BadUserInput as exc:
        return exc


@given(cursor=st.text())
def test_any_string_decodes_to_a_keyset_or_bad_user_input(cursor: str) -> None:
    result = decoded(cursor)
    if isinstance(result, BadUserInput):
        assert result.extensions == {"argument": "after"}


@given(
    payload=json_values.map(lambda v: json.dumps(v).encode())
    | st.tuples(json_values, json_values).map(
        lambda kv: json.dumps(["customers:NAME:ASC", *kv]).encode()
    )
    | st.builds(lambda k: json.dumps(["customers:NAME:ASC", {"dt": k}, "cu-1"]).encode(), st.text())
    | st.binary()
)
def test_a_signed_payload_of_the_wrong_shape_or_types_is_bad_user_input(payload: bytes) -> None:
    """What a leaked secret or a bug could sign: never anything but BAD_USER_INPUT, and
    what passes is a key the driver can send (int64, UTF-8 text, a datetime...)."""
    keyset = decoded(signed(payload))
    if isinstance(keyset, BadUserInput):
        assert keyset.extensions == {"argument": "after"}
        return
    sendable(keyset.key)
    sendable(keyset.id)
    assert isinstance(keyset.id, str)


def sendable(value: Any) -> None:
    if isinstance(value, str):
        value.encode("utf-8")
    elif isinstance(value, int) and not isinstance(value, bool):
        assert -(2**63) <= value < 2**63
    else:
        assert value is None or isinstance(value, bool | float | datetime), value


@given(cut=st.integers(0, 200))
def test_a_truncated_cursor_is_bad_user_input(cut: int) -> None:
    cursor = codec.encode("customers:NAME:ASC", "Acme", "cu-1")
    if cut >= len(cursor):
        return
    with pytest.raises(BadUserInput):
        codec.decode("customers:NAME:ASC", cursor[:cut])


@pytest.mark.parametrize(
    "key",
    [{"x": 1}, {"dt": "yesterday"}, {"dt": 5}, {"dt": "2026-01-01", "x": 1}, [1], 2**63, "\ud800"],
)
def test_a_signed_key_the_codec_never_writes_is_bad_user_input(key: object) -> None:
    payload = json.dumps(["customers:NAME:ASC", key, "cu-1"]).encode()
    with pytest.raises(BadUserInput, match="Invalid cursor"):
        codec.decode("customers:NAME:ASC", signed(payload))


def test_global_ids_are_base64_of_type_and_graph_id() -> None:
    assert to_global_id("Customer", "cu-000001") == "Q3VzdG9tZXI6Y3UtMDAwMDAx"
    assert from_global_id("Q3VzdG9tZXI6Y3UtMDAwMDAx") == ("Customer", "cu-000001")


@pytest.mark.parametrize(
    "bad",
    ["", "not base64!", to_global_id("Nope", "x"), "Q3VzdG9tZXI=", "' OR 1=1 //", "\u0000"],
)
def test_malformed_or_unknown_global_ids_are_bad_user_input(bad: str) -> None:
    with pytest.raises(BadUserInput):
        from_global_id(bad)


def test_an_id_of_another_type_is_bad_user_input() -> None:
    with pytest.raises(BadUserInput, match="Expected a Customer id, got a Company id"):
        expect_global_id(to_global_id("Company", "co-1"), "Customer")
