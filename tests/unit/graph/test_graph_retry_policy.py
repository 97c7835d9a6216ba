from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from shared.graph.retry_policy import (
    MAX_RETRY_AFTER_SECONDS,
    Backoff,
    is_retryable_status,
    parse_retry_after,
    retry_after_from_headers,
)

NOW = datetime(2025, 4, 24, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("2.128", 2.128), ("0", 0.0), ("10", 10.0), (" 3 ", 3.0), ("-5", 0.0), ("0.3", 0.3)],
)
def test_delta_seconds_including_fractions(value: str, seconds: float) -> None:
    assert parse_retry_after(value, now=NOW) == pytest.approx(seconds)


def test_http_date_is_seconds_from_now() -> None:
    assert parse_retry_after("Thu, 24 Apr 2025 12:00:07 GMT", now=NOW) == pytest.approx(7.0)


def test_http_date_in_the_past_means_retry_now() -> None:
    assert parse_retry_after("Thu, 24 Apr 2025 11:59:00 GMT", now=NOW) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "12 parsecs", "nan", "inf", "Thu, 99 Foo 2025"])
def test_unreadable_values_fall_back_to_none(value: str | None) -> None:
    assert parse_retry_after(value, now=NOW) is None


def test_absurd_values_are_capped() -> None:
    assert parse_retry_after("86400", now=NOW) == MAX_RETRY_AFTER_SECONDS


def test_header_lookup_ignores_case() -> None:
    assert retry_after_from_headers({"retry-after": "1.5"}) == 1.5
    assert retry_after_from_headers({"Retry-After": "2"}) == 2.0
    assert retry_after_from_headers({"Content-Type": "application/json"}) is None
    assert retry_after_from_headers(None) is None


@pytest.mark.parametrize(("status", "retryable"), [(429, True), (503, True), (504, True), (502, True),
                                                     (500, False), (400, False), (404, False), (409, False)])
def test_retryable_statuses(status: int, retryable: bool) -> None:
    assert is_retryable_status(status) is retryable


def test_backoff_grows_exponentially_within_jitter_bounds() -> None:
    backoff = Backoff(base=0.5, maximum=30.0, rng=random.Random(7))
    for attempt, step in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (8, 30.0), (20, 30.0)]:
        delays = [backoff.delay(attempt) for _ in range(200)]
        assert min(delays) >= step / 2
        assert max(delays) <= step
        assert max(delays) - min(delays) > step / 10, "jitter must spread the waits"


def test_server_retry_after_wins_over_backoff() -> None:
    backoff = Backoff(base=10.0, maximum=30.0, rng=random.Random(1))
    assert backoff.wait_for(1, 0.3) == 0.3
    assert backoff.wait_for(1, None) >= 5.0
