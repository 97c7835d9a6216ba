"""The notification stack: Graph simulator + Azurite + the local host serving the notifications blueprint."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import unquote

import azure.durable_functions as df
import azure.functions as func
import pytest
import typer
from azure.storage.queue import QueueClient

from devtools.graph_simulator import GraphSimulator
from functions import notifications
from shared.bootstrap import container, reset_container
from shared.cli import subscriptions as subscriptions_cli
from shared.domain.subscriptions import SubscriptionRecord
from shared.runtime.host import LocalHost
from shared.storage.models import AuditEntry
from tests.factories import graph_event as event
from tests.stack import app_pointed_at


def build_functions() -> list[Any]:
    app = df.DFApp(http_auth_level=func.AuthLevel.FUNCTION)
    app.register_functions(notifications.bp)
    return list(app.get_functions())


def run_cli(*args: str) -> int:
    """The subscription commands, registered as shared/cli/__init__.py registers them; returns the exit code."""
    cli = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
    cli.command("subscribe")(subscriptions_cli.subscribe)
    cli.add_typer(subscriptions_cli.app, name="subscriptions")
    result = cli(args=list(args), standalone_mode=False)  # as shared.cli.main runs it: Exit codes come back
    return result if isinstance(result, int) else 0


@dataclass
class Stack:
    sim: GraphSimulator
    host: LocalHost
    user: str
    queue_name: str
    storage: str

    @property
    def api(self) -> str:
        return f"{self.host.base_url}/api"

    @property
    def notification_url(self) -> str:
        return f"{self.api}/graph/notifications"

    @property
    def lifecycle_url(self) -> str:
        return f"{self.api}/graph/lifecycle"

    def subscribe(self, job_id: str | None = None) -> SubscriptionRecord:
        return container().subscription_manager.subscribe(self.user, job_id=job_id)

    def add_event(self, day: date, start: str, end: str, subject: str, **extra: Any) -> dict[str, Any]:
        return self.sim.add_event(self.user, event(day, start, end, subject, **extra))

    def patches_of(self, event_id: str) -> list[Any]:
        return self.requests_to(event_id, "PATCH")

    def requests_to(self, event_id: str, method: str) -> list[Any]:
        return [r for r in self.sim.requests if r.method == method and unquote(r.path).endswith(f"/{event_id}")]

    def queue(self, suffix: str = "") -> QueueClient:
        return QueueClient.from_connection_string(self.storage, self.queue_name + suffix)

    def enqueue_raw(self, text: str) -> None:
        self.queue().send_message(base64.b64encode(text.encode()).decode())

    def audit(self, action: str, *, any_user: bool = False) -> list[AuditEntry]:
        log = container().audit_log
        return log.query(user=None if any_user else self.user, action=action, page_size=1000).items


def today() -> date:
    return datetime.now(UTC).date()


def tomorrow() -> date:
    return today() + timedelta(days=1)


def yesterday() -> date:
    return today() - timedelta(days=1)


@pytest.fixture
def stack(
    graph_sim: GraphSimulator, storage_connection_string: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Stack]:
    user = f"adele-{uuid.uuid4().hex[:8]}@contoso.example"
    queue_name = f"notif-{uuid.uuid4().hex[:12]}"
    graph_sim.add_user(user, display_name="Adele Vance")
    with app_pointed_at(monkeypatch, storage_connection_string, graph_sim.base_url, NOTIFICATION_QUEUE=queue_name,
                        NOTIFICATION_BASE_URL=None):
        host = LocalHost(build_functions(), storage_connection_string=storage_connection_string,
                         queue_poll_interval=0.05, queue_retry_delay_seconds=0)
        host.start()
        monkeypatch.setenv("NOTIFICATION_BASE_URL", host.base_url)
        reset_container()  # the base URL is known only once the host listens
        try:
            yield Stack(graph_sim, host, user, queue_name, storage_connection_string)
        finally:
            host.stop()
            _forget(user)


def _forget(user: str) -> None:
    """Rows of this test's user would otherwise meet later tests' hourly upkeep in the shared Azurite."""
    deps = container()
    for record in deps.subscriptions.for_user(user):
        deps.subscriptions.delete(record.id)
    for job in deps.jobs.list():
        if job.user == user:
            deps.jobs.delete(job.id)
