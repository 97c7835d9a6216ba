"""The archive orchestration through the SDK's real replay engine, against the simulator and Azurite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from azure.durable_functions.models.history.HistoryEventType import HistoryEventType

from shared.bootstrap import container
from shared.domain.conflicts import Conflict
from shared.orchestrators.archive import ARCHIVE_ORCHESTRATOR, FETCH_DAY, WRITE_BATCH
from shared.runtime.engine import DurableEngine
from shared.runtime.local_app import new_engine
from shared.services.archive.contracts import ArchiveRequest
from tests.stack import USER, event, slot


@pytest.fixture
def engine(stack) -> Iterator[DurableEngine]:
    engine = new_engine()
    yield engine
    engine.shutdown()


def run(engine: DurableEngine, instance_id: str, **request: Any) -> Any:
    body = ArchiveRequest(user=USER, **request).model_dump(mode="json")
    engine.start_new(ARCHIVE_ORCHESTRATOR, instance_id=instance_id, client_input=body)
    status = engine.wait_for_completion(instance_id, timeout=60)
    assert status.runtime_status == "Completed", status.output
    return engine.get_status(instance_id, show_history=True)


def day_conflicts(day: str) -> list[Any]:
    when = date.fromisoformat(day)
    return container().conflicts.query(user=USER, start=when, end=when).items


def scheduled(status: Any, name: str) -> int:
    history = status.history or []
    return sum(1 for e in history if e.get("EventType") == HistoryEventType.TASK_SCHEDULED and e.get("Name") == name)


def test_writes_fan_out_in_batches_of_20_and_results_add_up(stack, engine):
    for i in range(45):
        stack.add_event(USER, slot("2026-11-02", i, f"Slot {i}"))
    stack.faults.latency_ms = 10  # so that parallel batches would really overlap
    stack.clear_requests()

    status = run(engine, "fan-out", start="2026-11-02", end="2026-11-02")

    assert scheduled(status, WRITE_BATCH) == 3
    assert stack.max_in_flight(USER) <= 4, "Outlook allows 4 concurrent requests per mailbox"
    assert not [r for r in stack.requests if r.status == 429], "nothing should have been throttled"
    assert (status.output["fetched"], status.output["archived"], status.output["failed"]) == (45, 45, 0)


def test_a_failing_activity_is_retried(stack, engine, monkeypatch):
    stack.add_event(USER, event("2026-11-03", "09:00", "10:00", "Retry me"))
    calendars = container().calendars
    real_read = calendars.read_window
    calls = {"n": 0}

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("worker lost its network")
        return real_read(*args, **kwargs)

    monkeypatch.setattr(calendars, "read_window", flaky)

    status = run(engine, "retry", start="2026-11-03", end="2026-11-03")

    assert scheduled(status, FETCH_DAY) == 2
    assert status.output["archived"] == 1


def test_a_range_runs_one_sub_orchestration_per_day_and_a_rerun_is_idempotent(stack, engine):
    for day in ("2026-11-04", "2026-11-05", "2026-11-06"):
        stack.add_event(USER, event(day, "09:00", "10:00", f"Standup {day}"))

    first = run(engine, "range-1", start="2026-11-04", end="2026-11-06")
    second = run(engine, "range-2", start="2026-11-04", end="2026-11-06")

    assert [d["archived"] for d in first.output["days"]] == [1, 1, 1]
    assert sum(1 for i in engine.instances() if i.parent_instance_id == "range-1") == 3
    assert (second.output["archived"], second.output["already_archived"]) == (0, 3)


def test_strict_mode_holds_back_unresolved_groups_and_drops_what_resolution_drops(stack, engine):
    day = "2026-11-09"
    stack.add_event(USER, event(day, "09:00", "10:00", "Busy wins"))
    stack.add_event(USER, event(day, "09:30", "10:30", "Tentative loses", showAs="tentative"))
    stack.add_event(USER, event(day, "13:00", "14:00", "Board", importance="high"))
    stack.add_event(USER, event(day, "13:30", "14:30", "Escalation", importance="high"))

    strict = run(engine, "strict", start=day, end=day, strict=True)

    archive = next(c for c in stack.calendars(USER) if c["name"] == "Archive")
    assert sorted(c["subject"] for c in stack.events(USER, archive["id"])) == ["Busy wins"]
    assert (strict.output["archived"], strict.output["conflicts"]) == (1, 1)
    assert strict.output["days"][0]["held_back"] == 2
    conflicts = day_conflicts(day)
    assert [(c.status, sorted(i.subject for i in c.items)) for c in conflicts] == [("open", ["Board", "Escalation"])]

    relaxed = run(engine, "relaxed", start=day, end=day)

    assert sorted(c["subject"] for c in stack.events(USER, archive["id"])) == [
        "Board", "Busy wins", "Escalation", "Tentative loses"
    ]
    assert relaxed.output["conflicts"] == 1
    assert len(day_conflicts(day)) == 1, "a re-run upserts the same row"


def test_a_run_that_cannot_finish_fails_with_an_audit_row_and_leaves_no_staged_data(stack, engine, monkeypatch):
    stack.add_event(USER, event("2026-11-12", "09:00", "10:00", "Never archived"))
    calendars = container().calendars

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("Graph is unreachable from this worker")

    monkeypatch.setattr(calendars, "write_events", broken)
    body = ArchiveRequest(user=USER, start="2026-11-12", end="2026-11-12").model_dump(mode="json")

    engine.start_new(ARCHIVE_ORCHESTRATOR, instance_id="doomed", client_input=body)
    status = engine.wait_for_completion("doomed", timeout=60)

    assert status.runtime_status == "Failed"
    assert "Graph is unreachable" in status.output
    [row] = [r for r in container().audit_log.query(user=USER, page_size=1000).items if r.correlation_id == "doomed"]
    assert (row.operation, row.status) == ("archive_run", "failure")
    assert "Graph is unreachable" in row.message
    # The reason, not the stack trace the SDK appends to an activity's failure (that goes to the log).
    assert "Traceback" not in row.message + str(row.details) and 'File "' not in str(row.details)
    assert container().staging.delete_prefix("doomed/") == 0, "staged blobs were left behind"


def test_a_conflict_row_holds_every_item_with_its_times_show_as_importance_and_the_run(stack, engine):
    day = "2026-11-10"
    board = stack.add_event(USER, event(day, "13:00", "14:00", "Board", importance="high"))
    escalation = stack.add_event(USER, event(day, "13:30", "14:30", "Escalation", importance="high",
                                             showAs="oof"))

    first = run(engine, "conflict-1", start=day, end=day)
    [row] = day_conflicts(day)

    assert row.id == Conflict.make_id(USER, date.fromisoformat(day), row.group_key)
    assert (row.user, row.date, row.status, row.instance_id) == (USER, date(2026, 11, 10), "open", "conflict-1")
    items = sorted(row.items, key=lambda i: i.start)
    assert [(i.event_id, i.subject, i.show_as, i.importance) for i in items] == [
        (board["id"], "Board", "busy", "high"), (escalation["id"], "Escalation", "oof", "high"),
    ]
    assert [(i.start, i.end) for i in items] == [
        (datetime(2026, 11, 10, 13, 0, tzinfo=UTC), datetime(2026, 11, 10, 14, 0, tzinfo=UTC)),
        (datetime(2026, 11, 10, 13, 30, tzinfo=UTC), datetime(2026, 11, 10, 14, 30, tzinfo=UTC)),
    ]
    # Every field the plan knew reaches the row: the categories (published by the API) and the archive key.
    assert [i.categories for i in items] == [["Acme Corp - billable"], ["Acme Corp - billable"]]
    assert all(i.source_key for i in items) and items[0].source_key != items[1].source_key
    assert first.output["conflicts"] == 1

    run(engine, "conflict-2", start=day, end=day)

    [again] = day_conflicts(day)
    assert again.id == row.id and again.instance_id == "conflict-2"  # the same row, naming the latest run


def test_a_range_reports_its_progress_a_week_of_days_at_a_time(stack, engine):
    for offset in range(10):
        stack.add_event(USER, event(f"2026-10-{offset + 12:02d}", "09:00", "10:00", f"Standup {offset}"))
    seen: list[dict[str, Any]] = []
    engine.subscribe(lambda status: seen.append(status.custom_status) if status.instance_id == "ten-days"
                     and isinstance(status.custom_status, dict) else None)

    done = run(engine, "ten-days", start="2026-10-12", end="2026-10-21")

    progress = [(s["stage"], s["days_done"], s["days_total"]) for s in seen]
    assert [p for i, p in enumerate(progress) if i == 0 or p != progress[i - 1]] == [
        ("resolving calendars", 0, 10), ("archiving", 7, 10), ("done", 10, 10),
    ]  # the last week's "archiving" and "done" are set in one episode: only "done" is ever visible
    assert done.custom_status == {"stage": "done", "days_total": 10, "days_done": 10, "archived": 10, "failed": 0}
