from __future__ import annotations

import datetime as dt
import json

import pytest

from shared.storage.codec import MAX_TEXT_CHARS, clamp_int32, fit_text, join_text, split_text, to_json
from shared.storage.errors import InvalidContinuationError
from shared.storage.query import Filter, decode_continuation, encode_continuation, instant_bounds
from tests.fakes.storage import page_in_memory


def test_small_json_is_stored_as_is() -> None:
    assert json.loads(to_json({"a": [1, "b"], "é": None})) == {"a": [1, "b"], "é": None}


def test_long_strings_and_lists_are_shortened_but_stay_valid_json() -> None:
    value = {"subjects": ["s" * 1000] * 500, "count": 500}

    text = to_json(value)
    decoded = json.loads(text)

    assert len(text) <= MAX_TEXT_CHARS
    assert decoded["_truncated"] is True and decoded["count"] == 500
    assert len(decoded["subjects"]) == 51 and decoded["subjects"][-1].endswith("more items]")


def test_a_value_that_cannot_be_shrunk_becomes_a_preview() -> None:
    value = {f"k{i}": i for i in range(20_000)}

    decoded = json.loads(to_json(value))

    assert decoded["_truncated"] is True and decoded["preview"].startswith('{"k0":0')


def test_fit_text_marks_what_was_cut() -> None:
    assert fit_text("abc", 5) == "abc"
    cut = fit_text("x" * 100, 60)
    assert len(cut) == 60 and cut.endswith("[truncated 40 characters]")


def test_split_and_join_restore_long_text() -> None:
    text = "".join(chr(0x41 + i % 26) for i in range(MAX_TEXT_CHARS * 3 + 5))

    parts = split_text("items", text)

    assert list(parts) == ["items", "items_1", "items_2", "items_3"]
    assert join_text(parts, "items") == text
    with pytest.raises(ValueError, match="too large"):
        split_text("items", text, max_parts=2)


def test_int32_properties_are_clamped() -> None:
    assert clamp_int32(10**12) == 2**31 - 1
    assert clamp_int32(None) is None


def test_continuations_round_trip_and_forgeries_are_refused() -> None:
    token = encode_continuation(("adele@contoso.com|2025-03-10", "2025-03-10T09:00:00.000000Z_abc"))

    assert decode_continuation(token) == ("adele@contoso.com|2025-03-10", "2025-03-10T09:00:00.000000Z_abc")
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    for forged in ("!!!", "bm90IGpzb24", encode_continuation(("a", "b"))[:-3]):
        with pytest.raises(InvalidContinuationError):
            decode_continuation(forged)


def test_filters_quote_user_input() -> None:
    rendered = Filter().where("user", "eq", "o'brien' or 1 eq 1").where("enabled", "eq", True).render()

    assert rendered == "user eq 'o''brien'' or 1 eq 1' and enabled eq true"


def test_date_bounds_cover_whole_days_and_naive_datetimes_are_refused() -> None:
    low, high = instant_bounds(dt.date(2025, 3, 10), dt.date(2025, 3, 11))
    assert low == dt.datetime(2025, 3, 10, tzinfo=dt.UTC)
    assert high == dt.datetime(2025, 3, 11, 23, 59, 59, 999999, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="time zone"):
        instant_bounds(dt.datetime(2025, 3, 10), None)


def test_in_memory_paging_matches_key_order() -> None:
    items = [("b", "1"), ("a", "2"), ("a", "1")]

    first, token = page_in_memory(items, lambda k: k, 2, None)
    second, end = page_in_memory(items, lambda k: k, 2, token)

    assert first == [("a", "1"), ("a", "2")] and second == [("b", "1")] and end is None
    with pytest.raises(ValueError, match="page_size"):
        page_in_memory(items, lambda k: k, 0, None)
