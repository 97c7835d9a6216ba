from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from shared.domain.appointment import Appointment, AppointmentParseError
from shared.domain.archive_copy import SOURCE_KEY_PROPERTY_ID

from .factories import graph_event

SAMPLES = Path(__file__).parent / "samples"  # copies of the official Graph documentation samples
LONG_ID = "AAMkAGViNDU7zAAAAA7zAAAZb2ckAAA="


def _sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text())


def test_parses_the_documented_event_resource() -> None:
    appt = Appointment.from_graph(_sample("event_create_in_calendar_response.json"))
    assert appt.id == LONG_ID
    assert appt.ical_uid == "040000008200E641B4C"
    assert appt.subject == "Let's go for lunch"
    # 12:00 Pacific Standard Time on 15 March 2019 is daylight time (UTC-7).
    assert appt.start == datetime(2019, 3, 15, 19, 0, tzinfo=UTC)
    assert appt.end == datetime(2019, 3, 15, 21, 0, tzinfo=UTC)
    assert appt.original_time_zone == "Pacific Standard Time"
    assert appt.body_content_type == "html"
    assert "Does mid month work for you?" in appt.body_content
    assert appt.location == "Harry's Bar"
    assert appt.organizer is not None and appt.organizer.name == "Megan Bowen"
    assert [(a.name, a.address, a.type) for a in appt.attendees] == [
        ("Adele Vance", "AdeleV@contoso.OnMicrosoft.com", "required")
    ]
    assert (appt.show_as, appt.importance, appt.sensitivity) == ("busy", "normal", "normal")
    assert appt.categories == []
    assert appt.online_meeting_url is None
    assert appt.type == "singleInstance"
    assert appt.series_master_id is None
    assert appt.web_link is not None and appt.web_link.startswith("https://outlook.office365.com/")
    assert not appt.is_all_day and not appt.is_cancelled


def test_parses_recurring_occurrences() -> None:
    events = _sample("event_instances_recurring_response.json")["value"]
    appts = [Appointment.from_graph(event) for event in events]
    assert [a.type for a in appts] == ["exception", "occurrence", "occurrence", "occurrence"]
    assert {a.series_master_id for a in appts} == {"AAMkAGUzYRgWAAA="}
    assert appts[0].start == datetime(2019, 4, 16, 20, 30, tzinfo=UTC)


def test_documented_calendar_view_item_without_id_is_reported() -> None:
    event = _sample("calendarview_response_user_list.json")["value"][0]
    with pytest.raises(AppointmentParseError, match="missing id"):
        Appointment.from_graph(event)


def test_missing_start_names_event_and_field() -> None:
    event = graph_event(LONG_ID, "Review", "09:00", "10:00")
    del event["start"]
    with pytest.raises(AppointmentParseError) as caught:
        Appointment.from_graph(event)
    assert str(caught.value) == f"event {LONG_ID!r}: missing start"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("start", {"dateTime": "tomorrow-ish", "timeZone": "UTC"}, "invalid start: unreadable dateTime"),
        ("end", {"timeZone": "UTC"}, "invalid end: missing dateTime"),
        ("end", "2026-11-24T10:00:00", "invalid end: not a dateTimeTimeZone object"),
        ("start", {"dateTime": "2026-11-24T09:00:00", "timeZone": "Mars Standard Time"}, "unknown time zone"),
        ("categories", "Client - billable", "invalid categories"),
        ("location", "Room 1", "invalid location"),
        ("end", {"dateTime": "2026-11-24T08:00:00", "timeZone": "UTC"}, "end is before start"),
    ],
)
def test_bad_fields_are_named_without_pydantic_traces(field: str, value: Any, fragment: str) -> None:
    event = graph_event("evt-1", "Review", "09:00", "10:00")
    event[field] = value
    with pytest.raises(AppointmentParseError) as caught:
        Appointment.from_graph(event)
    message = str(caught.value)
    assert message.startswith("event 'evt-1': ")
    assert fragment in message
    assert "validation error" not in message and "pydantic" not in message


