"""Daily archive triggers: hourly timer, HTTP starter and status, the orchestrations and their activities."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import azure.durable_functions as df
import azure.functions as func
from pydantic import ValidationError

from functions.http_problem import bad_request, from_validation_error, json_body, json_response, problem
from shared.orchestrators import archive as orchestration

bp = df.Blueprint()
log = logging.getLogger(__name__)

ACTIVE = {df.OrchestrationRuntimeStatus.Running, df.OrchestrationRuntimeStatus.Pending}
DONE_OR_ACTIVE = ACTIVE | {df.OrchestrationRuntimeStatus.Completed, df.OrchestrationRuntimeStatus.ContinuedAsNew}


@bp.timer_trigger(arg_name="timer", schedule="%ARCHIVE_SCHEDULE%", run_on_startup=False)
@bp.durable_client_input(client_name="client")
async def archive_timer(timer: func.TimerRequest, client: df.DurableOrchestrationClient) -> None:
    from shared.archive.requests import build_request, due_for_run, instance_id_for, local_yesterday
    from shared.bootstrap import container

    now = datetime.now(UTC)
    started, skipped = 0, 0
    for job in container().jobs.list(enabled_only=True):
        if not due_for_run(now, job.timezone, job.run_hour):
            continue
        day = local_yesterday(now, job.timezone)
        instance_id = instance_id_for(job.id, day, day)
        existing = await client.get_status(instance_id)
        if existing and existing.runtime_status in DONE_OR_ACTIVE:
            skipped += 1
            continue
        request = build_request(
            user=job.user,
            date_expression=day.isoformat(),
            now=now,
            source=job.source_calendar,
            archive=job.archive_calendar,
            timezone=job.timezone,
            strict=job.strict,
            job_id=job.id,
        )
        await client.start_new(orchestration.ARCHIVE_ORCHESTRATOR, instance_id, request.model_dump(mode="json"))
        started += 1
        log.info("started archive %s", instance_id)
    log.info("archive timer: %d started, %d already archived or running", started, skipped)


@bp.route(route="archive", methods=["POST"])
@bp.durable_client_input(client_name="client")
async def archive_start(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    from shared.archive.requests import ArchiveInputError, build_request, instance_id_for
    from shared.services.api_models import ArchiveStartBody

    raw = json_body(req)
    if isinstance(raw, func.HttpResponse):
        return raw
    try:
        body = ArchiveStartBody.model_validate(raw)
    except ValidationError as exc:
        return from_validation_error(exc)
    try:
        request = build_request(
            user=body.user,
            date_expression=body.date or "yesterday",
            now=datetime.now(UTC),
            source=body.source,
            archive=body.archive,
            timezone=body.timezone or "UTC",
            strict=not body.allow_overlaps,
        )
    except ArchiveInputError as exc:
        return bad_request(exc.field, exc.message)
    instance_id = instance_id_for(request.user, request.start, request.end)
    existing = await client.get_status(instance_id)
    if existing and existing.runtime_status in ACTIVE:
        return problem(409, "Conflict", f"archive {instance_id} is already running")
    await client.start_new(orchestration.ARCHIVE_ORCHESTRATOR, instance_id, request.model_dump(mode="json"))
    return client.create_check_status_response(req, instance_id)


@bp.route(route="archive/{instance_id}", methods=["GET"])
@bp.durable_client_input(client_name="client")
async def archive_status(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    instance_id = req.route_params.get("instance_id", "")
    status = await client.get_status(instance_id)
    if not status or status.runtime_status is None:
        return problem(404, "Not Found", f"no archive instance '{instance_id}'")
    return json_response(_status_json(status))


def _status_json(status: df.DurableOrchestrationStatus) -> dict[str, Any]:
    runtime = status.runtime_status
    return {
        "instanceId": status.instance_id,
        "name": status.name,
        "runtimeStatus": runtime.value if runtime else None,
        "customStatus": status.custom_status,
        "output": status.output,
        "createdTime": status.created_time.isoformat() if status.created_time else None,
        "lastUpdatedTime": status.last_updated_time.isoformat() if status.last_updated_time else None,
    }


@bp.orchestration_trigger(context_name="context", orchestration=orchestration.ARCHIVE_ORCHESTRATOR)
def archive_orchestrator(context: df.DurableOrchestrationContext) -> orchestration.Orchestration:
    return orchestration.archive_orchestrator(context)


@bp.orchestration_trigger(context_name="context", orchestration=orchestration.ARCHIVE_DAY_ORCHESTRATOR)
def archive_day_orchestrator(context: df.DurableOrchestrationContext) -> orchestration.Orchestration:
    return orchestration.archive_day_orchestrator(context)


@bp.activity_trigger(input_name="payload", activity=orchestration.RESOLVE_CALENDARS)
def resolve_calendars(payload: dict[str, Any]) -> dict[str, Any]:
    from shared.archive import activities

    return activities.resolve_calendars(payload)


@bp.activity_trigger(input_name="payload", activity=orchestration.FETCH_DAY)
def fetch_day(payload: dict[str, Any]) -> dict[str, Any]:
    from shared.archive import activities

    return activities.fetch_day(payload)


@bp.activity_trigger(input_name="payload", activity=orchestration.PLAN_DAY)
def plan_day(payload: dict[str, Any]) -> dict[str, Any]:
    from shared.archive import activities

    return activities.plan_day(payload)


@bp.activity_trigger(input_name="payload", activity=orchestration.WRITE_BATCH)
def write_batch(payload: dict[str, Any]) -> dict[str, Any]:
    from shared.archive import activities

    return activities.write_batch(payload)


@bp.activity_trigger(input_name="payload", activity=orchestration.RECORD_RUN)
def record_run(payload: dict[str, Any]) -> dict[str, Any]:
    from shared.archive import activities

    return activities.record_run(payload)


@bp.activity_trigger(input_name="payload", activity=orchestration.RECORD_FAILURE)
def record_failure(payload: dict[str, Any]) -> None:
    from shared.archive import activities

    activities.record_failure(payload)
