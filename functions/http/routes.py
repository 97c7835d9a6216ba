"""The methods each HTTP route of the app takes; functions/api.py answers every other method with a 405.

Azure's host does not answer 405 itself: a method that no function of a route declares is an empty 404 there
(azure-functions-host#10098). So the app registers, per route, one more function taking exactly the other methods.
Kept free of imports so the app's start-up stays cheap; tests/unit/api/test_openapi_routes.py checks this table
against the HTTP triggers of function_app.py (and those against the Swagger catalog).
"""

from __future__ import annotations

ROUTE_METHODS: dict[str, tuple[str, ...]] = {
    "conflicts": ("GET",),
    "conflicts/{id}": ("GET",),
    "conflicts/{id}/resolve": ("POST",),
    "audit": ("GET",),
    "audit/export": ("GET",),
    "jobs": ("GET",),
    "jobs/{id}": ("GET", "PUT", "DELETE"),
    "categories/validate": ("POST",),
    "health": ("GET",),
    "openapi.json": ("GET",),
    "archive": ("POST",),
    "archive/{instance_id}": ("GET",),
    "graph/notifications": ("POST",),
    "graph/lifecycle": ("POST",),
    "timesheets": ("GET", "POST"),
    "timesheets/{id}": ("GET",),
    "timesheets/{id}/csv": ("GET",),
    "timesheets/{id}/pdf": ("GET",),
    "timesheets/{id}/issue": ("POST",),
    "customers": ("GET",),
    "customers/{customer}": ("PUT",),
    "suggestions": ("GET",),
    "suggestions/{id}/accept": ("POST",),
    "suggestions/{id}/reject": ("POST",),
    "rules": ("GET", "POST"),
    "rules/{id}": ("GET", "PUT", "DELETE"),
    "places": ("GET", "POST"),
    "places/home": ("PUT",),
    "places/office": ("PUT",),
    "places/{name}": ("DELETE",),
    "travel/plan": ("POST",),
    "travel/alerts": ("GET",),
}

# Routes whose functions take no function key; their refusals take none either. Elsewhere a caller without the key
# gets the host's 401 whatever the method.
ANONYMOUS_ROUTES = frozenset({"health", "graph/notifications", "graph/lifecycle"})
