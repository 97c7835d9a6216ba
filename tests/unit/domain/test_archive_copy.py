from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from shared.domain.appointment import Appointment
from shared.domain.archive_copy import SOURCE_KEY_PROPERTY_ID, copy_differs, copy_payload, owning_day, source_key
from shared.domain.extended_properties import SOURCE_EVENT_PROPERTY_ID

from .factories import all_day_event, appt, graph_event

CALENDAR = "AAMkAGViNDU7zAAAAAGtlAAA="


def meeting(**extra: Any) -> Appointment:
    event = graph_event(
        "evt-1",
        "Quarterly review",
        "09:00",
        "10:00",
        body={"contentType": "html", "content": "<html><head><title>x</title></head><body><p>Agenda</p></body></html>"},
        organizer={"emailAddress": {"name": "Megan Bowen", "address": "megan@contoso.example"}},
        attendees=[
            {"type": "required", "emailAddress": {"name": "Adele Vance", "address": "adele@contoso.example"}},
            {"type": "optional", "emailAddress": {"name": "", "address": "room1@contoso.example"}},
        ],
        isOnlineMeeting=True,
        onlineMeetingProvider="teamsForBusiness",
        onlineMeeting={"joinUrl": "https://teams.example/join?a=1&b=2"},
        location={"displayName": "Room 1"},
        **extra,
    )
    return Appointment.from_graph(event)


def test_source_key_is_stable_and_distinguishes_occurrences() -> None:
    first = appt("evt-1", "09:00", "10:00")
    assert source_key(CALENDAR, first) == source_key(CALENDAR, appt("evt-1", "09:00", "10:30", "Renamed"))
    assert source_key(CALENDAR, first) != source_key("other-calendar", first)
    assert source_key(CALENDAR, first) != source_key(CALENDAR, appt("evt-1", "09:30", "10:00"))
    assert source_key(CALENDAR, first) != source_key(CALENDAR, appt("evt-2", "09:00", "10:00"))
    assert len(source_key(CALENDAR, first)) == 64


@pytest.mark.parametrize(
    ("start", "tz", "day"),
    [
        ("09:00", "UTC", date(2026, 11, 24)),
        ("23:30", "UTC", date(2026, 11, 24)),
        ("23:30", "Europe/Berlin", date(2026, 11, 25)),
        ("03:00", "America/New_York", date(2026, 11, 23)),
        ("11:00", "Pacific/Auckland", date(2026, 11, 25)),
    ],
)
def test_owning_day_is_the_local_start_date(start: str, tz: str, day: date) -> None:
    assert owning_day(appt("evt-1", start, start), tz) == day


@pytest.mark.parametrize("tz", ["UTC", "Pacific/Auckland", "America/Los_Angeles"])
def test_all_day_event_belongs_to_its_date(tz: str) -> None:
    holiday = Appointment.from_graph(all_day_event("h", "Holiday", time_zone="Pacific/Auckland"))
    assert owning_day(holiday, tz) == date(2026, 11, 24)


def test_copy_payload_never_invites_or_creates_meetings() -> None:
    payload = copy_payload(meeting(), CALENDAR)
    for forbidden in ("attendees", "isOnlineMeeting", "onlineMeetingProvider", "onlineMeeting", "organizer"):
        assert forbidden not in payload
    text = json.dumps(payload)
    assert "adele@contoso.example" not in text


def test_copy_payload_keeps_people_and_join_link_in_the_body() -> None:
    body = copy_payload(meeting(), CALENDAR)["body"]
    assert body["contentType"] == "html"
    content = body["content"]
    assert "<p>Agenda</p>" in content
    assert "Organizer: Megan Bowen" in content
    assert "Attendees: Adele Vance, room1@contoso.example" in content
    assert "Online meeting: https://teams.example/join?a=1&amp;b=2" in content
    assert content.index("Attendees") < content.index("</body>")


def test_text_body_gets_text_lines() -> None:
    appointment = appt(
        "evt-1",
        "09:00",
        "10:00",
        body={"contentType": "text", "content": "Agenda"},
        attendees=[{"type": "required", "emailAddress": {"name": "Adele <Vance>", "address": "a@x.example"}}],
    )
    body = copy_payload(appointment, CALENDAR)["body"]
    assert body == {"contentType": "text", "content": "Agenda\n\nAttendees: Adele <Vance>"}


