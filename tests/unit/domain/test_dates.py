from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.dates import (
    DateExpressionError,
    DateRange,
    UnknownTimeZoneError,
    load_zone,
    local_day_window,
    local_today,
    parse_date_expression,
)

WEDNESDAY = date(2026, 11, 25)
MONDAY = date(2026, 11, 23)
SUNDAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("expr", "today", "start", "end"),
    [
        ("yesterday", WEDNESDAY, date(2026, 11, 24), date(2026, 11, 24)),
        ("today", WEDNESDAY, WEDNESDAY, WEDNESDAY),
        ("  YESTERDAY ", WEDNESDAY, date(2026, 11, 24), date(2026, 11, 24)),
        ("2026-11-03", WEDNESDAY, date(2026, 11, 3), date(2026, 11, 3)),
        ("3-11-2026", WEDNESDAY, date(2026, 11, 3), date(2026, 11, 3)),
        ("03/11/2026", WEDNESDAY, date(2026, 11, 3), date(2026, 11, 3)),
        ("3 Nov 2026", WEDNESDAY, date(2026, 11, 3), date(2026, 11, 3)),
        ("3 November 2026", WEDNESDAY, date(2026, 11, 3), date(2026, 11, 3)),
        ("3 11 2026", WEDNESDAY, date(2026, 11, 3), date(2026, 11, 3)),
        ("3-nov-2026", WEDNESDAY, date(2026, 11, 3), date(2026, 11, 3)),
        ("29 Feb 2028", WEDNESDAY, date(2028, 2, 29), date(2028, 2, 29)),
        ("last 7 days", WEDNESDAY, date(2026, 11, 18), date(2026, 11, 24)),
        ("last 30 days", WEDNESDAY, date(2026, 10, 26), date(2026, 11, 24)),
        ("last week", WEDNESDAY, date(2026, 11, 16), date(2026, 11, 22)),
        # On a Monday the week that ended yesterday is the last complete one (the original skipped it).
        ("last week", MONDAY, date(2026, 11, 16), date(2026, 11, 22)),
        # On a Sunday the current week is not complete yet.
        ("last week", SUNDAY, date(2026, 11, 9), date(2026, 11, 15)),
        ("last month", WEDNESDAY, date(2026, 10, 1), date(2026, 10, 31)),
        ("last month", date(2026, 12, 1), date(2026, 11, 1), date(2026, 11, 30)),
        ("last month", date(2026, 11, 30), date(2026, 10, 1), date(2026, 10, 31)),
        ("last month", date(2027, 1, 15), date(2026, 12, 1), date(2026, 12, 31)),
        ("last month", date(2028, 3, 2), date(2028, 2, 1), date(2028, 2, 29)),
        ("2026-11-01 to 2026-11-03", WEDNESDAY, date(2026, 11, 1), date(2026, 11, 3)),
        ("1/11/2026 to yesterday", WEDNESDAY, date(2026, 11, 1), date(2026, 11, 24)),
        ("1 Nov 2026   TO   today", WEDNESDAY, date(2026, 11, 1), WEDNESDAY),
        ("2026-11-03 to 2026-11-03", WEDNESDAY, date(2026, 11, 3), date(2026, 11, 3)),
    ],
)
def test_date_expressions(expr: str, today: date, start: date, end: date) -> None:
    assert parse_date_expression(expr, today) == DateRange(start, end)


@pytest.mark.parametrize(
    "expr",
    [
        "blah",
        "",
        "   ",
        "tomorrow",
        "2026-02-30",
        "31-2-2026",
        "3 Foo 2026",
        "3-11/2026",
        "2026/11/03",
        "last 8 days",
        "last weeks",
        "2026-11-01 to",
        "to 2026-11-01",
        "today to today to today",
        "03-11-26",
    ],
)
def test_invalid_expression_names_the_value(expr: str) -> None:
    with pytest.raises(DateExpressionError) as caught:
        parse_date_expression(expr, WEDNESDAY)
    assert repr(expr) in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_unknown_expression_message_lists_the_accepted_forms() -> None:
    with pytest.raises(
        DateExpressionError, match=r"^invalid date expression: 'blah' \(use yesterday, today, YYYY-MM-DD"
    ):
        parse_date_expression("blah", WEDNESDAY)


