"""The archive activities: each takes and returns small JSON; the heavy data is staged in blob storage."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from shared.bootstrap import Container, container
from shared.domain.archive_plan import DayPlan
from shared.domain.archive_plan import plan_day as plan_rules
from shared.domain.categories import classify_categories
from shared.domain.conflicts import Conflict, ConflictGroup
from shared.domain.dates import local_day_window
from shared.domain.failures import failure_reason
from shared.graph.calendars import EventWriteRequest
from shared.services.archive.contracts import (
    BATCH_SIZE,
    ArchiveRequest,
    BatchOutcome,
    BatchTask,
    CalendarPair,
    ConflictSummary,
    DayResult,
    DayTask,
    FetchResult,
    PlanSummary,
    RecordTask,
    RunFailure,
    WriteFailure,
)
from shared.storage.models import PrivacyChangeRecord

PRIVACY = "privacy"
log = logging.getLogger(__name__)


def resolve_calendars(payload: dict[str, Any], deps: Container | None = None) -> dict[str, Any]:
    request = ArchiveRequest.model_validate(payload)
    calendars = (deps or container()).calendars
    source = calendars.resolve(request.user, request.source)
    archive = calendars.resolve(request.user, request.archive, create_if_missing=True)
    if source.id == archive.id:
        raise ValueError(f"the archive calendar '{archive.name}' is the source calendar itself")
    return CalendarPair(
        source_id=source.id, source_name=source.name, archive_id=archive.id, archive_name=archive.name
    ).model_dump(mode="json")


def fetch_day(payload: dict[str, Any], deps: Container | None = None) -> dict[str, Any]:
    task = DayTask.model_validate(payload)
    deps = deps or container()
    start, end = local_day_window(task.day, task.timezone)
    events = deps.calendars.read_window(task.user, task.calendars.source_id, start, end)
    # Markers may move a copy's start across midnight: look a day either side for existing copies.
    copies = deps.calendars.read_window(
        task.user, task.calendars.archive_id, start - timedelta(days=1), end + timedelta(days=1)
    )
    deps.staging.put_json(f"{task.staging_prefix}/events.json", events)
    deps.staging.put_json(f"{task.staging_prefix}/copies.json", copies)
    return FetchResult(events=len(events), copies=len(copies)).model_dump(mode="json")


def plan_day(payload: dict[str, Any], deps: Container | None = None) -> dict[str, Any]:
    task = DayTask.model_validate(payload)
    deps = deps or container()
    plan = plan_rules(
        deps.staging.get_json(f"{task.staging_prefix}/events.json"),
        deps.staging.get_json(f"{task.staging_prefix}/copies.json"),
        day=task.day,
        tz=task.timezone,
        source_calendar_id=task.calendars.source_id,
        strict=task.strict,
        approved_keys=frozenset(task.approved_keys),
    )
    items = [
        {"key": w.source_key, "copy_id": w.copy_id, "payload": w.payload, "subject": w.subject, "kind": w.kind}
        for w in plan.writes
    ] + [
        {
            "key": f"privacy:{change.event_id}",
            "copy_id": change.event_id,
            "payload": {"sensitivity": change.new},
            "subject": change.subject,
            "kind": PRIVACY,
        }
        for change in plan.privacy_changes
    ]
    batches = [items[i : i + BATCH_SIZE] for i in range(0, len(items), BATCH_SIZE)]
    staged: dict[str, Any] = {f"{task.staging_prefix}/batch-{index}.json": batch for index, batch in enumerate(batches)}
    staged[f"{task.staging_prefix}/plan.json"] = plan.model_dump(mode="json")
    deps.staging.put_many(staged)
    return PlanSummary(
        fetched=plan.fetched,
        already_archived=plan.already_archived,
        writes=len(plan.writes),
        batches=len(batches),
        privacy_changes=len(plan.privacy_changes),
        held_back=plan.held_back,
        conflicts=[
            ConflictSummary(group_key=c.group_key, subjects=[item.subject for item in c.items]) for c in plan.conflicts
        ],
        issues=plan.issues,
    ).model_dump(mode="json")


def write_batch(payload: dict[str, Any], deps: Container | None = None) -> dict[str, Any]:
    task = BatchTask.model_validate(payload)
    deps = deps or container()
    day = task.day
    items = deps.staging.get_json(f"{day.staging_prefix}/batch-{task.index}.json")
    requests = [EventWriteRequest(key=i["key"], copy_id=i["copy_id"], payload=i["payload"]) for i in items]
    with deps.leases.hold(day.user):
        results = deps.calendars.write_events(day.user, day.calendars.archive_id, requests)
    by_key = {i["key"]: i for i in items}
    outcome = BatchOutcome(index=task.index, written=0)
    for result in results:
        item = by_key[result.key]
        if not result.ok:
            reason = result.error or f"HTTP {result.status}"
            outcome.failures.append(WriteFailure(key=result.key, subject=item["subject"], error=reason))
        elif item["kind"] == PRIVACY:
            outcome.privacy_updated += 1
        else:
            outcome.written += 1
    return outcome.model_dump(mode="json")


def record_run(payload: dict[str, Any], deps: Container | None = None) -> dict[str, Any]:
    started = time.monotonic()
    task = RecordTask.model_validate(payload)
    deps = deps or container()
    day = task.day
    plan = DayPlan.model_validate(deps.staging.get_json(f"{day.staging_prefix}/plan.json"))
    failures = [f for batch in task.batches for f in batch.failures]
    failed_keys = {f.key for f in failures}

    deps.conflicts.upsert_many([_conflict(day, group) for group in plan.conflicts])
    if plan.issues:
        deps.issue_log.record(day.user, day.day, plan.issues, source="archive")
    for change in plan.privacy_changes:
        if f"privacy:{change.event_id}" not in failed_keys:
            deps.privacy_log.record(
                PrivacyChangeRecord(
                    user=day.user,
                    event_id=change.event_id,
                    subject=change.subject,
                    old=change.old,
                    new=change.new,
                    changed_at=deps.clock(),
                    changed_by="archive",
                    reason="personal or travel appointment",
                )
            )
    result = DayResult(
        day=day.day,
        fetched=plan.fetched,
        archived=sum(b.written for b in task.batches),
        already_archived=plan.already_archived,
        conflicts=len(plan.conflicts),
        failed=len(failures),
        cancelled=plan.cancelled,
        markers_folded=plan.markers_folded,
        orphan_markers=plan.orphan_markers,
        held_back=len(plan.held_back),
        dropped=len(plan.dropped),
        conflict_ids=[Conflict.make_id(day.user, day.day, c.group_key) for c in plan.conflicts],
        privacy_updated=sum(b.privacy_updated for b in task.batches),
        conflict_subjects=[[item.subject for item in c.items] for c in plan.conflicts],
        failures=failures,
        issues=[*plan.issues, *_suggestion_issues(deps, day)],
    )
    deps.audit.record(
        action="archive",
        operation="archive_day",
        resource=f"{day.user}/{day.day.isoformat()}",
        status="partial" if failures else "success",
        message=(
            f"{result.archived} archived, {result.already_archived} already archived, "
            f"{result.conflicts} conflicts, {result.failed} failed"
        ),
        details={
            "source_calendar": day.calendars.source_name,
            "archive_calendar": day.calendars.archive_name,
            "strict": day.strict,
            "fetched": result.fetched,
            "held_back": result.held_back,
            "privacy_updated": result.privacy_updated,
            "failures": [f.model_dump() for f in failures],
            "issues": plan.issues,
        },
        duration_ms=int((time.monotonic() - started) * 1000),
        correlation_id=day.instance_id,
        user=day.user,
    )
    deps.staging.delete_prefix(f"{day.staging_prefix}/")
    return result.model_dump(mode="json")


def record_failure(payload: dict[str, Any], deps: Container | None = None) -> None:
    failure = RunFailure.model_validate(payload)
    deps = deps or container()
    request = failure.request
    reason = failure_reason(failure.error)
    # The whole text, stack trace included, is for the operator's log; the audit trail keeps the reason.
    log.error("archive %s failed: %s", failure.instance_id, failure.error)
    deps.audit.record(
        action="archive",
        operation="archive_run",
        resource=f"{request.user}/{request.start.isoformat()}..{request.end.isoformat()}",
        status="failure",
        message=reason,
        details={"error": reason, "strict": request.strict},
        correlation_id=failure.instance_id,
        user=request.user,
    )
    deps.staging.delete_prefix(f"{failure.instance_id}/")


def _suggestion_issues(deps: Container, day: DayTask) -> list[str]:
    """Category suggestions for the day's uncategorised appointments, as lines of the run's issues. Bounded by the
    model's timeout and daily cap; the use case records its own failures, and nothing here may fail the archive."""
    try:
        events = deps.staging.get_json(f"{day.staging_prefix}/events.json")
        # Most days are fully categorised: they cost the use case nothing (its reads take a second a day).
        if all(_categorised(event) for event in events):
            return []
        run = deps.suggestions(day.calendars.archive_name).suggest(
            day.user, events, timezone=day.timezone, correlation_id=day.instance_id)
    except Exception as error:
        log.exception("category suggestions were skipped for %s", day.day)
        return [f"suggestions skipped: {type(error).__name__}"]
    lines = [f"suggestion: {s.subject} → {s.category} ({s.source}, {s.confidence:.2f})" for s in run.suggestions]
    if run.model == "unavailable" and run.model_reason:
        lines.append(f"suggestions: the model is unavailable ({run.model_reason})")
    return lines


def _categorised(event: Any) -> bool:
    categories = event.get("categories") if isinstance(event, dict) else None
    return isinstance(categories, list) and classify_categories(categories).customer is not None


def _conflict(day: DayTask, group: ConflictGroup) -> Conflict:
    return Conflict.of_group(day.user, day.day, group, day.instance_id)
