"""What services need from Graph, as protocols: the services are typed against these, so an in-memory fake
that answers the same calls can stand in for CalendarService or SubscriptionService in tests.

Only the calls the services make are listed; the adapters' extra options (page size, expansions) stay theirs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from shared.graph.calendars import CalendarRef
from shared.graph.event_writes import EventWriteRequest, EventWriteResult


class CalendarGateway(Protocol):
    def resolve(self, user: str, ref: str | None, *, create_if_missing: bool = False) -> CalendarRef: ...

    def read_window(self, user: str, calendar_id: str | None, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Every event overlapping [start, end), occurrences expanded."""
        ...

    def write_events(self, user: str, calendar_id: str, writes: Sequence[EventWriteRequest]) -> list[EventWriteResult]:
        ...

    def get_event(self, user: str, event_id: str) -> dict[str, Any]: ...

    def patch_event(self, user: str, event_id: str, patch: dict[str, Any]) -> dict[str, Any]: ...

    def find_by_source_key(self, user: str, calendar_id: str | None, key: str) -> dict[str, Any] | None: ...

    def find_by_source_event(self, user: str, calendar_id: str | None, event_id: str) -> dict[str, Any] | None: ...


class SubscriptionGateway(Protocol):
    def create(self, resource: str, notification_url: str, lifecycle_url: str | None, client_state: str,
               expiration: datetime, *, change_type: str) -> dict[str, Any]: ...

    def renew(self, subscription_id: str, expiration: datetime) -> dict[str, Any]: ...

    def reauthorize(self, subscription_id: str) -> None: ...

    def delete(self, subscription_id: str) -> bool:
        """True when deleted now, False when it was already gone."""
        ...

    def list(self) -> list[dict[str, Any]]: ...