def test_copy_payload_fields() -> None:
    appointment = meeting(showAs="workingElsewhere", importance="high", categories=["Acme - billable"])
    payload = copy_payload(appointment.model_copy(update={"sensitivity": "private"}), CALENDAR)
    assert payload["subject"] == "Quarterly review"
    assert payload["start"] == {"dateTime": "2026-11-24T09:00:00", "timeZone": "UTC"}
    assert payload["end"] == {"dateTime": "2026-11-24T10:00:00", "timeZone": "UTC"}
    assert payload["isAllDay"] is False
    assert payload["location"] == {"displayName": "Room 1"}
    assert payload["categories"] == ["Acme - billable"]
    assert (payload["showAs"], payload["importance"], payload["sensitivity"]) == ("workingElsewhere", "high", "private")
    assert payload["isReminderOn"] is False
    assert payload["singleValueExtendedProperties"] == [
        {"id": SOURCE_KEY_PROPERTY_ID, "value": source_key(CALENDAR, appointment)},
        {"id": SOURCE_EVENT_PROPERTY_ID, "value": appointment.id},
    ]
    json.dumps(payload)


def test_copy_payload_prefers_a_key_already_on_the_appointment() -> None:
    keyed = appt("evt-1", "09:00", "10:00").model_copy(update={"source_key": "fixed-key"})
    assert copy_payload(keyed, CALENDAR)["singleValueExtendedProperties"][0]["value"] == "fixed-key"


def test_all_day_copy_keeps_midnights() -> None:
    holiday = Appointment.from_graph(all_day_event("h", "Holiday", time_zone="Pacific/Auckland"))
    payload = copy_payload(holiday, CALENDAR)
    assert payload["isAllDay"] is True
    assert payload["start"]["dateTime"] == "2026-11-24T00:00:00"
    assert payload["end"]["dateTime"] == "2026-11-25T00:00:00"


def as_graph_returns_it(payload: dict[str, Any]) -> dict[str, Any]:
    """What Graph hands back for a stored copy: ids, seven-digit times, rewritten HTML, other casing."""
    stored = json.loads(json.dumps(payload))
    stored["id"] = "copy-1"
    stored["@odata.etag"] = 'W/"abc"'
    for field in ("start", "end"):
        stored[field]["dateTime"] += ".0000000"
    stored["body"]["content"] = (
        '<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n</head>'
        + "\r\n<body>\r\n"
        + stored["body"]["content"]
        .replace("<html><head><title>x</title></head><body>", "")
        .replace("</body></html>", "")
        + "\r\n</body>\r\n</html>\r\n"
    )
    stored["showAs"] = stored["showAs"][0].upper() + stored["showAs"][1:]
    stored["location"] = {"displayName": "Room 1", "locationType": "default"}
    stored["attendees"] = []
    stored["isOnlineMeeting"] = False
    return stored


def test_unchanged_copy_does_not_differ() -> None:
    desired = copy_payload(meeting(), CALENDAR)
    assert not copy_differs(desired, desired)
    assert not copy_differs(as_graph_returns_it(desired), desired)


def test_text_body_stored_as_html_does_not_differ() -> None:
    desired = copy_payload(
        appt("evt-1", "09:00", "10:00", body={"contentType": "text", "content": "a < b\nline 2"}), CALENDAR
    )
    stored = dict(
        desired,
        body={"contentType": "html", "content": "<html><body><div>a &lt; b</div><div>line 2</div></body></html>"},
    )
    assert not copy_differs(stored, desired)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", "Quarterly review (moved)"),
        ("start", {"dateTime": "2026-11-24T09:30:00.0000000", "timeZone": "UTC"}),
        ("end", {"dateTime": "2026-11-24T11:00:00", "timeZone": "UTC"}),
        ("isAllDay", True),
        ("location", {"displayName": "Room 2"}),
        ("categories", ["Other - billable"]),
        ("showAs", "tentative"),
        ("sensitivity", "private"),
        ("importance", "low"),
        ("isReminderOn", True),
        ("body", {"contentType": "html", "content": "<p>Other agenda</p>"}),
        ("start", {"dateTime": "garbage", "timeZone": "UTC"}),
    ],
)
def test_changed_copy_differs(field: str, value: Any) -> None:
    desired = copy_payload(meeting(), CALENDAR)
    existing = as_graph_returns_it(desired)
    existing[field] = value
    assert copy_differs(existing, desired)


def test_same_instant_in_another_zone_does_not_differ() -> None:
    desired = copy_payload(meeting(), CALENDAR)
    existing = dict(desired, start={"dateTime": "2026-11-24T10:00:00.0000000", "timeZone": "W. Europe Standard Time"})
    assert not copy_differs(existing, desired)


def test_payload_matches_documented_event_shape() -> None:
    sample = Path(__file__).parent / "samples" / "event_create_in_calendar_request.json"
    documented = json.loads(sample.read_text())
    payload = copy_payload(meeting(), CALENDAR)
    for field in ("body", "start", "end", "location"):
        assert set(payload[field]) == set(documented[field]), field
    assert isinstance(payload["subject"], str)
