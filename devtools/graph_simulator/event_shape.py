"""Turning client JSON into stored events (defaults, read-only fields, UTC times) and patching them."""

from __future__ import annotations

import copy
import html
import re
from datetime import datetime
from typing import Any

from devtools.graph_simulator import identifiers, recurrence
from devtools.graph_simulator.errors import GraphError
from devtools.graph_simulator.timefmt import date_time_zone, format_instant, parse_date_time_zone, utcnow

# Set by the service, never by a client (GRAPH.md "Read-only"); silently ignored like Graph does.
READ_ONLY = {
    "id", "iCalUId", "uid", "type", "seriesMasterId", "changeKey", "createdDateTime", "lastModifiedDateTime",
    "webLink", "onlineMeeting", "onlineMeetingUrl", "responseStatus", "organizer", "isOrganizer", "bodyPreview",
    "originalStart", "originalStartTimeZone", "originalEndTimeZone", "hasAttachments", "isDraft",
}
# Seed data may describe meetings organised by others, so trusted callers keep these.
SEED_KEEPS = READ_ONLY - {"type", "seriesMasterId", "originalStart", "changeKey", "bodyPreview", "uid"}
TAG = re.compile(r"<[^>]+>")


def html_to_text(content: str) -> str:
    without_head = re.sub(r"(?is)<head>.*?</head>", "", content)
    return html.unescape(TAG.sub("", without_head)).strip()


def body_preview(body: Any) -> str:
    if not isinstance(body, dict):
        return ""
    content = str(body.get("content") or "")
    text = html_to_text(content) if str(body.get("contentType", "")).lower() == "html" else content
    return " ".join(text.split())[:255]


def _validate_writable(body: dict[str, Any]) -> None:
    categories = body.get("categories")
    if categories is not None and (
        not isinstance(categories, list) or not all(isinstance(c, str) for c in categories)
    ):
        raise GraphError(400, "ErrorInvalidRequest", "categories must be an array of strings.")
    props = body.get("singleValueExtendedProperties")
    if props is not None and (
        not isinstance(props, list)
        or not all(isinstance(p, dict) and isinstance(p.get("id"), str) and "value" in p for p in props)
    ):
        raise GraphError(400, "ErrorInvalidRequest", "singleValueExtendedProperties must be an array of {id, value}.")
    if body.get("recurrence") is not None:
        if not isinstance(body["recurrence"], dict):
            raise GraphError(400, "ErrorInvalidRequest", "recurrence must be an object.")
        recurrence.validate(body["recurrence"])


def _times(event: dict[str, Any]) -> tuple[datetime, datetime]:
    start, start_tz = parse_date_time_zone(event.get("start"), "start")
    end, end_tz = parse_date_time_zone(event.get("end"), "end")
    if end < start:
        raise GraphError(400, "ErrorInvalidRequest", "The end of the event must not be before its start.")
    event["start"] = date_time_zone(start)
    event["end"] = date_time_zone(end)
    event.setdefault("originalStartTimeZone", start_tz)
    event.setdefault("originalEndTimeZone", end_tz)
    return start, end


def _stamp(event: dict[str, Any]) -> None:
    change_key = identifiers.new_change_key()
    event["changeKey"] = change_key
    event["@odata.etag"] = identifiers.etag(change_key)
    event["lastModifiedDateTime"] = format_instant(utcnow())


def new_event(body: dict[str, Any], owner_name: str, owner_address: str, *, trusted: bool) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise GraphError(400, "ErrorInvalidRequest", "The event must be a JSON object.")
    keep = SEED_KEEPS if trusted else set()
    event = {
        k: copy.deepcopy(v) for k, v in body.items() if not k.startswith("@") and (k not in READ_ONLY or k in keep)
    }
    _validate_writable(event)
    if "start" not in event or "end" not in event:
        raise GraphError(400, "ErrorInvalidRequest", "An event requires start and end.")
    _times(event)
    now = format_instant(utcnow())
    event.setdefault("id", identifiers.new_item_id())
    event.setdefault("iCalUId", identifiers.new_ical_uid())
    event.setdefault("createdDateTime", now)
    defaults: dict[str, Any] = {
        "subject": "",
        "body": {"contentType": "text", "content": ""},
        "categories": [],
        "importance": "normal",
        "sensitivity": "normal",
        "showAs": "busy",
        "isAllDay": False,
        "isCancelled": False,
        "isReminderOn": True,
        "reminderMinutesBeforeStart": 15,
        "hasAttachments": False,
        "isDraft": False,
        "isOrganizer": True,
        "responseRequested": True,
        "isOnlineMeeting": False,
        "onlineMeetingProvider": "unknown",
        "onlineMeeting": None,
        "onlineMeetingUrl": None,
        "recurrence": None,
        "seriesMasterId": None,
        "location": {"displayName": "", "locationType": "default"},
        "attendees": [],
        "organizer": {"emailAddress": {"name": owner_name, "address": owner_address}},
        "responseStatus": {"response": "organizer", "time": "0001-01-01T00:00:00Z"},
        "webLink": f"https://outlook.office365.com/owa/?itemid={event['id']}&exvsurl=1&path=/calendar/item",
    }
    for key, value in defaults.items():
        event.setdefault(key, value)
    event["type"] = "seriesMaster" if event.get("recurrence") else "singleInstance"
    event["bodyPreview"] = body_preview(event.get("body"))
    _stamp(event)
    return event


def patch_event(stored: dict[str, Any], patch: dict[str, Any], *, trusted: bool = False) -> dict[str, Any]:
    """A new version of the stored event with the patch applied and a new change key."""
    if not isinstance(patch, dict):
        raise GraphError(400, "ErrorInvalidRequest", "The patch must be a JSON object.")
    keep = SEED_KEEPS if trusted else set()
    changes = {k: v for k, v in patch.items() if not k.startswith("@") and (k not in READ_ONLY or k in keep)}
    _validate_writable(changes)
    event = copy.deepcopy(stored)
    props = changes.pop("singleValueExtendedProperties", None)
    event.update(copy.deepcopy(changes))
    if props is not None:
        # PATCH upserts extended properties by id rather than replacing the collection.
        merged = {p["id"]: p for p in event.get("singleValueExtendedProperties") or []}
        merged.update({p["id"]: dict(p) for p in props})
        event["singleValueExtendedProperties"] = list(merged.values())
    if "start" in changes or "end" in changes:
        if "start" in changes:
            event.pop("originalStartTimeZone", None)
        if "end" in changes:
            event.pop("originalEndTimeZone", None)
        _times(event)
    if "recurrence" in changes and event.get("type") in ("seriesMaster", "singleInstance"):
        event["type"] = "seriesMaster" if event.get("recurrence") else "singleInstance"
    if "body" in changes:
        event["bodyPreview"] = body_preview(event.get("body"))
    _stamp(event)
    return event
