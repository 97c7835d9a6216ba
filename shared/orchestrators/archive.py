"""The daily archive orchestration: deterministic; it only schedules activities and sub-orchestrations."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import azure.durable_functions as df

from shared.services.archive.contracts import (
    ARCHIVE_DAY_ORCHESTRATOR,
    ARCHIVE_ORCHESTRATOR,
    FETCH_DAY,
    PLAN_DAY,
    RECORD_FAILURE,
    RECORD_RUN,
    RESOLVE_CALENDARS,
    WRITE_BATCH,
    ArchiveRequest,
    ArchiveResult,
    BatchOutcome,
    BatchTask,
    CalendarPair,
    DayResult,
    DayTask,
    FetchResult,
    PlanSummary,
    RecordTask,
    RunFailure,
)

# The trigger registrations read the function names from here, beside the generators.
__all__ = [
    "ARCHIVE_ORCHESTRATOR",
    "ARCHIVE_DAY_ORCHESTRATOR",
    "RESOLVE_CALENDARS",
    "FETCH_DAY",
    "PLAN_DAY",
    "WRITE_BATCH",
    "RECORD_RUN",
    "RECORD_FAILURE",
    "archive_day_orchestrator",
    "archive_orchestrator",
]

# Graph throttling is retried inside the adapter; these retries cover a worker or a dependency failing outright.
ACTIVITY_RETRY = df.RetryOptions(first_retry_interval_in_milliseconds=1000, max_number_of_attempts=3)
DAYS_IN_PARALLEL = 7

Orchestration = Generator[Any, Any, Any]


def archive_orchestrator(context: df.DurableOrchestrationContext) -> Orchestration:
    request = ArchiveRequest.model_validate(context.get_input())
    try:
        return (yield from _archive(context, request))
    except Exception as exc:
        # The run fails, but not silently: an audit row says why and the staged data is cleaned up.
        failure = RunFailure(instance_id=context.instance_id, request=request, error=str(exc).strip())
        yield context.call_activity_with_retry(RECORD_FAILURE, ACTIVITY_RETRY, failure.model_dump(mode="json"))
        raise


def _archive(context: df.DurableOrchestrationContext, request: ArchiveRequest) -> Orchestration:
    days = request.days()
    context.set_custom_status({"stage": "resolving calendars", "days_total": len(days), "days_done": 0})
    pair = yield context.call_activity_with_retry(RESOLVE_CALENDARS, ACTIVITY_RETRY, request.model_dump(mode="json"))
    calendars = CalendarPair.model_validate(pair)
    tasks = [
        DayTask(
            instance_id=context.instance_id,
            user=request.user,
            day=day,
            timezone=request.timezone,
            strict=request.strict,
            calendars=calendars,
            approved_keys=request.approved_keys,
        )
        for day in days
    ]
    results: list[DayResult] = []
    if len(tasks) == 1:
        results.append((yield from archive_day(context, tasks[0], show_stages=True)))
    else:
        # Days run as sub-orchestrations a week at a time, so progress can be reported between chunks.
        for offset in range(0, len(tasks), DAYS_IN_PARALLEL):
            chunk = tasks[offset : offset + DAYS_IN_PARALLEL]
            children = [
                context.call_sub_orchestrator(
                    ARCHIVE_DAY_ORCHESTRATOR, task.model_dump(mode="json"), f"{context.instance_id}:{task.day}"
                )
                for task in chunk
            ]
            outputs = yield context.task_all(children)
            results.extend(DayResult.model_validate(output) for output in outputs)
            context.set_custom_status(_progress("archiving", len(days), results))
    result = ArchiveResult.combine(context.instance_id, request.user, results)
    context.set_custom_status(_progress("done", len(days), results))
    return result.model_dump(mode="json")


def archive_day_orchestrator(context: df.DurableOrchestrationContext) -> Orchestration:
    task = DayTask.model_validate(context.get_input())
    result = yield from archive_day(context, task, show_stages=False)
    return result.model_dump(mode="json")


def archive_day(context: df.DurableOrchestrationContext, task: DayTask, *, show_stages: bool) -> Orchestration:
    payload = task.model_dump(mode="json")

    def stage(name: str, **extra: Any) -> None:
        # A one-day run reports its stages as progress; the day counts as done only once it is recorded.
        if show_stages:
            status = {"stage": name, "day": task.day.isoformat(), "days_total": 1, "days_done": 0, **extra}
            context.set_custom_status(status)

    stage("fetching")
    fetched = FetchResult.model_validate((yield context.call_activity_with_retry(FETCH_DAY, ACTIVITY_RETRY, payload)))
    stage("planning", events=fetched.events)
    plan = PlanSummary.model_validate((yield context.call_activity_with_retry(PLAN_DAY, ACTIVITY_RETRY, payload)))
    stage("writing", events=fetched.events, writes=plan.writes, batches_total=plan.batches, batches_done=0)
    batches: list[BatchOutcome] = []
    if plan.batches:
        writes = [
            context.call_activity_with_retry(
                WRITE_BATCH, ACTIVITY_RETRY, BatchTask(day=task, index=index).model_dump(mode="json")
            )
            for index in range(plan.batches)
        ]
        batches = [BatchOutcome.model_validate(outcome) for outcome in (yield context.task_all(writes))]
    stage(
        "recording", events=fetched.events, writes=plan.writes, batches_total=plan.batches, batches_done=len(batches),
        written=sum(b.written for b in batches), failed=sum(len(b.failures) for b in batches),
    )
    record = RecordTask(day=task, plan=plan, batches=batches).model_dump(mode="json")
    return DayResult.model_validate((yield context.call_activity_with_retry(RECORD_RUN, ACTIVITY_RETRY, record)))


def _progress(stage: str, days_total: int, results: list[DayResult]) -> dict[str, Any]:
    return {
        "stage": stage,
        "days_total": days_total,
        "days_done": len(results),
        "archived": sum(r.archived for r in results),
        "failed": sum(r.failed for r in results),
    }
