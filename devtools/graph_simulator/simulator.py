"""GraphSimulator: a local Microsoft Graph (calendars, events, $batch, subscriptions) for tests and the demo."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from devtools.graph_simulator import identifiers
from devtools.graph_simulator.concurrency import MailboxConcurrency
from devtools.graph_simulator.context import RouteContext
from devtools.graph_simulator.drive_simulator import DrivePipeline
from devtools.graph_simulator.drive_store import DriveStore
from devtools.graph_simulator.faults import Faults
from devtools.graph_simulator.models import RequestRecord
from devtools.graph_simulator.pipeline import API_PREFIX, Pipeline
from devtools.graph_simulator.seed import load_seed
from devtools.graph_simulator.server import GraphHTTPServer
from devtools.graph_simulator.store import Store
from devtools.graph_simulator.subscriptions import Subscriptions
from devtools.serving import LocalServer


class GraphSimulator(LocalServer):
    thread_name = "graph-simulator"

    def __init__(
        self,
        token: str | None = "test-token",
        page_cap: int = 50,
        latency_ms: int = 0,
        mailbox_concurrency: int = 4,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int = 0,
        max_subscription_minutes: int = 10_080,
        validation_timeout: float = 10.0,
        delivery_timeout: float = 10.0,
    ) -> None:
        super().__init__(host, port)
        self.tenant_id = identifiers.new_guid()
        self.faults = Faults(latency_ms)
        self._store = Store()
        self._subscriptions = Subscriptions(
            self._store, tenant_id=self.tenant_id, application_id=identifiers.new_guid(),
            max_minutes=max_subscription_minutes, validation_timeout=validation_timeout,
            delivery_timeout=delivery_timeout,
        )
        self._concurrency = MailboxConcurrency(mailbox_concurrency)
        context = RouteContext(self._store, self._subscriptions, self.faults, lambda: self.base_url, page_cap)
        self._pipeline = DrivePipeline(Pipeline(context, self._concurrency, token, seed))

    # --- lifecycle ---------------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"{self.root}{API_PREFIX}" if self.root else ""  # as the caller named the host

    def _server(self) -> GraphHTTPServer:
        return GraphHTTPServer((self.host, self.port), self._pipeline)

    @property
    def drive(self) -> DriveStore:
        """Each mailbox's OneDrive: uploaded files, upload sessions and the faults to inject into them."""
        return self._pipeline.ctx.store.drive

    # --- mailbox state -----------------------------------------------------------------------------------
    def add_user(self, upn: str, display_name: str | None = None, user_id: str | None = None) -> str:
        return self._store.add_user(upn, display_name, user_id)

    def user_id(self, user: str) -> str:
        return self._store.mailbox(user).id

    def add_calendar(self, user: str, name: str) -> str:
        return str(self._store.add_calendar(user, name)["id"])

    def add_event(self, user: str, event: dict[str, Any], calendar_id: str | None = None) -> dict[str, Any]:
        """Stores an event as given (seed semantics: organizer and similar fields are kept)."""
        return copy.deepcopy(self._store.create_event(user, event, calendar_id, trusted=True))

    def update_event(self, user: str, event_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        return copy.deepcopy(self._store.update_event(user, event_id, changes, trusted=True))

    def delete_event(self, user: str, event_id: str) -> None:
        self._store.delete_event(user, event_id)

    def load_seed(self, source: str | Path | dict[str, Any]) -> list[str]:
        return load_seed(self._store, source)

    def events(self, user: str, calendar_id: str | None = None) -> list[dict[str, Any]]:
        """Every stored item of the calendar (singles, series masters, exceptions), as stored."""
        return self._store.stored_events(user, calendar_id)

    def event(self, user: str, event_id: str) -> dict[str, Any]:
        return copy.deepcopy(self._store.get_event(user, event_id))

    def calendars(self, user: str) -> list[dict[str, Any]]:
        return self._store.calendars(user)

    # --- observation -------------------------------------------------------------------------------------
    @property
    def requests(self) -> list[RequestRecord]:
        return self._pipeline.log.snapshot()

    def clear_requests(self) -> None:
        """Forgets the request log and the concurrency peaks."""
        self._pipeline.log.clear()
        self._concurrency.reset_peaks()

    def max_in_flight(self, mailbox: str) -> int:
        found = self._store.find(mailbox)
        return self._concurrency.max_in_flight(found.upn.lower() if found else mailbox.lower())

    # --- change notifications ----------------------------------------------------------------------------
    def subscriptions(self) -> list[dict[str, Any]]:
        return self._subscriptions.all()

    def send_notifications(self, subscription_id: str, changes: Iterable[tuple[str, str]]) -> int:
        return self._subscriptions.send_notifications(subscription_id, list(changes))

    def send_lifecycle(self, subscription_id: str, lifecycle_event: str) -> int:
        return self._subscriptions.send_lifecycle(subscription_id, lifecycle_event)

    def remove_subscription(self, subscription_id: str) -> None:
        self._subscriptions.remove(subscription_id)
