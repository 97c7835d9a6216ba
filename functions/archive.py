"""Daily archive triggers: hourly timer, HTTP starter and status, the orchestrations and their activities."""

from __future__ import annotations

import json
import logging
import re
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import azure.durable_functions as df
import azure.functions as func

from functions.http.bodies import read_body
from functions.http.problems import guarded_async, json_response
from shared.domain.errors import NotFound, StateConflict
from shared.orchestrators import archive as orchestration

if TYPE_CHECKING:
    from functions.http.models import ArchiveStatusView

bp = df.Blueprint()
log = logging.getLogger(__name__)

# What a Durable instance id can be: no '/', '?', '#' or '\\' (the extension's own rule), nor a path segment of dots.
_INSTANCE_ID = re.compile(r"(?!\.+$)[^/\\?#\x00-\x1f\x7f]{1,100}")


@bp.timer_trigger(arg_name="timer", schedule="%ARCHIVE_SCHEDULE%", run_on_startup=False)
@bp.durable_client_input(client_name="client")
async def archive_timer(timer: func.TimerRequest, client: df.DurableOrchestrationClient) -> None:
    from shared.bootstrap import container

    tick = await container().archive_starts.start_due(client)
    log.info(tick.summary())


@bp.route(route="archive", methods=["POST"])
@bp.durable_client_input(client_name="client")
async def archive_start(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    return await guarded_async(lambda: _start_archive(req, client))


async def _start_archive(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    from functions.http.models import ArchiveStartBody
    from shared.bootstrap import container
    from shared.services.archive.starts import start_archive

    body = read_body(req, ArchiveStartBody)
    start = container().archive_starts.for_user(
        body.user, body.date or "yesterday", source=body.source, archive=body.archive, timezone=body.timezone,
        strict=not body.allow_overlaps,
    )
    if not await start_archive(client, start.instance_id, start.request):
        raise StateConflict(f"archive {start.instance_id} is already running or has just run")
    return _started_response(client.create_check_status_response(req, start.instance_id))


def _started_response(check_status: func.HttpResponse) -> func.HttpResponse:
    """The Durable check-status answer with exactly the body the API document gives (ArchiveStarted)."""
    from functions.http.models import ArchiveStarted

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
    return await guarded_async(lambda: _archive_status(req, client))


async def _archive_status(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    instance_id = req.route_params.get("instance_id", "")
    if not _INSTANCE_ID.fullmatch(instance_id):
        raise NotFound("no archive instance with that id")
    # The client puts the id into its URL as it is; the extension reads the path segment unescaped.
    status = await client.get_status(quote(instance_id, safe=""))
    if not status or status.runtime_status is None:
        raise NotFound(f"no archive instance '{instance_id}'")
    return json_response(status_view(status).model_dump(mode="json"))


def status_view(status: df.DurableOrchestrationStatus) -> ArchiveStatusView:
    from functions.http.models import ArchiveStatusView
    from shared.domain.failures import failure_reason

    runtime = status.runtime_status
    output = status.output
    if runtime == df.OrchestrationRuntimeStatus.Failed:
        output = failure_reason(output)  # the stack trace behind it is in the log
    return ArchiveStatusView(
        instanceId=status.instance_id or "",
        name=status.name,
        runtimeStatus=runtime.value if runtime else None,
        customStatus=status.custom_status,
        output=output,
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
    return _activities().resolve_calendars(payload)


@bp.activity_trigger(input_name="payload", activity=orchestration.FETCH_DAY)
def fetch_day(payload: dict[str, Any]) -> dict[str, Any]:
    return _activities().fetch_day(payload)


@bp.activity_trigger(input_name="payload", activity=orchestration.PLAN_DAY)
def plan_day(payload: dict[str, Any]) -> dict[str, Any]:
    return _activities().plan_day(payload)


@bp.activity_trigger(input_name="payload", activity=orchestration.WRITE_BATCH)
def write_batch(payload: dict[str, Any]) -> dict[str, Any]:
    return _activities().write_batch(payload)


@bp.activity_trigger(input_name="payload", activity=orchestration.RECORD_RUN)
def record_run(payload: dict[str, Any]) -> dict[str, Any]:
    return _activities().record_run(payload)


@bp.activity_trigger(input_name="payload", activity=orchestration.RECORD_FAILURE)
def record_failure(payload: dict[str, Any]) -> None:
    _activities().record_failure(payload)


def _activities() -> ModuleType:
    """Imported on first use, not with the app: the activities pull in the Graph and storage clients."""
    from shared.services.archive import activities

    return activities
