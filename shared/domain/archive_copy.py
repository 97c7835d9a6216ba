"""The archive copy of an appointment: its stable source key, its owning day and its Graph payload."""

from __future__ import annotations

import hashlib
import html
from datetime import UTC, date
from html.parser import HTMLParser
from typing import Any

from shared.domain.appointment import Appointment
from shared.domain.dates import load_zone
from shared.domain.extended_properties import SOURCE_EVENT_PROPERTY_ID, SOURCE_KEY_PROPERTY_ID, source_key_of
from shared.domain.graph_time import GraphTimeError, format_graph_datetime, parse_graph_datetime

__all__ = ["SOURCE_KEY_PROPERTY_ID", "copy_differs", "copy_payload", "owning_day", "source_key"]

_SHOW_AS_WIRE = {"workingelsewhere": "workingElsewhere"}


def source_key(source_calendar_id: str, appt: Appointment) -> str:
    """Stable key of a source occurrence: source calendar + iCalUId + occurrence start.

    Hashed so that it is short, safe in OData filters and free of characters from the ids.
    """
    occurrence_start = appt.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    identity = f"{source_calendar_id}|{appt.identity}|{occurrence_start}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def owning_day(appt: Appointment, tz: str) -> date:
    """The local date the appointment starts on; an all-day event belongs to its own date."""
    if appt.is_all_day:
        return appt.start.date()
    return appt.start.astimezone(load_zone(tz)).date()


def copy_payload(appt: Appointment, source_calendar_id: str) -> dict[str, Any]:
    """Graph event JSON for creating or updating the copy.

    Never attendees (Graph would invite them) and never isOnlineMeeting (Graph would create a new meeting): the
    people and the join link go into the body as text instead.
    """
    key = appt.source_key or source_key(source_calendar_id, appt)
    content_type = "html" if appt.body_content_type == "html" else "text"
    return {
        "subject": appt.subject,
        "body": {"contentType": content_type, "content": _body_with_people(appt, content_type)},
        "start": format_graph_datetime(appt.start),
        "end": format_graph_datetime(appt.end),
        "isAllDay": appt.is_all_day,
        "location": {"displayName": appt.location},
        "categories": list(appt.categories),
        "showAs": _SHOW_AS_WIRE.get(appt.show_as, appt.show_as),
        "sensitivity": appt.sensitivity,
        "importance": appt.importance,
        "isReminderOn": False,
        "singleValueExtendedProperties": [
            {"id": SOURCE_KEY_PROPERTY_ID, "value": key},
            {"id": SOURCE_EVENT_PROPERTY_ID, "value": appt.id},
        ],
    }


def copy_differs(existing: dict[str, Any], desired: dict[str, Any]) -> bool:
    """Whether the fields we write differ, after normalising what Graph rewrites (time formats, HTML bodies)."""
    return _projection(existing) != _projection(desired)


def _people_lines(appt: Appointment) -> list[str]:
    lines = []
    if appt.organizer is not None and appt.organizer.display:
        lines.append(f"Organizer: {appt.organizer.display}")
    names = [attendee.display for attendee in appt.attendees if attendee.display]
    if names:
        lines.append(f"Attendees: {', '.join(names)}")
    if appt.online_meeting_url:
        lines.append(f"Online meeting: {appt.online_meeting_url}")
    return lines


def _body_with_people(appt: Appointment, content_type: str) -> str:
    lines = _people_lines(appt)
    if not lines:
        return appt.body_content
    if content_type == "text":
        separator = "\n\n" if appt.body_content else ""
        return appt.body_content + separator + "\n".join(lines)
    block = "<hr><p>" + "<br>".join(html.escape(line) for line in lines) + "</p>"
    body = appt.body_content
    closing = body.lower().rfind("</body>")
    if closing == -1:
        return body + block
    return body[:closing] + block + body[closing:]


def _projection(event: dict[str, Any]) -> tuple[Any, ...]:
    all_day = bool(event.get("isAllDay") or False)
    body = _as_dict(event.get("body"))
    location = _as_dict(event.get("location"))
    categories = event.get("categories")
    if not isinstance(categories, list):
        categories = []
    return (
        _clean(event.get("subject")),
        _body_text(body),
        _moment(event.get("start"), all_day),
        _moment(event.get("end"), all_day),
        all_day,
        _clean(location.get("displayName")),
        [_clean(category) for category in categories],
        _clean(event.get("showAs") or "busy").casefold(),
        _clean(event.get("sensitivity") or "normal").casefold(),
        _clean(event.get("importance") or "normal").casefold(),
        bool(event.get("isReminderOn") or False),
        source_key_of(event),
    )


def _moment(value: Any, all_day: bool) -> object:
    try:
        return parse_graph_datetime(value, floating=all_day)
    except GraphTimeError:
        # Unreadable on one side only means the copy must be rewritten; the raw value keeps them unequal.
        return repr(value)


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _clean(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _body_text(body: dict[str, Any]) -> str:
    """Body content as plain words: Exchange rewrites stored HTML (head, meta, line breaks), so compare the text."""
    content = body.get("content")
    if not isinstance(content, str):
        return ""
    if str(body.get("contentType", "text")).casefold() != "html":
        return _clean(content)
    extractor = _TextExtractor()
    extractor.feed(content)
    extractor.close()
    return _clean(" ".join(extractor.parts))


class _TextExtractor(HTMLParser):
    _SKIPPED = {"head", "style", "script", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIPPED:
            self._skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)
