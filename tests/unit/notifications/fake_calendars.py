"""A CalendarGateway holding events in memory, with the same answers the live rules rely on."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from shared.domain.appointment import Appointment
from shared.domain.extended_properties import SOURCE_EVENT_PROPERTY_ID, single_value_property, source_key_of
from shared.graph.calendars import CalendarNotFoundError, CalendarRef
from shared.graph.errors import GraphNotFoundError
from shared.graph.event_writes import EventWriteRequest, EventWriteResult

PRIMARY = "cal-primary"


class FakeCalendars:
    def __init__(self) -> None:
        self.calendars: dict[str, str] = {"Calendar": PRIMARY}  # name -> id
        self.events: dict[str, dict[str, dict[str, Any]]] = {PRIMARY: {}}  # calendar id -> event id -> event
        self.patches: list[tuple[str, dict[str, Any]]] = []
        self.copy_writes: list[EventWriteRequest] = []
        self.fail_copy_writes = False

    def add_calendar(self, name: str) -> str:
        calendar_id = f"cal-{name.lower()}"
        self.calendars[name] = calendar_id
        self.events[calendar_id] = {}
        return calendar_id

    def add(self, event: dict[str, Any], calendar_id: str = PRIMARY) -> dict[str, Any]:
        self.events[calendar_id][event["id"]] = copy.deepcopy(event)
        return event

    def get_event(self, user: str, event_id: str) -> dict[str, Any]:
        for events in self.events.values():
            if event_id in events:
                return copy.deepcopy(events[event_id])
        raise GraphNotFoundError(f"no event {event_id}", status=404)

    def resolve(self, user: str, ref: str | None, *, create_if_missing: bool = False) -> CalendarRef:
        if ref is None:
            return CalendarRef(id=PRIMARY, name="Calendar", is_default=True)
        if ref in self.calendars:
            return CalendarRef(id=self.calendars[ref], name=ref)
        raise CalendarNotFoundError(user, ref, list(self.calendars))

    def read_window(self, user: str, calendar_id: str | None, start: datetime, end: datetime) -> list[dict[str, Any]]:
        found = []
        for event in self.events[calendar_id or PRIMARY].values():
            appt = Appointment.from_graph(event)
            if appt.start < end and appt.end > start:
                found.append(copy.deepcopy(event))
        return found

    def patch_event(self, user: str, event_id: str, patch: dict[str, Any]) -> dict[str, Any]:
        self.patches.append((event_id, dict(patch)))
        for events in self.events.values():
            if event_id in events:
                events[event_id].update(patch)
                return copy.deepcopy(events[event_id])
        raise GraphNotFoundError(f"no event {event_id}", status=404)

    def write_events(self, user: str, calendar_id: str, writes: Sequence[EventWriteRequest]) -> list[EventWriteResult]:
        self.copy_writes.extend(writes)
        results = []
        for write in writes:
            if self.fail_copy_writes:
                results.append(EventWriteResult(key=write.key, ok=False, status=503, error="serviceNotAvailable"))
                continue
            assert write.copy_id is not None, "the live rules only update copies"
            self.events[calendar_id][write.copy_id].update(copy.deepcopy(write.payload))
            results.append(EventWriteResult(key=write.key, ok=True, event_id=write.copy_id, status=200))
        return results

    def find_by_source_key(self, user: str, calendar_id: str | None, key: str) -> dict[str, Any] | None:
        for event in self.events[calendar_id or PRIMARY].values():
            if source_key_of(event) == key:
                return copy.deepcopy(event)
        return None

    def find_by_source_event(self, user: str, calendar_id: str | None, event_id: str) -> dict[str, Any] | None:
        for event in self.events[calendar_id or PRIMARY].values():
            if single_value_property(event, SOURCE_EVENT_PROPERTY_ID) == event_id:
                return copy.deepcopy(event)
        return None
