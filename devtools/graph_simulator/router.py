"""Maps a Graph request path to its handler; shared by top-level requests and $batch items."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from devtools.graph_simulator import routes_drive as drive
from devtools.graph_simulator import routes_mailbox as mailbox
from devtools.graph_simulator import routes_subscriptions as subscriptions
from devtools.graph_simulator.context import RouteContext
from devtools.graph_simulator.errors import GraphError
from devtools.graph_simulator.models import GraphRequest, GraphResponse

Handler = Callable[..., GraphResponse]
U, C, E = "{user}", "{calendar}", "{event}"

ROUTES: list[tuple[str, tuple[str, ...], Handler]] = [
    ("GET", ("users", U), mailbox.get_user),
    ("GET", ("users", U, "calendars"), mailbox.list_calendars),
    ("POST", ("users", U, "calendars"), mailbox.create_calendar),
    ("GET", ("users", U, "calendar"), mailbox.get_calendar),
    ("GET", ("users", U, "calendars", C), mailbox.get_calendar),
    ("DELETE", ("users", U, "calendars", C), mailbox.delete_calendar),
    ("GET", ("users", U, "calendarView"), mailbox.calendar_view),
    ("GET", ("users", U, "calendar", "calendarView"), mailbox.calendar_view),
    ("GET", ("users", U, "calendars", C, "calendarView"), mailbox.calendar_view),
    ("GET", ("users", U, "events"), mailbox.list_events),
    ("GET", ("users", U, "calendar", "events"), mailbox.list_events),
    ("GET", ("users", U, "calendars", C, "events"), mailbox.list_events),
    ("POST", ("users", U, "events"), mailbox.create_event),
    ("POST", ("users", U, "calendar", "events"), mailbox.create_event),
    ("POST", ("users", U, "calendars", C, "events"), mailbox.create_event),
    ("GET", ("users", U, "events", E), mailbox.get_event),
    ("GET", ("users", U, "calendars", C, "events", E), mailbox.get_event),
    ("PATCH", ("users", U, "events", E), mailbox.update_event),
    ("PATCH", ("users", U, "calendars", C, "events", E), mailbox.update_event),
    ("DELETE", ("users", U, "events", E), mailbox.delete_event),
    ("DELETE", ("users", U, "calendars", C, "events", E), mailbox.delete_event),
    ("GET", ("users", U, "events", E, "instances"), mailbox.event_instances),
    ("GET", ("users", U, "outlook", "masterCategories"), mailbox.list_master_categories),
    ("POST", ("users", U, "outlook", "masterCategories"), mailbox.create_master_category),
    ("GET", ("subscriptions",), subscriptions.list_all),
    ("POST", ("subscriptions",), subscriptions.create),
    ("GET", ("subscriptions", "{subscription}"), subscriptions.get),
    ("PATCH", ("subscriptions", "{subscription}"), subscriptions.renew),
    ("DELETE", ("subscriptions", "{subscription}"), subscriptions.delete),
    ("POST", ("subscriptions", "{subscription}", "reauthorize"), subscriptions.reauthorize),
]


def segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _match(pattern: tuple[str, ...], parts: list[str]) -> dict[str, str] | None:
    if len(pattern) != len(parts):
        return None
    params: dict[str, str] = {}
    for expected, actual in zip(pattern, parts, strict=True):
        if expected.startswith("{"):
            params[expected[1:-1]] = actual
        elif expected.lower() != actual.lower():  # Graph's URL segments are case-insensitive
            return None
    return params


def mailbox_key(ctx: RouteContext, path: str) -> str | None:
    """The lower-case UPN of the mailbox a request works on, if any."""
    parts = segments(path)
    if len(parts) < 2 or parts[0].lower() != "users":
        return None
    found = ctx.store.find(parts[1])
    return found.upn.lower() if found else parts[1].lower()


def dispatch(ctx: RouteContext, req: GraphRequest) -> GraphResponse:
    parts = segments(req.path)
    if parts and parts[0].lower() == "me":
        raise GraphError(400, "BadRequest", "/me request is only valid with delegated authentication flow.")
    drive_route = drive.match(req.method, req.path)  # `root:/a/b.pdf:/content` has no fixed number of segments
    if drive_route is not None:
        handler, drive_params = drive_route
        return handler(ctx, req, **drive_params)  # type: ignore[no-any-return]
    allowed = False
    for method, pattern, handler in ROUTES:
        params: dict[str, Any] | None = _match(pattern, parts)
        if params is None:
            continue
        if method == req.method:
            return handler(ctx, req, **params)
        allowed = True
    if allowed:
        raise GraphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.")
    last = parts[-1] if parts else ""
    raise GraphError(400, "BadRequest", f"Resource not found for the segment '{last}'.")
