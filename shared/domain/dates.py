"""Date expressions, time zones and the local archive day."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic.dataclasses import dataclass

DEFAULT_DATE_EXPRESSION = "yesterday"
DEFAULT_TIME_ZONE = "UTC"

_HINT = (
    "use yesterday, today, YYYY-MM-DD, D-M-YYYY, D/M/YYYY, D Mon YYYY, last 7 days, last 30 days, last week, "
    "last month or 'A to B'"
)

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# Day first; the same separator twice; the month as a number or an English name.
_DAY_FIRST = re.compile(r"(\d{1,2})([-/ ])([0-9]{1,2}|[a-z]+)\2(\d{4})")
_RANGE_SEPARATOR = re.compile(r"\s+to\s+")


class DateExpressionError(ValueError):
    """A date expression that cannot be understood; the message names the value."""


class UnknownTimeZoneError(ValueError):
    """A time zone name that is not a known IANA zone."""


@dataclass(frozen=True)
class DateRange:
    """Inclusive range of local dates."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"date range end {self.end} is before start {self.start}")

    def days(self) -> list[date]:
        return [self.start + timedelta(days=offset) for offset in range((self.end - self.start).days + 1)]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def parse_date_expression(expr: str, today: date) -> DateRange:
    """Turn a user's date expression into a range; `today` is the local date in the job's zone."""
    text = " ".join(str(expr).strip().lower().split())
    parts = _RANGE_SEPARATOR.split(text)
    if len(parts) == 2:
        first, last = (_parse_single(part, today, expr) for part in parts)
        if last.end < first.start:
            raise DateExpressionError(
                f"invalid date range: {expr!r} (end {last.end.isoformat()} is before start {first.start.isoformat()})"
            )
        return DateRange(first.start, last.end)
    if len(parts) > 2:
        raise _invalid(expr)
    return _parse_single(text, today, expr)


def _parse_single(text: str, today: date, expr: str) -> DateRange:
    yesterday = today - timedelta(days=1)
    if text == "today":
        return DateRange(today, today)
    if text == "yesterday":
        return DateRange(yesterday, yesterday)
    if text == "last 7 days":
        return DateRange(yesterday - timedelta(days=6), yesterday)
    if text == "last 30 days":
        return DateRange(yesterday - timedelta(days=29), yesterday)
    if text == "last week":
        # The most recent Sunday strictly before today ends the last complete Monday-Sunday week.
        sunday = today - timedelta(days=today.weekday() + 1)
        return DateRange(sunday - timedelta(days=6), sunday)
    if text == "last month":
        last_day = today.replace(day=1) - timedelta(days=1)
        return DateRange(last_day.replace(day=1), last_day)
    day = _parse_calendar_date(text, expr)
    return DateRange(day, day)


def _parse_calendar_date(text: str, expr: str) -> date:
    iso = _ISO.fullmatch(text)
    if iso:
        year, month, day = (int(group) for group in iso.groups())
        return _make_date(year, month, day, expr)
    day_first = _DAY_FIRST.fullmatch(text)
    if day_first:
        day_text, _, month_text, year_text = day_first.groups()
        month_number = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text)
        if month_number is None:
            raise _invalid(expr)
        return _make_date(int(year_text), month_number, int(day_text), expr)
    raise _invalid(expr)


def _make_date(year: int, month: int, day: int, expr: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateExpressionError(f"invalid date expression: {expr!r} (no such date)") from None


def _invalid(expr: str) -> DateExpressionError:
    return DateExpressionError(f"invalid date expression: {expr!r} ({_HINT})")


@lru_cache(maxsize=256)
def load_zone(name: str) -> ZoneInfo:
    """The IANA zone called `name`, or UnknownTimeZoneError naming it."""
    if not isinstance(name, str) or not name.strip():
        raise UnknownTimeZoneError(f"unknown time zone: {name!r}")
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # ValueError/OSError cover keys that are not zone names at all (paths, directories).
        raise UnknownTimeZoneError(f"unknown time zone: {name!r} (use an IANA name such as Europe/London)") from None


def local_day_window(day: date, tz: str) -> tuple[datetime, datetime]:
    """Local midnight to the next local midnight, as aware datetimes with fixed offsets.

    Fixed offsets (not the ZoneInfo itself) make `end - start` the real elapsed time: 23 or 25 hours on DST days.
    """
    zone = load_zone(tz)
    return _local_midnight(day, zone), _local_midnight(day + timedelta(days=1), zone)


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    # A round trip through UTC moves a midnight that does not exist (DST gap at 00:00) to the first real instant.
    instant = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    local = instant.astimezone(zone)
    offset = local.utcoffset() or timedelta(0)
    return local.replace(tzinfo=timezone(offset))


def local_today(tz: str, now: datetime) -> date:
    """The local date in zone `tz` at instant `now` (which must be aware)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    return now.astimezone(load_zone(tz)).date()
