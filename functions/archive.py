"""Daily archive triggers: hourly timer, HTTP starter and status, the orchestrations and their activities."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import azure.durable_functions as df
import azure.functions as func
from pydantic import ValidationError

from functions.http_problem import (
    bad_request,
    from_validation_error,
    guarded_async,
    json_body,
    json_response,
    problem,
)
from shared.orchestrators import archive as orchestration

if TYPE_CHECKING:
    from shared.services.api_models import ArchiveStatusView

bp = df.Blueprint()
log = logging.getLogger(__name__)

@bp.timer_trigger(arg_name="timer", schedule="%ARCHIVE_SCHEDULE%", run_on_startup=False)
@bp.durable_client_input(client_name="client")
async def archive_timer(timer: func.TimerRequest, client: df.DurableOrchestrationClient) -> None:
    from shared.archive.schedule import start_due_archives
    from shared.bootstrap import container

    deps = container()
    tick = await start_due_archives(client, deps.jobs.list(enabled_only=True), deps.clock())
    log.info(tick.summary())


@bp.route(route="archive", methods=["POST"])
@bp.durable_client_input(client_name="client")
async def archive_start(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    return await guarded_async(lambda: _start_archive(req, client))


async def _start_archive(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    from shared.archive.requests import ArchiveInputError, archive_owner, build_request, instance_id_for
    from shared.archive.starts import start_archive
    from shared.bootstrap import container
    from shared.services.api_models import ArchiveStartBody

    raw = json_body(req)
    if isinstance(raw, func.HttpResponse):
        return raw
    try:
        body = ArchiveStartBody.model_validate(raw)
    except ValidationError as exc:
        return from_validation_error(exc)
    deps = container()
    try:
        request = build_request(
            user=body.user,
            date_expression=body.date or "yesterday",
            now=deps.clock(),
            source=body.source,
            archive=body.archive,
            timezone=body.timezone or "UTC",
            strict=not body.allow_overlaps,
        )
    except ArchiveInputError as exc:
        return bad_request(exc.field, exc.message)
    # Named like the timer's run of the same job and day, so the two refuse each other instead of both writing.
    owner, job_id = archive_owner(deps.jobs, request.user)
    request = request.model_copy(update={"job_id": job_id})
    instance_id = instance_id_for(owner, request.start, request.end)
    if not await start_archive(client, instance_id, request):
        return problem(409, "Conflict", f"archive {instance_id} is already running")
    return _started_response(client.create_check_status_response(req, instance_id))


def _started_response(check_status: func.HttpResponse) -> func.HttpResponse:
    """The Durable check-status answer with exactly the body the API document gives (ArchiveStarted)."""
    from shared.services.api_models import ArchiveStarted

    links = ArchiveStarted.model_validate(json.loads(check_status.get_body()))
    return func.HttpResponse(
        links.model_dump_json(exclude_none=True),
        status_code=202,
        mimetype="application/json",
        headers={name: value for name, value in check_status.headers.items() if name.lower() != "content-type"},
    )


@bp.route(route="archive/{instance_id}", methods=["GET"])
@bp.durable_client_input(client_name="client")
async def archive_status(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    instance_id = req.route_params.get("instance_id", "")
    status = await client.get_status(instance_id)
    if not status or status.runtime_status is None:
        return problem(404, "Not Found", f"no archive instance '{instance_id}'")
    return json_response(status_view(status).model_dump(mode="json"))


def status_view(status: df.DurableOrchestrationStatus) -> ArchiveStatusView:
    from shared.services.api_models import ArchiveStatusView

    runtime = status.runtime_status
    return ArchiveStatusView(
        instanceId=status.instance_id or "",
        name=status.name,
        runtimeStatus=runtime.value if runtime else None,
        customStatus=status.custom_status,
        output=status.output,
        createdTime=status.created_time.isoformat() if status.created_time else None,
        lastUpdatedTime=status.last_updated_time.isoformat() if status.last_updated_time else None,
    )


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
