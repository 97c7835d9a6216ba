"""A realistic consultant's week (Europe/London, Monday 21 to Friday 25 April 2025) as archive-calendar events."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.domain.timesheet_models import Period

ZONE = "Europe/London"
WEEK = Period(start=date(2025, 4, 21), end=date(2025, 4, 25))
ACME = "Acme Corp - billable"
ACME_NB = "Acme Corp - non-billable"
GLOBEX = "Billable - Globex"


def ev(
    event_id: str, day: int, start: str, end: str, subject: str, categories: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "id": event_id,
        "iCalUId": f"ical-{event_id}",
        "subject": subject,
        "start": {"dateTime": f"2025-04-{day:02d}T{start}:00.0000000", "timeZone": ZONE},
        "end": {"dateTime": f"2025-04-{day:02d}T{end}:00.0000000", "timeZone": ZONE},
        "categories": [ACME] if categories is None else categories,
        "showAs": "busy",
        "importance": "normal",
        "sensitivity": "normal",
        "isAllDay": False,
        "isCancelled": False,
        "location": {"displayName": ""},
    }
    event.update(extra)
    return event


def week_events() -> list[dict[str, Any]]:
    return [
        # Monday: travel to the customer, a workshop, a private-by-the-user call, travel back.
        ev("a1", 21, "08:00", "08:45", "Travel to Acme HQ", sensitivity="private"),
        ev("a2", 21, "09:00", "12:30", "Requirements workshop", location={"displayName": "Acme HQ, Leeds"}),
        ev("a3", 21, "13:30", "14:14", "Salary review with Acme HR", sensitivity="private"),
        ev("a4", 21, "17:00", "17:45", "Travel home"),
        # Tuesday: design work, an internal non-billable review, a formula-looking subject, a personal lunch.
        ev("a5", 22, "09:00", "11:15", "=Design data model"),
        ev("a6", 22, "11:30", "12:00", "Internal review", [ACME_NB]),
        ev("p1", 22, "12:00", "13:00", "Lunch with Sam", []),
        ev("g1", 22, "14:00", "15:30", "Globex kickoff – café planning", [GLOBEX],
           location={"displayName": "Globex, Zürich"}),
        # Wednesday: two busy meetings of one importance overlap: held for review, never billed twice.
        ev("a7", 23, "10:00", "11:00", "Status meeting"),
        ev("a8", 23, "10:30", "11:30", "Architecture call"),
        # Thursday: a tentative overlap loses to a busy one; excluded kinds.
        ev("a9", 24, "12:30", "14:00", "Migration planning"),
        ev("a10", 24, "13:00", "13:30", "Optional sync", showAs="tentative"),
        ev("x1", 24, "09:00", "09:30", "Cancelled stand-up", isCancelled=True),
        ev("x2", 24, "15:00", "16:00", "Focus time (free)", showAs="free"),
        ev("x3", 24, "16:00", "16:30", "Webinar", ["Online"]),
        ev("x4", 24, "16:30", "17:00", "Odd category", ["Invalid Category"]),
        all_day("x5", 24, "Acme public holiday"),
        ev("x6", 24, "17:00", "17:30", "Timesheet admin", ["Admin - non-billable"]),
        # Friday: a flight for Globex and a short CJK/emoji-named meeting.
        ev("g2", 25, "07:00", "09:00", "Flight to Zürich", [GLOBEX]),
        ev("g3", 25, "10:00", "10:50", "東京チーム sync 🚀", [GLOBEX]),
        # Outside the week (Sunday evening, touching Monday in UTC): not counted, not excluded.
        ev("o1", 20, "22:00", "23:00", "Weekend prep"),
    ]


def all_day(event_id: str, day: int, subject: str) -> dict[str, Any]:
    event = ev(event_id, day, "00:00", "00:00", subject, isAllDay=True)
    event["start"] = {"dateTime": f"2025-04-{day:02d}T00:00:00.0000000", "timeZone": "UTC"}
    event["end"] = {"dateTime": f"2025-04-{day + 1:02d}T00:00:00.0000000", "timeZone": "UTC"}
    return event
