"""Cursors and global ids are checked before anything reaches the database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graph import BadUserInput, CursorCodec
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
