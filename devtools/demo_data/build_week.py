"""Writes week.json: one realistic consultant's week (16–22 Nov 2026) for the demo. Run it after editing."""

from __future__ import annotations

import json
from pathlib import Path

USER = "adele.vance@contoso.example"
WEEK = ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"]
ACME = "Acme Corp - billable"
GLOBEX = "Globex - billable"
INITECH = "Billable - Initech"
ADMIN = "Admin - non-billable"
PEOPLE = [("Megan Bowen", "megan@contoso.example"), ("Lee Gu", "lee@contoso.example")]


def event(day: str, start: str, end: str, subject: str, categories: list[str] | None = None, **extra: object) -> dict:
    body = {
        "subject": subject,
        "body": {"contentType": "text", "content": f"Notes for {subject}."},
        "start": {"dateTime": f"{day}T{start}:00", "timeZone": "UTC"},
        "end": {"dateTime": f"{day}T{end}:00", "timeZone": "UTC"},
        "categories": categories if categories is not None else [],
        "showAs": "busy",
        "importance": "normal",
        "location": {"displayName": extra.pop("location", "")},
    }
    body.update(extra)
    return body


def all_day(day: str, subject: str, categories: list[str]) -> dict:
    body = event(day, "00:00", "00:00", subject, categories, isAllDay=True, showAs="free")
    next_day = f"{day[:-2]}{int(day[-2:]) + 1:02d}"
    body["end"] = {"dateTime": f"{next_day}T00:00:00", "timeZone": "UTC"}
    return body


def meeting(day: str, start: str, end: str, subject: str, categories: list[str], **extra: object) -> dict:
    attendees = [
        {"type": "required", "emailAddress": {"name": name, "address": address}, "status": {"response": "accepted"}}
        for name, address in PEOPLE
    ]
    return event(
        day, start, end, subject, categories,
        attendees=attendees,
        organizer={"emailAddress": {"name": "Adele Vance", "address": USER}},
        isOnlineMeeting=True,
        onlineMeeting={"joinUrl": "https://teams.example/l/meetup-join/demo"},
        **extra,
    )


def week() -> list[dict]:
    mon, tue, wed, thu, fri = WEEK
    standup = event(mon, "08:30", "08:45", "Team stand-up", [ADMIN])
    standup["recurrence"] = {
        "pattern": {
            "type": "weekly",
            "interval": 1,
            "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
        },
        "range": {"type": "endDate", "startDate": mon, "endDate": fri},
    }
    return [
        standup,
        # Monday: a client meeting extended by a marker, a personal appointment, an overlap busy vs tentative.
        meeting(mon, "10:00", "11:00", "Acme quarterly review", [ACME]),
        event(mon, "11:00", "11:30", "Extended", [ACME]),
        event(mon, "12:30", "13:30", "Lunch with Sam"),
        event(mon, "14:00", "15:00", "Globex design session", [GLOBEX]),
        event(mon, "14:30", "15:30", "Optional brown bag", [ADMIN], showAs="tentative"),
        event(mon, "16:00", "17:00", "Timesheet admin", [ADMIN]),
        # Tuesday: travel, an early-start marker, an all-day event, an invalid category.
        event(tue, "07:00", "08:15", "Drive to Acme site", [ACME]),
        meeting(tue, "09:00", "12:00", "Acme workshop", [ACME], location="Acme HQ"),
        event(tue, "08:45", "09:00", "Early start", [ACME]),
        all_day(tue, "Acme site visit", [ACME]),
        event(tue, "13:00", "14:00", "Initech kickoff prep", [INITECH]),
        event(tue, "15:00", "16:00", "Vendor call", ["Vendor call billable"]),
        event(tue, "17:30", "18:45", "Drive home", [ACME]),
        # Wednesday: importance decides an overlap; a shortened meeting; a cancelled meeting; a free block.
        meeting(wed, "09:00", "10:00", "Globex steering committee", [GLOBEX], importance="high"),
        event(wed, "09:30", "10:30", "Globex backlog grooming", [GLOBEX], importance="low"),
        meeting(wed, "11:00", "12:00", "Initech requirements", [INITECH]),
        event(wed, "11:45", "12:00", "Shortened meeting", [INITECH]),
        event(wed, "13:00", "14:00", "Acme status (moved)", [ACME], isCancelled=True),
        event(wed, "14:00", "16:00", "Focus time", [ADMIN], showAs="free"),
        event(wed, "16:30", "17:30", "Dentist"),
        # Thursday: two busy high-importance meetings that no rule can resolve: a conflict.
        meeting(thu, "10:00", "11:00", "Acme escalation", [ACME], importance="high"),
        meeting(thu, "10:30", "11:30", "Globex contract review", [GLOBEX], importance="high"),
        event(thu, "12:00", "13:00", "Lunch & learn", ["Online"]),
        meeting(thu, "14:00", "15:00", "Initech demo", [INITECH]),
        event(thu, "14:00", "14:10", "Late start", [INITECH]),
        event(thu, "15:30", "16:30", "Break - non-billable", ["Break - non-billable"]),
        event(thu, "18:00", "19:00", "Flight to Frankfurt"),
        # Friday: a marker with no meeting, a chain overlap resolved by importance, an uncategorised personal item.
        event(fri, "09:00", "12:00", "Globex migration", [GLOBEX], importance="high"),
        event(fri, "09:30", "10:00", "Globex sync", [GLOBEX]),
        event(fri, "11:00", "11:30", "Globex sign-off", [GLOBEX], importance="low"),
        event(fri, "13:00", "13:15", "Extended", [ADMIN]),
        meeting(fri, "14:00", "15:00", "Acme retrospective", [ACME]),
        event(fri, "15:30", "16:00", "Expenses", [ADMIN]),
        event(fri, "17:00", "18:00", "Gym"),
    ]


def main() -> None:
    seed = {"users": [{"upn": USER, "displayName": "Adele Vance", "events": week(), "calendars": []}]}
    path = Path(__file__).with_name("week.json")
    path.write_text(json.dumps(seed, indent=1) + "\n")
    print(f"wrote {path} ({len(seed['users'][0]['events'])} appointments incl. a series of 5)")


if __name__ == "__main__":
    main()
