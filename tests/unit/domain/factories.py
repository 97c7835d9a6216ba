"""Builders for Graph event JSON and appointments used by the domain tests."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from shared.domain.appointment import Appointment
from tests.factories import stored_event, wall_clock

DAY = date(2026, 11, 24)


def at(hhmm: str, day: date = DAY) -> str:
    """Graph's wall-clock format, seven fractional digits included."""
    return wall_clock(day, hhmm)


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
    """The domain tests' argument order over tests.factories.stored_event, with their own client's category."""
    return stored_event(event_id, day, start, end, subject, time_zone=time_zone,
                        categories=["Client ABC - billable"] if categories is None else categories,
                        **{"showAs": show_as, "importance": importance, **extra})


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
