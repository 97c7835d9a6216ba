"""Expansion of Graph's patternedRecurrence into occurrence dates."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from devtools.graph_simulator.errors import GraphError

DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
INDEXES = ["first", "second", "third", "fourth"]
PATTERNS = {"daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly", "relativeYearly"}
# A series without end must still terminate when nobody bounds the walk.
MAX_CANDIDATES = 100_000


def _invalid(message: str) -> GraphError:
    return GraphError(400, "ErrorInvalidRequest", f"Invalid recurrence: {message}")


def validate(recurrence: dict[str, Any]) -> None:
    pattern = recurrence.get("pattern")
    rng = recurrence.get("range")
    if not isinstance(pattern, dict) or not isinstance(rng, dict):
        raise _invalid("pattern and range are required.")
    if pattern.get("type") not in PATTERNS:
        raise _invalid(f"pattern type {pattern.get('type')!r} is not supported.")
    if int(pattern.get("interval") or 1) < 1:
        raise _invalid("interval must be at least 1.")
    if pattern["type"] in ("weekly", "relativeMonthly", "relativeYearly"):
        days = pattern.get("daysOfWeek") or []
        if not days or any(str(d).lower() not in DAYS for d in days):
            raise _invalid("daysOfWeek is required for this pattern.")
    if rng.get("type") not in ("endDate", "noEnd", "numberOfOccurrences"):
        raise _invalid(f"range type {rng.get('type')!r} is not supported.")
    if rng["type"] == "endDate" and not rng.get("endDate"):
        raise _invalid("endDate is required.")
    if rng["type"] == "numberOfOccurrences" and int(rng.get("numberOfOccurrences") or 0) < 1:
        raise _invalid("numberOfOccurrences must be at least 1.")


def _weekdays(pattern: dict[str, Any]) -> list[int]:
    return sorted(DAYS.index(str(d).lower()) for d in pattern.get("daysOfWeek") or [])


def _add_months(start: date, months: int) -> tuple[int, int]:
    total = start.year * 12 + start.month - 1 + months
    return total // 12, total % 12 + 1


def _relative_day(year: int, month: int, weekdays: list[int], index: str) -> date | None:
    days = [
        date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if date(year, month, d).weekday() in weekdays
    ]
    if not days:
        return None
    if index == "last":
        return days[-1]
    position = INDEXES.index(index) if index in INDEXES else 0
    return days[position] if position < len(days) else None


def _candidates(pattern: dict[str, Any], start: date) -> Iterator[date]:
    kind = pattern["type"]
    interval = int(pattern.get("interval") or 1)
    if kind == "daily":
        step = 0
        while True:
            yield start + timedelta(days=step)
            step += interval
    elif kind == "weekly":
        first_day = DAYS.index(str(pattern.get("firstDayOfWeek") or "sunday").lower())
        week_start = start - timedelta(days=(start.weekday() - first_day) % 7)
        offsets = sorted((d - first_day) % 7 for d in _weekdays(pattern))
        week = 0
        while True:
            for offset in offsets:
                day = week_start + timedelta(days=7 * week + offset)
                if day >= start:
                    yield day
            week += interval
    else:
        months_step = interval * (12 if kind.endswith("Yearly") else 1)
        anchor = start
        if kind.endswith("Yearly"):
            anchor = date(start.year, int(pattern.get("month") or start.month), 1)
        step = 0
        while True:
            year, month = _add_months(anchor.replace(day=1), step)
            found: date | None
            if kind.startswith("absolute"):
                wanted = int(pattern.get("dayOfMonth") or start.day)
                found = date(year, month, min(wanted, calendar.monthrange(year, month)[1]))
            else:
                found = _relative_day(year, month, _weekdays(pattern), str(pattern.get("index") or "first"))
            if found is not None and found >= start:
                yield found
            step += months_step


def occurrence_dates(recurrence: dict[str, Any], series_start: date, until: date) -> Iterator[date]:
    """Dates of the series' occurrences, in order, up to and including `until`."""
    pattern, rng = recurrence["pattern"], recurrence["range"]
    start = date.fromisoformat(str(rng["startDate"])[:10]) if rng.get("startDate") else series_start
    end = date.fromisoformat(str(rng["endDate"])[:10]) if rng["type"] == "endDate" else None
    remaining = int(rng.get("numberOfOccurrences") or 0) if rng["type"] == "numberOfOccurrences" else None
    for seen, day in enumerate(_candidates(pattern, start)):
        if day > until or (end is not None and day > end) or remaining == 0 or seen >= MAX_CANDIDATES:
            return
        if remaining is not None:
            remaining -= 1
        yield day
