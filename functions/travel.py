"""A user's places and travel planning over HTTP, and the hourly tick of the daily planning timer.

The user is read from the query string for reads and deletes, and from the body for writes."""

from __future__ import annotations

import logging

import azure.durable_functions as df
import azure.functions as func

from functions.http.bodies import read_body
from functions.http.problems import guarded, guarded_handler
from functions.http.requests import model_response, principal

bp = df.Blueprint(http_auth_level=func.AuthLevel.FUNCTION)
log = logging.getLogger(__name__)


@bp.route(route="places", methods=["GET"])
@guarded_handler
def places_list(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.queries import UserQuery, parse_query
    from shared.bootstrap import container

    query = parse_query(UserQuery, req.params)
    return model_response(container().place_admin.list(query.user))


@bp.route(route="places/home", methods=["PUT"])
def place_home(req: func.HttpRequest) -> func.HttpResponse:
    return guarded(lambda: _set_base(req, "home"))


@bp.route(route="places/office", methods=["PUT"])
def place_office(req: func.HttpRequest) -> func.HttpResponse:
    return guarded(lambda: _set_base(req, "office"))


def _set_base(req: func.HttpRequest, which: str) -> func.HttpResponse:
    from functions.http.travel_models import HomeOrOfficeBody
    from shared.bootstrap import container

    body = read_body(req, HomeOrOfficeBody)
    admin = container().place_admin
    set_place = admin.set_home if which == "home" else admin.set_office
    return model_response(set_place(body.user, body.address, body.aliases, by=principal(req)))


@bp.route(route="places", methods=["POST"])
@guarded_handler
def place_add(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.travel_models import PlaceBody
    from shared.bootstrap import container

    body = read_body(req, PlaceBody)
    place = container().place_admin.add_place(body.user, body.model_dump(exclude={"user"}), by=principal(req))
    return model_response(place, 201)


@bp.route(route="places/{name}", methods=["DELETE"])
@guarded_handler
def place_remove(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.queries import UserQuery, parse_query
    from shared.bootstrap import container

    query = parse_query(UserQuery, req.params)
    container().place_admin.remove(query.user, req.route_params.get("name", ""), by=principal(req))
    return func.HttpResponse(status_code=204)


@bp.route(route="travel/plan", methods=["POST"])
@guarded_handler
def travel_plan(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.travel_models import PlanBody
    from shared.bootstrap import container

    body = read_body(req, PlanBody)
    return model_response(container().travel_requests.plan(body.user, body.date, dry_run=body.dry_run))


@bp.route(route="travel/alerts", methods=["GET"])
@guarded_handler
def travel_alerts(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.queries import parse_query
    from functions.http.travel_models import AlertList, AlertQuery
    from shared.bootstrap import container

    deps = container()
    query = parse_query(AlertQuery, req.params)
    start, end = query.span(deps.clock().date())
    return model_response(AlertList(items=deps.travel_planner.list_alerts(query.user, start, end)))


@bp.timer_trigger(arg_name="timer", schedule="0 25 * * * *", run_on_startup=False)
def travel_timer(timer: func.TimerRequest) -> None:
    """Hourly: TRAVEL_SCHEDULE is read in each job's own time zone, so the tick asks which jobs it has reached."""
    from shared.bootstrap import container

    tick = container().daily_travel.run_due()
    log.info("travel timer: %d jobs planned, %d failed", len(tick.done), len(tick.failed))
