"""Graph event payloads for tests: a new event as it is POSTed to Graph, and an event as Graph returns it.

Every test that seeds a calendar (simulator, fakes, domain rules, benchmarks) builds its events here, so an event
looks the same to all of them: busy, normal importance, one billable category unless the test says otherwise."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

BILLABLE = "Acme Corp - billable"


def wall_clock(day: date | str, hhmm: str) -> str:
    """Graph's local date-time form for `hhmm` on `day`, with the seven fractional digits Graph writes."""
    return f"{day}T{hhmm}:00.0000000"


def graph_event(day: date | str, start: str, end: str, subject: str, *, time_zone: str = "UTC",
                categories: list[Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A new event from `start` to `end` (HH:MM wall clock in `time_zone`) on `day`, as a client POSTs it."""
    return _event(subject, wall_clock(day, start), wall_clock(day, end), time_zone, categories, extra)


def graph_event_at(subject: str, start: datetime, minutes: int = 30, **extra: Any) -> dict[str, Any]:
    """A new event of `minutes` from the UTC instant `start`."""
    end = start + timedelta(minutes=minutes)
    return _event(subject, wall_clock(start.date(), start.strftime("%H:%M")),
                  wall_clock(end.date(), end.strftime("%H:%M")), "UTC", None, extra)


def stored_event(event_id: str, day: date | str, start: str, end: str, subject: str, *, time_zone: str = "UTC",
                 categories: list[Any] | None = None, **extra: Any) -> dict[str, Any]:
    """An event as Graph returns it: no body asked for, plus the id, iCalUId, sensitivity, flags and type."""
    event = graph_event(day, start, end, subject, time_zone=time_zone, categories=categories)
    del event["body"]
    event.update({"id": event_id, "iCalUId": f"ical-{event_id}", "sensitivity": "normal", "isAllDay": False,
                  "isCancelled": False, "type": "singleInstance"})
    event.update(extra)
    return event


def _event(subject: str, start: str, end: str, time_zone: str, categories: list[Any] | None,
           extra: dict[str, Any]) -> dict[str, Any]:
    event: dict[str, Any] = {
        "subject": subject,
        "body": {"contentType": "text", "content": f"About {subject}"},
        "start": {"dateTime": start, "timeZone": time_zone},
        "end": {"dateTime": end, "timeZone": time_zone},
        "categories": [BILLABLE] if categories is None else categories,
        "showAs": "busy",
        "importance": "normal",
    }
    event.update(extra)
    return event
