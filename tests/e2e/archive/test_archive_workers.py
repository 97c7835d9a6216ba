"""Two Functions workers archiving at once: per mailbox one $batch in flight, different mailboxes in parallel.

Each worker is its own container (its own Graph client, mailbox gate and lease object) and its own Durable engine,
as two worker processes would be; they share only Azurite and the Graph simulator.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from itertools import combinations
from typing import Any

import pytest

from devtools.graph_simulator.models import RequestRecord
from shared.bootstrap import Container
from shared.config import get_settings
from shared.graph.auth import StaticTokenProvider
from shared.graph.client import GraphClient
from shared.graph.mailbox_gate import MailboxGate
from shared.orchestrators import archive as orchestration
from shared.runtime.engine import DurableEngine
from shared.services.archive import activities
from shared.services.archive.contracts import ArchiveRequest
from shared.storage.lease import MailboxLease
from tests.stack import USER, slot

OTHER = "adele@contoso.example"
ACTIVITIES = ("resolve_calendars", "fetch_day", "plan_day", "write_batch", "record_run", "record_failure")
# Shorter than one $batch takes at the latency below: only renewing keeps the mailbox for the whole batch.
LEASE = timedelta(seconds=1)
LATENCY_MS = 300  # per item: 20 items, 4 at a time, are 1.5 s in one $batch
BATCHES = 6  # 21 appointments are two batches, for each of the three mailbox days
_MAILBOX = re.compile(r"^/?users/([^/]+)/", re.IGNORECASE)


def worker_engine(all_batches_ready: threading.Barrier) -> DurableEngine:
    settings = get_settings()
    deps = Container(settings)
    deps.graph = GraphClient(
        settings.graph_base_url, StaticTokenProvider(settings.graph_access_token or ""), gate=MailboxGate()
    )
    deps.leases = MailboxLease(lambda: deps.tables.table("MailboxLeases"), duration=LEASE)
    functions: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        name: functools.partial(getattr(activities, name), deps=deps) for name in ACTIVITIES
    }

    def write_batch(payload: dict[str, Any]) -> dict[str, Any]:
        # Every batch of the test starts writing at the same moment, so the workers really compete for a mailbox.
        all_batches_ready.wait(timeout=60)
        return activities.write_batch(payload, deps=deps)

    functions["write_batch"] = write_batch
    return DurableEngine(
        {
            orchestration.ARCHIVE_ORCHESTRATOR: orchestration.archive_orchestrator,
            orchestration.ARCHIVE_DAY_ORCHESTRATOR: orchestration.archive_day_orchestrator,
        },
        functions,
    )


@pytest.fixture
def workers(stack) -> Iterator[tuple[DurableEngine, DurableEngine]]:
    ready = threading.Barrier(BATCHES)
    engines = (worker_engine(ready), worker_engine(ready))
    yield engines
    for engine in engines:
        engine.shutdown()


def envelopes(log: list[RequestRecord], mailbox: str) -> list[RequestRecord]:
    """The $batch calls whose items all write to `mailbox`."""
    found = []
    for record in log:
        if record.batch_item or record.path.strip("/").lower() != "$batch" or record.status != 200:
            continue
        targets = {m.group(1).lower() for r in record.body["requests"] if (m := _MAILBOX.match(r["url"]))}
        if targets == {mailbox}:
            found.append(record)
    return found


def overlap(a: RequestRecord, b: RequestRecord) -> bool:
    return a.started < b.finished and b.started < a.finished


def start(engine: DurableEngine, instance_id: str, user: str, day: str) -> str:
    request = ArchiveRequest(user=user, start=day, end=day)
    return engine.start_new(orchestration.ARCHIVE_ORCHESTRATOR, instance_id, request.model_dump(mode="json"))


def test_two_workers_never_write_to_one_mailbox_at_once_but_mailboxes_proceed_in_parallel(stack, workers):
    stack.add_user(OTHER, display_name="Adele Vance")
    for i in range(21):  # two batches a day: 20 + 1
        stack.add_event(USER, slot("2026-11-16", i, f"Monday {i}"))
        stack.add_event(USER, slot("2026-11-17", i, f"Tuesday {i}"))
        stack.add_event(OTHER, slot("2026-11-16", i, f"Adele {i}"))
    stack.faults.latency_ms = LATENCY_MS
    first, second = workers

    runs: list[tuple[DurableEngine, str]] = [
        (first, start(first, "megan-monday", USER, "2026-11-16")),
        (second, start(second, "megan-tuesday", USER, "2026-11-17")),
        (second, start(second, "adele-monday", OTHER, "2026-11-16")),
    ]
    outputs: list[Any] = [engine.wait_for_completion(iid, timeout=90) for engine, iid in runs]

    assert [(o.runtime_status, o.output["archived"], o.output["failed"]) for o in outputs] == [("Completed", 21, 0)] * 3
    log = stack.requests
    megan, adele = envelopes(log, USER), envelopes(log, OTHER)
    assert len(megan) >= 4 and len(adele) >= 2
    together = [(a.started, b.started) for a, b in combinations(megan, 2) if overlap(a, b)]
    assert not together, "two $batch calls wrote to one mailbox at the same time"
    assert any(overlap(a, b) for a in megan for b in adele), "different mailboxes must not wait for each other"
