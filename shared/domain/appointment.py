"""An Outlook calendar appointment, read from Graph event JSON."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from shared.domain.extended_properties import source_key_of
from shared.domain.graph_time import GraphTimeError, parse_graph_datetime

_Nested = TypeVar("_Nested", dict[str, Any], list[Any])


class AppointmentParseError(ValueError):
    """A Graph event that cannot be read; the message names the event id and the field."""


class Person(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str = ""
    address: str = ""

    @property
    def display(self) -> str:
        return self.name or self.address


class Attendee(Person):
    type: str = "required"


class Appointment(BaseModel):
    """Start and end are aware UTC datetimes; all-day events keep their dates as UTC midnights."""

    model_config = ConfigDict(frozen=True)

    id: str
    ical_uid: str | None = None
    subject: str = ""
    body_content: str = ""
    body_content_type: str = "text"
    start: datetime
    end: datetime
    original_time_zone: str | None = None
    is_all_day: bool = False
    is_cancelled: bool = False
    show_as: str = "busy"
    importance: str = "normal"
    sensitivity: str = "normal"
    categories: list[str] = []
    location: str = ""
    organizer: Person | None = None
    attendees: list[Attendee] = []
    online_meeting_url: str | None = None
    type: str = "singleInstance"
    series_master_id: str | None = None
    source_key: str | None = None
    web_link: str | None = None

    @field_validator("start", "end")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("must be timezone-aware")
        return value

    @field_validator("show_as", "importance", "sensitivity", "body_content_type")
    @classmethod
    def _lowercase(cls, value: str) -> str:
        # Graph's enumerations compare case-insensitively; storing them lowercase keeps every rule simple and fast.
        return value.strip().lower()

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def identity(self) -> str:
        """The iCalUId when Graph gave one, else the event id."""
        return self.ical_uid or self.id

    @classmethod
    def from_graph(cls, event: dict[str, Any]) -> Appointment:
        return _from_graph(event)


def _from_graph(event: Any) -> Appointment:
    if not isinstance(event, dict):
        raise AppointmentParseError(f"event {_short(event)!r}: not a JSON object")
    event_id = event.get("id")
    if not isinstance(event_id, str) or not event_id:
        raise AppointmentParseError("event '<no id>': missing id")
    is_all_day = bool(event.get("isAllDay") or False)
    start = _moment(event, event_id, "start", is_all_day)
    end = _moment(event, event_id, "end", is_all_day)
    if end < start:
        raise AppointmentParseError(f"event {event_id!r}: end is before start")
    body = _object(event, event_id, "body")
    online_meeting = _object(event, event_id, "onlineMeeting")
    try:
        return Appointment(
            id=event_id,
            ical_uid=event.get("iCalUId") or None,
            subject=_text(event.get("subject")),
            body_content=_text(body.get("content")),
            body_content_type=_lower(body.get("contentType"), "text"),
            start=start,
            end=end,
            original_time_zone=event.get("originalStartTimeZone") or None,
            is_all_day=is_all_day,
            is_cancelled=bool(event.get("isCancelled") or False),
            show_as=_lower(event.get("showAs"), "busy"),
            importance=_lower(event.get("importance"), "normal"),
            sensitivity=_lower(event.get("sensitivity"), "normal"),
            categories=_categories(event, event_id),
            location=_text(_object(event, event_id, "location").get("displayName")),
            organizer=_person(_object(event, event_id, "organizer").get("emailAddress")),
            attendees=_attendees(event, event_id),
            online_meeting_url=online_meeting.get("joinUrl") or event.get("onlineMeetingUrl") or None,
            type=_text(event.get("type")) or "singleInstance",
            series_master_id=event.get("seriesMasterId") or None,
            source_key=source_key_of(event),
            web_link=event.get("webLink") or None,
        )
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "event"
        raise AppointmentParseError(f"event {event_id!r}: invalid {field}: {first['msg']}") from None


def _moment(event: dict[str, Any], event_id: str, field: str, floating: bool) -> datetime:
    value = event.get(field)
    if value is None:
        raise AppointmentParseError(f"event {event_id!r}: missing {field}")
    try:
        return parse_graph_datetime(value, floating=floating)
    except GraphTimeError as error:
        raise AppointmentParseError(f"event {event_id!r}: invalid {field}: {error}") from None


def _object(event: dict[str, Any], event_id: str, field: str) -> dict[str, Any]:
    return _nested(event, event_id, field, {}, "an object")


def _nested(event: dict[str, Any], event_id: str, field: str, empty: _Nested, expected: str) -> _Nested:
    """The field's object or list, `empty` when absent; any other type makes the event unreadable."""
    value = event.get(field)
    if value is None:
        return empty
    if not isinstance(value, type(empty)):
        raise AppointmentParseError(f"event {event_id!r}: invalid {field}: expected {expected}")
    return value


def _categories(event: dict[str, Any], event_id: str) -> list[str]:
    # Non-strings become "" so the category rules report them ("Empty or non-string category") instead of hiding them.
    return [item if isinstance(item, str) else "" for item in _nested(event, event_id, "categories", [], "a list")]


def _attendees(event: dict[str, Any], event_id: str) -> list[Attendee]:
    attendees = []
    for item in _nested(event, event_id, "attendees", [], "a list"):
        if not isinstance(item, dict):
            continue
        person = _person(item.get("emailAddress"))
        if person is not None:
            kind = _lower(item.get("type"), "required")
            attendees.append(Attendee(name=person.name, address=person.address, type=kind))
    return attendees


def _person(email_address: Any) -> Person | None:
    if not isinstance(email_address, dict):
        return None
    name, address = _text(email_address.get("name")), _text(email_address.get("address"))
    return Person(name=name, address=address) if name or address else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _lower(value: Any, default: str) -> str:
    return value.strip().lower() if isinstance(value, str) and value.strip() else default


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
