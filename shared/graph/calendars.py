"""Calendars and their events in one mailbox: find or create a calendar, read a window, write archive copies.

Every call is accounted to the mailbox of `user`, so the per-mailbox concurrency cap holds across callers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from pydantic import BaseModel, ConfigDict

from shared.domain.extended_properties import SOURCE_EVENT_PROPERTY_ID, SOURCE_KEY_PROPERTY_ID
from shared.graph.batching import BatchRequest
from shared.graph.client import GraphClient
from shared.graph.errors import GraphNotFoundError
from shared.graph.event_writes import EventWriteRequest, EventWriteResult, write_batch_items, write_results
from shared.graph.paths import odata_string, segment

MSGRAPH_SCHEME = "msgraph://"

# What the archive needs from a source event; createdDateTime/lastModifiedDateTime cannot be $select-ed.
EVENT_FIELDS = (
    "id", "iCalUId", "subject", "body", "start", "end", "originalStartTimeZone", "isAllDay", "isCancelled",
    "showAs", "importance", "sensitivity", "categories", "location", "organizer", "attendees", "onlineMeeting",
    "onlineMeetingUrl", "type", "seriesMasterId", "webLink",
)


class CalendarRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    is_default: bool = False


class CalendarNotFoundError(GraphNotFoundError):
    def __init__(self, user: str, ref: str, available: Sequence[str]) -> None:
        names = ", ".join(repr(name) for name in available) or "none"
        super().__init__(f"no calendar {ref!r} for {user}; available calendars: {names}", status=404,
                         code="CalendarNotFound")
        self.user = user
        self.ref = ref
        self.available = list(available)

    def __str__(self) -> str:
        return self.message


def parse_calendar_ref(ref: str | None) -> tuple[str | None, str | None]:
    """(user named by the reference or None, calendar name-or-id or None for the primary calendar).

    Accepted: None/"" (primary), a display name, a Graph id, or an msgraph URI:
    `msgraph://calendar` (primary), `msgraph://calendars/{name-or-id}`, `msgraph://users/{user}/calendar`,
    `msgraph://users/{user}/calendars/{name-or-id}`, and the short `msgraph://{name-or-id}`. URI parts may be
    percent-encoded (`msgraph://calendars/Work%20Archive`)."""
    if ref is None or not ref.strip():
        return None, None
    if not ref.lower().startswith(MSGRAPH_SCHEME):
        return None, ref.strip()
    rest = ref[len(MSGRAPH_SCHEME):].strip("/")
    user: str | None = None
    parts = rest.split("/", 2)
    if parts[0].lower() == "users" and len(parts) >= 2:
        user = unquote(parts[1])
        rest = parts[2] if len(parts) == 3 else "calendar"
    if rest.lower() == "calendar" or not rest:
        return user, None
    head, _, tail = rest.partition("/")
    target = tail if head.lower() == "calendars" and tail else rest
    return user, unquote(target)


class CalendarService:
    def __init__(self, client: GraphClient, *, source_key_property_id: str = SOURCE_KEY_PROPERTY_ID) -> None:
        self._client = client
        self.source_key_property_id = source_key_property_id

    # -- calendars -------------------------------------------------------------------------------------------------

    def list_calendars(self, user: str) -> list[CalendarRef]:
        items = self._client.iter_pages(
            f"/users/{segment(user)}/calendars", mailbox=user, params={"$select": "id,name,isDefaultCalendar"}
        )
        return [_calendar_ref(item) for item in items]

    def primary(self, user: str) -> CalendarRef:
        body = self._client.request("GET", f"/users/{segment(user)}/calendar", mailbox=user) or {}
        return _calendar_ref(body, default=True)

    def create_calendar(self, user: str, name: str) -> CalendarRef:
        body = self._client.request("POST", f"/users/{segment(user)}/calendars", mailbox=user, json={"name": name})
        return _calendar_ref(body or {})

    def resolve(self, user: str, ref: str | None, *, create_if_missing: bool = False) -> CalendarRef:
        """The calendar `ref` points at (see parse_calendar_ref): an exact id match first, then the display
        name case-insensitively. Unknown names are created when asked to, else CalendarNotFoundError."""
        ref_user, target = parse_calendar_ref(ref)
        if ref_user is not None and ref_user.lower() != user.lower():
            raise ValueError(f"calendar reference {ref!r} names user {ref_user}, not {user}")
        if target is None:
            return self.primary(user)
        calendars = self.list_calendars(user)
        for calendar in calendars:
            if calendar.id == target:
                return calendar
        wanted = target.casefold()
        for calendar in calendars:
            if calendar.name.casefold() == wanted:
                return calendar
        if create_if_missing:
            return self.create_calendar(user, target)
        raise CalendarNotFoundError(user, target, [calendar.name for calendar in calendars])

    # -- events ----------------------------------------------------------------------------------------------------

    def read_window(
        self,
        user: str,
        calendar_id: str | None,
        start: datetime,
        end: datetime,
        *,
        page_size: int = 100,
        expand_property_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Every event overlapping [start, end) (calendarView: single instances, occurrences, exceptions),
        across all pages, with the source-key extended property expanded. Times come back in UTC."""
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("read_window needs timezone-aware start and end")
        if end <= start:
            raise ValueError(f"read_window end {end.isoformat()} is not after start {start.isoformat()}")
        if not 1 <= page_size <= 1000:
            raise ValueError("page_size must be between 1 and 1000")
        params = {
            "startDateTime": start.isoformat(),
            "endDateTime": end.isoformat(),
            "$top": page_size,
            "$select": ",".join(EVENT_FIELDS),
            "$expand": self._expand(expand_property_id),
        }
        return list(self._client.iter_pages(self._events_root(user, calendar_id, "calendarView"), mailbox=user,
                                            params=params))

    def write_events(
        self, user: str, calendar_id: str, writes: Sequence[EventWriteRequest]
    ) -> list[EventWriteResult]:
        """Create (POST) or update (PATCH) copies through $batch, 20 per call; failures are reported per write."""
        if not writes:
            return []
        responses = self._client.batch_all(write_batch_items(user, calendar_id, writes), mailbox=user)
        return write_results(writes, responses)

    def delete_events(self, user: str, event_ids: Sequence[str]) -> list[EventWriteResult]:
        """DELETE each event through $batch, 20 per call; an event that is already gone (404) counts as deleted."""
        if not event_ids:
            return []
        items = [BatchRequest(id=str(index + 1), method="DELETE", url=f"/users/{segment(user)}/events/{segment(e)}")
                 for index, e in enumerate(event_ids)]
        by_id = {r.id: r for r in self._client.batch_all(items, mailbox=user)}
        results = []
        for index, event_id in enumerate(event_ids):
            response = by_id[str(index + 1)]
            ok = response.ok or response.status == 404
            results.append(EventWriteResult(key=event_id, ok=ok, event_id=event_id, status=response.status,
                                            error=None if ok else response.describe_error(),
                                            attempts=response.attempts))
        return results

    def get_event(self, user: str, event_id: str, *, expand_property_id: str | None = None) -> dict[str, Any]:
        body = self._client.request(
            "GET", f"/users/{segment(user)}/events/{segment(event_id)}", mailbox=user,
            params={"$expand": self._expand(expand_property_id)},
        )
        return body or {}

    def patch_event(self, user: str, event_id: str, patch: dict[str, Any]) -> dict[str, Any]:
        body = self._client.request(
            "PATCH", f"/users/{segment(user)}/events/{segment(event_id)}", mailbox=user, json=patch
        )
        return body or {}

    def find_by_source_key(self, user: str, calendar_id: str | None, key: str) -> dict[str, Any] | None:
        """The copy carrying `key` in our extended property, if any (the value match is case-insensitive)."""
        return self._find_by_property(user, calendar_id, self.source_key_property_id, key)

    def find_by_source_event(self, user: str, calendar_id: str | None, event_id: str) -> dict[str, Any] | None:
        """The copy made from the source event `event_id` (copies written since the property was introduced)."""
        return self._find_by_property(user, calendar_id, SOURCE_EVENT_PROPERTY_ID, event_id)

    def events_with_property(
        self, user: str, calendar_id: str | None, property_id: str, value: str
    ) -> list[dict[str, Any]]:
        """Every event carrying `value` in the single-value extended property `property_id`, that property
        expanded (value match case-insensitive, as in Graph)."""
        condition = (
            f"singleValueExtendedProperties/Any(ep: ep/id eq {odata_string(property_id)} "
            f"and ep/value eq {odata_string(value)})"
        )
        params = {"$filter": condition, "$expand": self._expand(property_id), "$top": 50}
        return list(self._client.iter_pages(self._events_root(user, calendar_id, "events"), mailbox=user,
                                            params=params))

    def _find_by_property(
        self, user: str, calendar_id: str | None, property_id: str, value: str
    ) -> dict[str, Any] | None:
        condition = (
            f"singleValueExtendedProperties/Any(ep: ep/id eq {odata_string(property_id)} "
            f"and ep/value eq {odata_string(value)})"
        )
        params = {"$filter": condition, "$expand": self._expand(None), "$top": 10}
        matches = self._client.iter_pages(self._events_root(user, calendar_id, "events"), mailbox=user, params=params)
        return next(matches, None)

    def _expand(self, property_id: str | None) -> str:
        wanted = property_id or self.source_key_property_id
        return f"singleValueExtendedProperties($filter=id eq {odata_string(wanted)})"

    @staticmethod
    def _events_root(user: str, calendar_id: str | None, leaf: str) -> str:
        if calendar_id is None:
            return f"/users/{segment(user)}/{leaf}"
        return f"/users/{segment(user)}/calendars/{segment(calendar_id)}/{leaf}"


def _calendar_ref(item: dict[str, Any], *, default: bool | None = None) -> CalendarRef:
    is_default = bool(item.get("isDefaultCalendar", False)) if default is None else default
    return CalendarRef(id=str(item["id"]), name=str(item.get("name") or ""), is_default=is_default)