def test_range_with_end_before_start_is_an_error() -> None:
    with pytest.raises(DateExpressionError, match="end 2026-11-01 is before start 2026-11-03") as caught:
        parse_date_expression("2026-11-03 to 2026-11-01", WEDNESDAY)
    assert "'2026-11-03 to 2026-11-01'" in str(caught.value)


def test_date_range_days_are_inclusive_and_ordered() -> None:
    days = DateRange(date(2026, 2, 27), date(2026, 3, 2)).days()
    assert days == [date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2)]
    assert date(2026, 3, 1) in DateRange(date(2026, 2, 27), date(2026, 3, 2))
    assert date(2026, 3, 3) not in DateRange(date(2026, 2, 27), date(2026, 3, 2))


def test_date_range_refuses_end_before_start() -> None:
    with pytest.raises(ValueError, match="before start"):
        DateRange(date(2026, 1, 2), date(2026, 1, 1))


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", "../../etc/passwd", "Europe", "Pacific Standard Time"])
def test_unknown_zone_is_named(name: str) -> None:
    with pytest.raises(UnknownTimeZoneError) as caught:
        load_zone(name)
    assert repr(name) in str(caught.value)


def test_known_zone_loads() -> None:
    assert load_zone("Europe/London").key == "Europe/London"


@pytest.mark.parametrize(
    ("tz", "day", "hours", "start_iso"),
    [
        ("UTC", date(2026, 3, 29), 24, "2026-03-29T00:00:00+00:00"),
        ("Europe/London", date(2026, 3, 28), 24, "2026-03-28T00:00:00+00:00"),
        ("Europe/London", date(2026, 3, 29), 23, "2026-03-29T00:00:00+00:00"),
        ("Europe/London", date(2026, 10, 25), 25, "2026-10-25T00:00:00+01:00"),
        ("Pacific/Auckland", date(2026, 4, 5), 25, "2026-04-05T00:00:00+13:00"),
        ("Pacific/Auckland", date(2026, 9, 27), 23, "2026-09-27T00:00:00+12:00"),
        ("America/New_York", date(2026, 3, 8), 23, "2026-03-08T00:00:00-05:00"),
    ],
)
def test_local_day_window_spans_local_midnights(tz: str, day: date, hours: int, start_iso: str) -> None:
    start, end = local_day_window(day, tz)
    assert start.isoformat() == start_iso
    assert end - start == timedelta(hours=hours)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=hours)
    zone = load_zone(tz)
    assert start.astimezone(zone).date() == day
    assert (end.astimezone(zone).date(), end.astimezone(zone).hour) == (day + timedelta(days=1), 0)


def test_local_day_window_when_midnight_does_not_exist() -> None:
    # Havana springs forward at 00:00: the day starts at 01:00 local, 05:00 UTC.
    start, end = local_day_window(date(2026, 3, 8), "America/Havana")
    assert start.astimezone(UTC) == datetime(2026, 3, 8, 5, tzinfo=UTC)
    assert end - start == timedelta(hours=23)


def test_local_day_window_refuses_unknown_zone() -> None:
    with pytest.raises(UnknownTimeZoneError, match="Nowhere/Land"):
        local_day_window(date(2026, 1, 1), "Nowhere/Land")


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        ("UTC", date(2026, 11, 24)),
        ("Pacific/Auckland", date(2026, 11, 25)),
        ("America/Los_Angeles", date(2026, 11, 24)),
    ],
)
def test_local_today(tz: str, expected: date) -> None:
    assert local_today(tz, datetime(2026, 11, 24, 23, 30, tzinfo=UTC)) == expected


def test_local_today_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_today("UTC", datetime(2026, 11, 24, 23, 30))