def test_non_object_event_is_reported() -> None:
    with pytest.raises(AppointmentParseError, match="not a JSON object"):
        Appointment.from_graph(["not", "an", "event"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("date_time", "time_zone", "expected"),
    [
        ("2026-11-24T09:00:00.0000000", "UTC", datetime(2026, 11, 24, 9, 0, tzinfo=UTC)),
        ("2026-11-24T09:00:00.1234567", "UTC", datetime(2026, 11, 24, 9, 0, 0, 123456, tzinfo=UTC)),
        ("2026-11-24T09:00:00", None, datetime(2026, 11, 24, 9, 0, tzinfo=UTC)),
        ("2026-07-01T09:00:00.0000000", "GMT Standard Time", datetime(2026, 7, 1, 8, 0, tzinfo=UTC)),
        ("2026-11-24T09:00:00.0000000", "W. Europe Standard Time", datetime(2026, 11, 24, 8, 0, tzinfo=UTC)),
        ("2026-11-24T09:00:00.0000000", "Pacific Standard Time", datetime(2026, 11, 24, 17, 0, tzinfo=UTC)),
        ("2026-11-24T09:00:00.0000000", "Eastern Standard Time", datetime(2026, 11, 24, 14, 0, tzinfo=UTC)),
        ("2026-11-24T09:00:00.0000000", "AUS Eastern Standard Time", datetime(2026, 11, 23, 22, 0, tzinfo=UTC)),
        ("2026-11-24T09:00:00.0000000", "Pacific/Auckland", datetime(2026, 11, 23, 20, 0, tzinfo=UTC)),
        ("2026-11-24T09:00:00Z", "Pacific Standard Time", datetime(2026, 11, 24, 9, 0, tzinfo=UTC)),
    ],
)
def test_times_become_aware_utc(date_time: str, time_zone: str | None, expected: datetime) -> None:
    event = graph_event("evt-1", "Review", "09:00", "10:00")
    event["start"] = {"dateTime": date_time, "timeZone": time_zone}
    event["end"] = {"dateTime": "2026-11-25T23:00:00", "timeZone": "UTC"}
    appt = Appointment.from_graph(event)
    assert appt.start == expected
    assert appt.start.utcoffset() == timedelta(0)


def test_all_day_event_keeps_its_date_whatever_the_zone() -> None:
    event = graph_event("evt-1", "Holiday", "00:00", "00:00", isAllDay=True)
    event["start"] = {"dateTime": "2026-11-24T00:00:00.0000000", "timeZone": "New Zealand Standard Time"}
    event["end"] = {"dateTime": "2026-11-25T00:00:00.0000000", "timeZone": "New Zealand Standard Time"}
    appt = Appointment.from_graph(event)
    assert appt.is_all_day
    assert (appt.start, appt.end) == (datetime(2026, 11, 24, tzinfo=UTC), datetime(2026, 11, 25, tzinfo=UTC))


def test_enumerations_are_lowercased_with_defaults() -> None:
    event = graph_event("evt-1", "Review", "09:00", "10:00", show_as="WorkingElsewhere", importance="High")
    event["sensitivity"] = "Private"
    appt = Appointment.from_graph(event)
    assert (appt.show_as, appt.importance, appt.sensitivity) == ("workingelsewhere", "high", "private")
    for field in ("showAs", "importance", "sensitivity", "subject", "categories", "type"):
        event.pop(field)
    appt = Appointment.from_graph(event)
    assert (appt.show_as, appt.importance, appt.sensitivity) == ("busy", "normal", "normal")
    assert (appt.subject, appt.categories, appt.body_content, appt.type) == ("", [], "", "singleInstance")


def test_non_string_categories_are_kept_for_reporting() -> None:
    appt = Appointment.from_graph(
        graph_event("evt-1", "Review", "09:00", "10:00", categories=["A - billable", None, 5])  # type: ignore[list-item]
    )
    assert appt.categories == ["A - billable", "", ""]


@pytest.mark.parametrize(
    ("extra", "url"),
    [
        ({"onlineMeeting": {"joinUrl": "https://teams.example/join/1"}}, "https://teams.example/join/1"),
        ({"onlineMeeting": None, "onlineMeetingUrl": "https://meet.example/2"}, "https://meet.example/2"),
        ({"onlineMeeting": None, "onlineMeetingUrl": None}, None),
    ],
)
def test_online_meeting_url(extra: dict[str, Any], url: str | None) -> None:
    assert Appointment.from_graph(graph_event("evt-1", "Call", "09:00", "10:00", **extra)).online_meeting_url == url


def test_source_key_comes_from_our_extended_property_only() -> None:
    other = {"id": "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color", "value": "Green"}
    ours = {"id": SOURCE_KEY_PROPERTY_ID.replace("2f5c8f8e", "2F5C8F8E"), "value": "key-123"}
    with_ours = graph_event("evt-1", "Copy", "09:00", "10:00", singleValueExtendedProperties=[other, ours])
    assert Appointment.from_graph(with_ours).source_key == "key-123"
    without = graph_event("evt-2", "Source", "09:00", "10:00", singleValueExtendedProperties=[other])
    assert Appointment.from_graph(without).source_key is None


def test_appointment_is_immutable_but_copyable() -> None:
    appt = Appointment.from_graph(graph_event("evt-1", "Review", "09:00", "10:00"))
    with pytest.raises(ValidationError):
        appt.subject = "Changed"  # type: ignore[misc]
    moved = appt.model_copy(update={"start": datetime(2026, 11, 24, 8, 30, tzinfo=UTC)})
    assert moved.start.hour == 8 and appt.start.hour == 9


def test_json_round_trip() -> None:
    appt = Appointment.from_graph(_sample("event_create_in_calendar_response.json"))
    assert Appointment.model_validate(appt.model_dump(mode="json")) == appt
