"""Builders for Graph event JSON and appointments used by the domain tests."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from shared.domain.appointment import Appointment

DAY = date(2026, 11, 24)


def at(hhmm: str, day: date = DAY) -> str:
    """Graph's wall-clock format, seven fractional digits included."""
    return f"{day.isoformat()}T{hhmm}:00.0000000"


def graph_event(
    event_id: str,
    subject: str,
    start: str,
    end: str,
    *,
    day: date = DAY,
    time_zone: str = "UTC",
    categories: list[str] | None = None,
    show_as: str = "busy",
    importance: str = "normal",
    **extra: Any,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "id": event_id,
        "iCalUId": f"ical-{event_id}",
        "subject": subject,
        "start": {"dateTime": at(start, day), "timeZone": time_zone},
        "end": {"dateTime": at(end, day), "timeZone": time_zone},
        "categories": ["Client ABC - billable"] if categories is None else categories,
        "showAs": show_as,
        "importance": importance,
        "sensitivity": "normal",
        "isAllDay": False,
        "isCancelled": False,
        "type": "singleInstance",
    }
    event.update(extra)
    return event


def appt(
    event_id: str,
    start: str,
    end: str,
    subject: str = "Meeting",
    *,
    categories: list[str] | None = None,
    show_as: str = "busy",
    importance: str = "normal",
    **extra: Any,
) -> Appointment:
    return Appointment.from_graph(
        graph_event(
            event_id, subject, start, end, categories=categories, show_as=show_as, importance=importance, **extra
        )
    )


def hm(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def all_day_event(event_id: str, subject: str, day: date = DAY, time_zone: str = "UTC", **extra: Any) -> dict[str, Any]:
    event = graph_event(event_id, subject, "00:00", "00:00", day=day, time_zone=time_zone, isAllDay=True, **extra)
    event["end"] = {"dateTime": at("00:00", date.fromordinal(day.toordinal() + 1)), "timeZone": time_zone}
    return event
