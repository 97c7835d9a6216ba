"""Timer trigger schedules: six-field NCRONTAB (`sec min hour day month day-of-week`) or a TimeSpan (`hh:mm:ss`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_MONTHS = {name: i for i, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_DAYS = {name: i for i, name in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])}
_TIMESPAN = re.compile(r"^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$")
# (low, high, names) for second, minute, hour, day, month, day of week
_FIELDS: tuple[tuple[int, int, dict[str, int]], ...] = (
    (0, 59, {}), (0, 59, {}), (0, 23, {}), (1, 31, {}), (1, 12, _MONTHS), (0, 6, _DAYS),
)
_HORIZON = timedelta(days=366 * 5)


class ScheduleError(ValueError):
    """A schedule that is neither NCRONTAB nor a TimeSpan; the message quotes it."""


@dataclass(frozen=True)
class Schedule:
    text: str
    interval: timedelta | None
    allowed: tuple[frozenset[int], ...]
    any_day: bool
    any_weekday: bool

    @classmethod
    def parse(cls, text: str) -> Schedule:
        span = _TIMESPAN.match(text.strip())
        if span:
            days, hours, minutes, seconds = (int(g or 0) for g in span.groups())
            interval = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
            if interval <= timedelta(0):
                raise ScheduleError(f"Timer schedule {text!r} is an empty interval")
            return cls(text, interval, (), True, True)
        fields = text.split()
        if len(fields) != 6:
            raise ScheduleError(f"Timer schedule {text!r} must have six NCRONTAB fields")
        allowed = tuple(_parse_field(f, *spec, text) for f, spec in zip(fields, _FIELDS, strict=True))
        weekdays = frozenset(d % 7 for d in allowed[5])  # 7 is Sunday as well
        return cls(text, None, (*allowed[:5], weekdays), fields[3] == "*", fields[5] == "*")

    def next_after(self, moment: datetime) -> datetime:
        """The first occurrence strictly after `moment` (UTC)."""
        moment = moment.astimezone(UTC).replace(microsecond=0) + timedelta(seconds=1)
        if self.interval is not None:
            return moment - timedelta(seconds=1) + self.interval
        seconds, minutes, hours, days, months, weekdays = self.allowed
        limit = moment + _HORIZON
        candidate = moment
        while candidate < limit:
            if candidate.month not in months:
                candidate = _first_of_next_month(candidate)
            elif not self._day_matches(candidate, days, weekdays):
                candidate = (candidate + timedelta(days=1)).replace(hour=0, minute=0, second=0)
            elif candidate.hour not in hours:
                candidate = (candidate + timedelta(hours=1)).replace(minute=0, second=0)
            elif candidate.minute not in minutes:
                candidate = (candidate + timedelta(minutes=1)).replace(second=0)
            elif candidate.second not in seconds:
                candidate += timedelta(seconds=1)
            else:
                return candidate
        raise ScheduleError(f"Timer schedule {self.text!r} never fires")

    def _day_matches(self, moment: datetime, days: frozenset[int], weekdays: frozenset[int]) -> bool:
        day_ok, weekday_ok = moment.day in days, (moment.isoweekday() % 7) in weekdays
        if self.any_day or self.any_weekday:
            return day_ok and weekday_ok
        return day_ok or weekday_ok  # cron: either restriction matches when both are given


def _parse_field(text: str, low: int, high: int, names: dict[str, int], schedule: str) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        body, _, step_text = part.partition("/")
        try:
            step = int(step_text) if step_text else 1
            if body == "*":
                start, end = low, high
            elif "-" in body:
                first, last = body.split("-", 1)
                start, end = _value(first, names), _value(last, names)
            else:
                start = _value(body, names)
                end = high if step_text else start
        except ValueError as bad:
            raise ScheduleError(f"Timer schedule {schedule!r} has an invalid field {text!r}") from bad
        upper = 7 if names is _DAYS else high
        if step < 1 or start < low or end > upper or start > end:
            raise ScheduleError(f"Timer schedule {schedule!r} has an out-of-range field {text!r}")
        values.update(range(start, end + 1, step))
    return frozenset(values)


def _value(text: str, names: dict[str, int]) -> int:
    return names[text.lower()[:3]] if text.lower()[:3] in names else int(text)


def _first_of_next_month(moment: datetime) -> datetime:
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return moment.replace(year=year, month=month, day=1, hour=0, minute=0, second=0)
