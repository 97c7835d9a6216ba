"""The archive orchestrators driven directly, as the Durable samples test them: no engine, no storage, no Graph."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from shared.orchestrators.archive import (
    ARCHIVE_DAY_ORCHESTRATOR,
    DAYS_IN_PARALLEL,
    FETCH_DAY,
    PLAN_DAY,
    RECORD_FAILURE,
    RECORD_RUN,
    RESOLVE_CALENDARS,
    WRITE_BATCH,
    archive_day_orchestrator,
    archive_orchestrator,
)
from shared.services.archive.contracts import (
    ArchiveRequest,
    BatchOutcome,
    CalendarPair,
    DayResult,
    DayTask,
    PlanSummary,
    RecordTask,
    RunFailure,
)
from tests.unit.orchestrators.fake_context import SUB_ORCHESTRATION, Answer, Call, FakeContext, Run, drive

USER = "adele@contoso.example"
DAY = date(2026, 11, 2)
PAIR = CalendarPair(source_id="src", source_name="Calendar", archive_id="arc", archive_name="Archive")


def graph_like(batches: int = 3, failing: str | None = None) -> Answer:
    """Answers like the real activities would: each batch writes 20, each day of a range archives one event."""

    def answer(call: Call) -> Any:
        if call.name == failing:
            raise ConnectionError("Graph is unreachable from this worker")
        if call.name == RESOLVE_CALENDARS:
            return PAIR.model_dump(mode="json")
        if call.name == FETCH_DAY:
            return {"events": 20 * batches, "copies": 0}
        if call.name == PLAN_DAY:
            return PlanSummary(fetched=20 * batches, already_archived=0, writes=20 * batches, batches=batches,
                               privacy_changes=0, held_back=[], conflicts=[], issues=[]).model_dump(mode="json")
        if call.name == WRITE_BATCH:
            return BatchOutcome(index=call.input["index"], written=20).model_dump(mode="json")
        if call.name == RECORD_RUN:
            record = RecordTask.model_validate(call.input)
            archived = sum(b.written for b in record.batches)
            return DayResult(day=record.day.day, fetched=record.plan.fetched, archived=archived).model_dump(mode="json")
        if call.name == ARCHIVE_DAY_ORCHESTRATOR:
            return DayResult(day=DayTask.model_validate(call.input).day, fetched=1, archived=1).model_dump(mode="json")
        if call.name == RECORD_FAILURE:
            return None
        raise AssertionError(f"unexpected call {call}")

    return answer


def archive(start: date, end: date, answer: Answer) -> tuple[FakeContext, Run]:
    context = FakeContext(ArchiveRequest(user=USER, start=start, end=end).model_dump(mode="json"))
    return context, drive(archive_orchestrator(context), answer)


def names(step: Call | list[Call]) -> str | list[str]:
    return [call.name for call in step] if isinstance(step, list) else step.name


def test_one_day_runs_its_activities_in_order_and_writes_the_batches_in_one_fan_out() -> None:
    context, run = archive(DAY, DAY, graph_like(batches=3))

    assert run.error is None
    assert [names(step) for step in run.steps] == [
        RESOLVE_CALENDARS, FETCH_DAY, PLAN_DAY, [WRITE_BATCH] * 3, RECORD_RUN,
    ]
    fan_out = run.steps[3]
    assert isinstance(fan_out, list) and [call.input["index"] for call in fan_out] == [0, 1, 2]
    assert (run.output["fetched"], run.output["archived"], run.output["status"]) == (60, 60, "success")
    assert [status["stage"] for status in context.custom_statuses] == [
        "resolving calendars", "fetching", "planning", "writing", "recording", "done",
    ]


def test_one_day_with_nothing_to_write_goes_straight_to_recording() -> None:
    _, run = archive(DAY, DAY, graph_like(batches=0))

    assert [names(step) for step in run.steps] == [RESOLVE_CALENDARS, FETCH_DAY, PLAN_DAY, RECORD_RUN]
    assert run.output["archived"] == 0


def test_a_range_runs_its_days_as_sub_orchestrations_a_chunk_at_a_time() -> None:
    days = [DAY + timedelta(days=i) for i in range(2 * DAYS_IN_PARALLEL + 1)]

    context, run = archive(days[0], days[-1], graph_like())

    assert run.error is None
    assert names(run.steps[0]) == RESOLVE_CALENDARS
    chunks = run.steps[1:]
    assert [len(chunk) for chunk in chunks if isinstance(chunk, list)] == [DAYS_IN_PARALLEL, DAYS_IN_PARALLEL, 1]
    children = [call for chunk in chunks if isinstance(chunk, list) for call in chunk]
    assert {(call.kind, call.name) for call in children} == {(SUB_ORCHESTRATION, ARCHIVE_DAY_ORCHESTRATOR)}
    assert [call.instance_id for call in children] == [f"run-1:{day.isoformat()}" for day in days]
    assert [DayTask.model_validate(call.input).calendars for call in children] == [PAIR] * len(days)
    assert [day["day"] for day in run.output["days"]] == [day.isoformat() for day in days]
    assert run.output["archived"] == len(days)
    progress = [(s["stage"], s["days_done"]) for s in context.custom_statuses]
    assert progress == [("resolving calendars", 0), ("archiving", 7), ("archiving", 14), ("archiving", 15),
                        ("done", 15)]


def test_an_activity_error_records_the_failure_then_fails_the_run() -> None:
    _, run = archive(DAY, DAY, graph_like(failing=FETCH_DAY))

    assert [names(step) for step in run.steps] == [RESOLVE_CALENDARS, FETCH_DAY, RECORD_FAILURE]
    recorded = run.steps[-1]
    assert isinstance(recorded, Call)
    failure = RunFailure.model_validate(recorded.input)
    assert (failure.instance_id, failure.request.user, failure.request.start) == ("run-1", USER, DAY)
    assert failure.error == "Graph is unreachable from this worker"
    assert run.error is not None and "Graph is unreachable" in str(run.error)


def test_a_failed_day_of_a_range_records_the_failure_of_the_whole_run() -> None:
    _, run = archive(DAY, DAY + timedelta(days=2), graph_like(failing=ARCHIVE_DAY_ORCHESTRATOR))

    assert [names(step) for step in run.steps] == [
        RESOLVE_CALENDARS, [ARCHIVE_DAY_ORCHESTRATOR] * 3, RECORD_FAILURE,
    ]
    assert run.error is not None


def test_a_day_run_as_a_sub_orchestration_reports_no_stages_of_its_own() -> None:
    task = DayTask(instance_id="run-1", user=USER, day=DAY, timezone="UTC", strict=False, calendars=PAIR)
    context = FakeContext(task.model_dump(mode="json"), instance_id=f"run-1:{DAY.isoformat()}")

    run = drive(archive_day_orchestrator(context), graph_like(batches=1))

    assert [names(step) for step in run.steps] == [FETCH_DAY, PLAN_DAY, [WRITE_BATCH], RECORD_RUN]
    assert (run.output["day"], run.output["archived"]) == (DAY.isoformat(), 20)
    assert context.custom_statuses == []
