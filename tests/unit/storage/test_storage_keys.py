from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.storage.keys import MAX_KEY_LENGTH, safe_key, unsafe_key, user_key

FORBIDDEN = set("/\\#?%") | {chr(c) for c in range(0x20)} | {chr(c) for c in range(0x7F, 0xA0)}


@given(st.text())
def test_any_text_round_trips(value: str) -> None:
    assert unsafe_key(safe_key(value)) == value


@given(st.text())
def test_encoded_keys_hold_no_character_the_service_forbids(value: str) -> None:
    assert not set(safe_key(value)) & FORBIDDEN


@given(st.text(alphabet=st.characters(exclude_characters="/\\#?%!", exclude_categories=["Cc"])))
def test_ordinary_text_is_left_as_is(value: str) -> None:
    assert safe_key(value) == value


@given(st.lists(st.datetimes(), min_size=2, max_size=10))
def test_iso_timestamps_keep_their_order(moments: list) -> None:
    keys = [safe_key(m.isoformat()) for m in moments]
    assert sorted(keys) == [safe_key(m.isoformat()) for m in sorted(moments)]


def test_examples() -> None:
    assert safe_key("a/b#c?d\\e%f!g") == "a!2Fb!23c!3Fd!5Ce!25f!21g"
    assert safe_key("2025-03-10T09:00:00+01:00") == "2025-03-10T09:00:00+01:00"
    assert safe_key("line\nbreak") == "line!0Abreak"


def test_user_keys_ignore_case_and_surrounding_space() -> None:
    assert user_key(" Adele.Vance@Contoso.com ") == user_key("adele.vance@contoso.com") == "adele.vance@contoso.com"


def test_a_key_we_did_not_produce_is_rejected() -> None:
    with pytest.raises(ValueError, match="not a key produced by safe_key"):
        unsafe_key("bad!zz")


def test_keys_longer_than_the_service_allows_are_refused() -> None:
    safe_key("a" * MAX_KEY_LENGTH)
    with pytest.raises(ValueError, match="longer than"):
        safe_key("/" * (MAX_KEY_LENGTH // 3 + 1))
