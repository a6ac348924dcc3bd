"""What an erasure leaves of an audit event's detail, and the tombstone's keyed hash."""

from __future__ import annotations

import json

from graph.commands.erasures import ERASED, scrub_detail, tombstone_id


def test_a_detail_loses_every_string_that_contains_an_erased_value_at_any_depth() -> None:
    detail = json.dumps(
        {
            "customer": "cu-000007",
            "note": "Call ACME GmbH first",
            "nested": [{"email": "boss@acme.example"}, 3, None],
            "cu-000007": "a key that names it",
            "amount": 900.0,
        }
    )
    scrubbed = scrub_detail(detail, ["cu-000007", "acme gmbh", "acme.example"], free_text=False)
    assert json.loads(scrubbed or "") == {
        "customer": ERASED,
        "note": ERASED,
        "nested": [{"email": ERASED}, 3, None],
        "amount": 900.0,
    }


def test_an_event_about_an_erased_customers_deal_loses_its_free_text_whatever_it_says() -> None:
    detail = json.dumps({"from": "SUBMITTED", "to": "REJECTED", "reason": "they buy direct"})
    kept = json.loads(scrub_detail(detail, ["acme"], free_text=False) or "")
    gone = json.loads(scrub_detail(detail, ["acme"], free_text=True) or "")
    assert kept["reason"] == "they buy direct"
    assert gone == {"from": "SUBMITTED", "to": "REJECTED"}


def test_a_detail_that_is_not_json_is_erased_whole() -> None:
    assert scrub_detail("Acme said no", ["acme"], free_text=False) == json.dumps(ERASED)
    assert scrub_detail(None, ["acme"], free_text=False) is None


def test_a_tombstone_depends_on_the_key_the_owner_and_the_account() -> None:
    one = tombstone_id(b"k" * 32, "co-1", "domain:acme.example")
    assert one == tombstone_id(b"k" * 32, "co-1", "domain:acme.example")
    assert "acme" not in one
    assert (
        len(
            {
                one,
                tombstone_id(b"x" * 32, "co-1", "domain:acme.example"),
                tombstone_id(b"k" * 32, "co-2", "domain:acme.example"),
                tombstone_id(b"k" * 32, "co-1", "domain:other.example"),
            }
        )
        == 4
    )
