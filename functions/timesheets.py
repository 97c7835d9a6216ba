"""Timesheets and customers' billing settings over HTTP, and the monthly timer that builds last month's."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import quote

import azure.durable_functions as df
import azure.functions as func

from functions.http.bodies import read_body
from functions.http.problems import guarded, guarded_handler
from functions.http.requests import api_base, model_response, principal

if TYPE_CHECKING:
    from functions.http.timesheet_models import TimesheetView
    from shared.storage.timesheet_records import TimesheetRecord

bp = df.Blueprint(http_auth_level=func.AuthLevel.FUNCTION)
log = logging.getLogger(__name__)
CONTENT_TYPES = {"csv": "text/csv", "pdf": "application/pdf"}


@bp.route(route="timesheets", methods=["POST"])
@guarded_handler
def timesheets_build(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.timesheet_models import TimesheetRequest, TimesheetRunView
    from shared.bootstrap import container
    from shared.services.timesheet_ports import run_document
    from shared.services.timesheet_schedule import TimesheetRequest as Asked

    body = read_body(req, TimesheetRequest)
    deps = container()
    asked = Asked.of(deps.jobs, body.user, body.date, body.timezone, deps.clock())
    run = deps.timesheets().build(body.user, asked.start, asked.end, timezone=asked.timezone,
                                  customer=body.customer, upload=body.upload)
    document = run_document(run, lambda sheet: _links(req, sheet.id, [f.kind for f in sheet.files]))
    return model_response(TimesheetRunView.model_validate(document), 201)


@bp.route(route="timesheets", methods=["GET"])
@guarded_handler
def timesheets_list(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.queries import TimesheetQuery, parse_query
    from functions.http.timesheet_models import TimesheetPage
    from shared.bootstrap import container

    query = parse_query(TimesheetQuery, req.params)
    page = container().timesheets().list(query.user, query.page_size, query.continuation)
    return model_response(TimesheetPage(items=[_view(req, r) for r in page.items], continuation=page.continuation))


@bp.route(route="timesheets/{id}", methods=["GET"])
@guarded_handler
def timesheet_get(req: func.HttpRequest) -> func.HttpResponse:
    from shared.bootstrap import container

    return model_response(_view(req, container().timesheets().get(None, req.route_params.get("id", ""))))


@bp.route(route="timesheets/{id}/csv", methods=["GET"])
def timesheet_csv(req: func.HttpRequest) -> func.HttpResponse:
    return guarded(lambda: _file(req, "csv"))


@bp.route(route="timesheets/{id}/pdf", methods=["GET"])
def timesheet_pdf(req: func.HttpRequest) -> func.HttpResponse:
    return guarded(lambda: _file(req, "pdf"))


@bp.route(route="timesheets/{id}/issue", methods=["POST"])
@guarded_handler
def timesheet_issue(req: func.HttpRequest) -> func.HttpResponse:
    from shared.bootstrap import container

    record = container().timesheets().issue(None, req.route_params.get("id", ""), principal(req))
    return model_response(_view(req, record))


@bp.route(route="customers", methods=["GET"])
@guarded_handler
def customers_list(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.queries import UserQuery, parse_query
    from functions.http.timesheet_models import CustomerList
    from shared.bootstrap import container

    query = parse_query(UserQuery, req.params)
    return model_response(CustomerList(items=container().customer_admin.list(query.user)))


@bp.route(route="customers/{customer}", methods=["PUT"])
@guarded_handler
def customer_put(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.timesheet_models import CustomerSettingsBody
    from shared.bootstrap import container
    from shared.services.customer_admin import CustomerSettingsChange

    body = read_body(req, CustomerSettingsBody)
    change = CustomerSettingsChange.model_validate(body.model_dump(exclude={"user"}))
    view = container().customer_admin.set(body.user, req.route_params.get("customer", ""), change,
                                          principal(req))
    return model_response(view)


@bp.timer_trigger(arg_name="timer", schedule="0 20 * * * *", run_on_startup=False)
def timesheet_timer(timer: func.TimerRequest) -> None:
    """Hourly: TIMESHEET_SCHEDULE is read in each job's own time zone, so the tick asks which jobs it has reached."""
    from shared.bootstrap import container

    tick = container().monthly_timesheets.run_due()
    log.info("timesheet timer: %d jobs built, %d failed", len(tick.done), len(tick.failed))


def _file(req: func.HttpRequest, kind: str) -> func.HttpResponse:
    from shared.bootstrap import container

    name, data = container().timesheets().file(None, req.route_params.get("id", ""), kind)
    disposition = f"attachment; filename=\"{_ascii(name)}\"; filename*=UTF-8''{quote(name)}"
    return func.HttpResponse(data, status_code=200, mimetype=CONTENT_TYPES[kind],
                             headers={"Content-Disposition": disposition})


def _ascii(name: str) -> str:
    return name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")


def _links(req: func.HttpRequest, timesheet_id: str, kinds: list[str]) -> dict[str, str]:
    return {kind: f"{api_base(req)}/timesheets/{timesheet_id}/{kind}" for kind in kinds}


def _view(req: func.HttpRequest, record: TimesheetRecord) -> TimesheetView:
    from functions.http.timesheet_models import TimesheetView

    return TimesheetView(
        id=record.id, user=record.user, customer=record.customer, start=record.period.start.isoformat(),
        end=record.period.end.isoformat(), timezone=record.timezone, status=record.status,
        created_at=record.created_at.isoformat(),
        issued_at=record.issued_at.isoformat() if record.issued_at else None, issued_by=record.issued_by,
        effort_hours=float(record.effort_hours), billable_hours=float(record.billable_hours), entries=record.entries,
        needs_review=record.needs_review, changes=record.changes,
        files=_links(req, record.id, [f.kind for f in record.files]),
        uploaded={f.kind: f.web_url for f in record.files if f.web_url},
    )
