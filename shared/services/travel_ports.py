"""What the travel use cases need from the outside, as protocols (RoutesClient and CalendarService satisfy them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from shared.graph.calendars import CalendarRef
from shared.graph.event_writes import EventWriteRequest, EventWriteResult
from shared.routing.client import RouteDuration


class RouteSource(Protocol):
    def duration(self, origin: str, destination: str, departure: datetime | None) -> RouteDuration | None: ...


class TravelCalendar(Protocol):
    def resolve(self, user: str, ref: str | None, *, create_if_missing: bool = False) -> CalendarRef: ...

    def read_window(self, user: str, calendar_id: str | None, start: datetime, end: datetime, *,
                    page_size: int = 100, expand_property_id: str | None = None) -> list[dict[str, Any]]: ...

    def write_events(self, user: str, calendar_id: str, writes: Sequence[EventWriteRequest]
                     ) -> list[EventWriteResult]: ...

    def events_with_property(self, user: str, calendar_id: str | None, property_id: str, value: str
                             ) -> list[dict[str, Any]]: ...

    def delete_events(self, user: str, event_ids: Sequence[str]) -> list[EventWriteResult]: ...
