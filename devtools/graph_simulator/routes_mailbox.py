"""Handlers for users, calendars, events and calendar views."""

from __future__ import annotations

from typing import Any

from devtools.graph_simulator import odata
from devtools.graph_simulator.context import RouteContext
from devtools.graph_simulator.errors import GraphError
from devtools.graph_simulator.models import GraphRequest, GraphResponse

TIMEZONE_PREFERENCES = ("outlook.timezone", "odata.maxpagesize")


def _json_body(req: GraphRequest) -> dict[str, Any]:
    if not isinstance(req.body, dict):
        raise GraphError(400, "BadRequest", "Empty Payload. JSON content expected.")
    return req.body


def _applied(req: GraphRequest) -> dict[str, str]:
    preferences = odata.prefer(req)
    applied = [f'{k}="{v}"' if k == "outlook.timezone" else f"{k}={v}" for k, v in preferences.items()
               if k in TIMEZONE_PREFERENCES]
    return {"Preference-Applied": ", ".join(applied)} if applied else {}


def _event_response(status: int, event: dict[str, Any], req: GraphRequest) -> GraphResponse:
    return GraphResponse(status, odata.render_event(event, req), {"ETag": str(event.get("@odata.etag", ""))})


def _event_page(ctx: RouteContext, req: GraphRequest, events: list[dict[str, Any]]) -> GraphResponse:
    odata.validate_item_options(req)
    page = odata.paginate(events, req, ctx.base_url(), ctx.page_cap)
    page["value"] = [odata.render_event(e, req) for e in page["value"]]
    return GraphResponse(200, page, _applied(req))


def _check_write(ctx: RouteContext, req: GraphRequest) -> None:
    failure = ctx.faults.write_failure(req.body)
    if failure is not None:
        raise GraphError(failure.status, failure.code, failure.message, retry_after=failure.retry_after)


def get_user(ctx: RouteContext, req: GraphRequest, user: str) -> GraphResponse:
    mailbox = ctx.store.mailbox(user)
    return GraphResponse(200, {
        "@odata.context": f"{ctx.base_url()}/$metadata#users/$entity",
        "id": mailbox.id,
        "displayName": mailbox.display_name,
        "userPrincipalName": mailbox.upn,
        "mail": mailbox.upn,
    })


def list_calendars(ctx: RouteContext, req: GraphRequest, user: str) -> GraphResponse:
    page = odata.paginate(ctx.store.calendars(user), req, ctx.base_url(), ctx.page_cap)
    return GraphResponse(200, page)


def create_calendar(ctx: RouteContext, req: GraphRequest, user: str) -> GraphResponse:
    name = _json_body(req).get("name")
    if not isinstance(name, str):
        raise GraphError(400, "ErrorInvalidRequest", "A calendar requires a name.")
    calendar = ctx.store.add_calendar(user, name)
    return GraphResponse(201, {"@odata.context": f"{ctx.base_url()}/$metadata#users('{user}')/calendars/$entity",
                               **calendar})


def get_calendar(ctx: RouteContext, req: GraphRequest, user: str, calendar: str | None = None) -> GraphResponse:
    return GraphResponse(200, ctx.store.calendar(user, calendar))


def delete_calendar(ctx: RouteContext, req: GraphRequest, user: str, calendar: str) -> GraphResponse:
    ctx.store.delete_calendar(user, calendar)
    return GraphResponse(204)


def calendar_view(ctx: RouteContext, req: GraphRequest, user: str, calendar: str | None = None) -> GraphResponse:
    start, end = odata.window(req)
    return _event_page(ctx, req, ctx.store.view(user, calendar, start, end))


def list_events(ctx: RouteContext, req: GraphRequest, user: str, calendar: str | None = None) -> GraphResponse:
    wanted = odata.property_filter(req)
    events = ctx.store.list_events(user, calendar)
    if wanted is not None:
        events = [e for e in events if wanted.matches(e)]
    return _event_page(ctx, req, events)


def create_event(ctx: RouteContext, req: GraphRequest, user: str, calendar: str | None = None) -> GraphResponse:
    body = _json_body(req)
    _check_write(ctx, req)
    return _event_response(201, ctx.store.create_event(user, body, calendar), req)


def get_event(
    ctx: RouteContext, req: GraphRequest, user: str, event: str, calendar: str | None = None
) -> GraphResponse:
    odata.validate_item_options(req)
    return _event_response(200, ctx.store.get_event(user, event), req)


def update_event(
    ctx: RouteContext, req: GraphRequest, user: str, event: str, calendar: str | None = None
) -> GraphResponse:
    body = _json_body(req)
    _check_write(ctx, req)
    return _event_response(200, ctx.store.update_event(user, event, body), req)


def delete_event(
    ctx: RouteContext, req: GraphRequest, user: str, event: str, calendar: str | None = None
) -> GraphResponse:
    ctx.store.delete_event(user, event)
    return GraphResponse(204)


def event_instances(ctx: RouteContext, req: GraphRequest, user: str, event: str) -> GraphResponse:
    start, end = odata.window(req)
    return _event_page(ctx, req, ctx.store.instances(user, event, start, end))


def list_master_categories(ctx: RouteContext, req: GraphRequest, user: str) -> GraphResponse:
    return GraphResponse(200, {"@odata.context": f"{ctx.base_url()}/$metadata#users('{user}')/outlook/masterCategories",
                               "value": ctx.store.master_categories(user)})


def create_master_category(ctx: RouteContext, req: GraphRequest, user: str) -> GraphResponse:
    body = _json_body(req)
    name = body.get("displayName")
    if not isinstance(name, str) or not name.strip():
        raise GraphError(400, "ErrorInvalidRequest", "displayName is required.")
    category = ctx.store.add_master_category(user, name, str(body.get("color") or "preset0"))
    return GraphResponse(201, {"@odata.context": f"{ctx.base_url()}/$metadata#users('{user}')/outlook/masterCategories"
                                                 "/$entity", **category})
