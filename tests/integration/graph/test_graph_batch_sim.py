"""$batch against the simulator: splitting, per-item retries, per-item failures, mailbox permits."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.graph import BatchRequest, EventWriteRequest
from shared.graph.calendars import CalendarService

DAY = datetime(2025, 4, 24, tzinfo=UTC)


def _batches(sim: Any) -> list[Any]:
    return [r for r in sim.requests if not r.batch_item and r.path.strip("/") == "$batch"]


def _writes(new_event: Any, n: int, prefix: str = "copy") -> list[EventWriteRequest]:
    return [EventWriteRequest(key=f"{prefix}-{i}", payload=new_event(f"{prefix} {i}", DAY + timedelta(minutes=15 * i)))
            for i in range(n)]


def test_item_level_throttling_resends_only_the_throttled_items(
    graph_sim: Any, client_for: Any, new_event: Any
) -> None:
    upn = "items@contoso.com"
    graph_sim.add_user(upn)
    archive = graph_sim.add_calendar(upn, "Archive")
    graph_sim.faults.item_throttle_first(3, retry_after="0.2")
    waits: list[float] = []
    results = CalendarService(client_for(graph_sim, sleep=waits.append)).write_events(
        upn, archive, _writes(new_event, 10)
    )
    assert all(r.ok for r in results), [r.error for r in results]
    batches = _batches(graph_sim)
    assert [len(b.body["requests"]) for b in batches] == [10, 3]
    assert waits == [0.2]
    assert sorted(r.attempts for r in results) == [1] * 7 + [2] * 3
    assert len(graph_sim.events(upn, archive)) == 10


def test_twenty_one_writes_become_two_batches(graph_sim: Any, client_for: Any, new_event: Any) -> None:
    upn = "many@contoso.com"
    graph_sim.add_user(upn)
    archive = graph_sim.add_calendar(upn, "Archive")
    results = CalendarService(client_for(graph_sim)).write_events(upn, archive, _writes(new_event, 21))
    assert [r.key for r in results] == [f"copy-{i}" for i in range(21)]
    assert all(r.ok and r.status == 201 and r.event_id for r in results)
    assert [len(b.body["requests"]) for b in _batches(graph_sim)] == [20, 1]
    assert len(graph_sim.events(upn, archive)) == 21


def test_a_write_that_always_fails_is_reported_not_raised(graph_sim: Any, client_for: Any, new_event: Any) -> None:
    upn = "failing@contoso.com"
    graph_sim.add_user(upn)
    archive = graph_sim.add_calendar(upn, "Archive")
    graph_sim.faults.fail_writes_for(lambda body: body.get("subject") == "copy 1")
    results = CalendarService(client_for(graph_sim)).write_events(upn, archive, _writes(new_event, 3))
    assert [r.ok for r in results] == [True, False, True]
    failed = results[1]
    assert failed.status == 400 and failed.event_id is None
    assert failed.error is not None and failed.error.startswith("400 ErrorInvalidRequest")
    assert len(graph_sim.events(upn, archive)) == 2


def test_a_batch_never_has_more_items_in_flight_than_the_mailbox_allows(
    graph_sim: Any, client_for: Any
) -> None:
    upn = "batched@contoso.com"
    graph_sim.add_user(upn)
    graph_sim.faults.latency_ms = 20
    client = client_for(graph_sim)
    items = [BatchRequest(id=str(i), method="GET", url=f"/users/{upn}/calendar") for i in range(45)]
    responses = client.batch_all(items, mailbox=upn)
    assert [r.id for r in responses] == [str(i) for i in range(45)]
    assert all(r.status == 200 and r.body["isDefaultCalendar"] for r in responses)
    assert graph_sim.max_in_flight(upn) == 4
    assert [len(b.body["requests"]) for b in _batches(graph_sim)] == [20, 20, 5]


def test_batches_and_single_requests_share_the_mailbox_cap(graph_sim: Any, client_for: Any) -> None:
    upn = "mixed@contoso.com"
    graph_sim.add_user(upn)
    graph_sim.faults.latency_ms = 20
    client = client_for(graph_sim)
    items = [BatchRequest(id=str(i), method="GET", url=f"/users/{upn}/calendar") for i in range(40)]

    def singles() -> None:
        for _ in range(6):
            client.request("GET", f"/users/{upn}/calendars", mailbox=upn)

    with ThreadPoolExecutor(4) as pool:
        loops = [pool.submit(singles) for _ in range(3)]
        responses = client.batch_all(items, mailbox=upn)
        for loop in loops:
            loop.result()
    assert all(r.status == 200 and r.attempts == 1 for r in responses)
    assert graph_sim.max_in_flight(upn) == 4
    assert all(r.status == 200 for r in graph_sim.requests), "no MailboxConcurrency 429s"


def test_eight_threads_writing_to_one_mailbox_never_exceed_four_in_flight(
    graph_sim: Any, client_for: Any, new_event: Any
) -> None:
    upn = "writers@contoso.com"
    graph_sim.add_user(upn)
    archive = graph_sim.add_calendar(upn, "Archive")
    graph_sim.faults.latency_ms = 10
    calendars = CalendarService(client_for(graph_sim))
    sizes = [1, 3, 7, 25, 1, 3, 7, 25]

    with ThreadPoolExecutor(8) as pool:
        written = list(pool.map(lambda n: calendars.write_events(upn, archive, _writes(new_event, n[1], f"w{n[0]}")),
                                enumerate(sizes)))

    assert all(r.ok for results in written for r in results)
    assert graph_sim.max_in_flight(upn) == 4
    assert all(r.status in (200, 201) for r in graph_sim.requests), "no MailboxConcurrency 429s"
    assert len(graph_sim.events(upn, archive)) == sum(sizes)
