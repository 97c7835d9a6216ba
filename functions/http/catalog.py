"""Every HTTP operation of the app with the models it reads and answers: the single source of the OpenAPI document.

A test compares this catalog with the HTTP triggers registered in function_app.py, so a route added without an
entry here (or an entry without a route) fails the build.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from functions.http import models as m
from functions.http import queries as q
from functions.http import suggestion_models as sm
from functions.http import timesheet_models as tm
from functions.http import travel_models as trm
from shared.domain.jobs import JobSettings
from shared.domain.places import Place
from shared.domain.suggestion_rules import SuggestionRule
from shared.domain.suggestions import Suggestion
from shared.services.audit_export import CONTINUATION_HEADER, MAX_EXPORT_ROWS
from shared.services.category_check import CategoryCheckResult
from shared.services.customer_admin import CustomerView
from shared.services.health import HealthReport
from shared.services.notification_contracts import ChangeNotificationBatch, LifecycleNotificationBatch
from shared.services.place_admin import PlacesView
from shared.services.suggestion_ports import AcceptResult
from shared.services.travel_results import TravelRun

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
CSV = "text/csv"
TEXT = "text/plain"


@dataclass(frozen=True)
class Reply:
    description: str
    model: type[BaseModel] | None = None
    schema: Mapping[str, Any] | None = None  # for bodies that are not JSON models (CSV, echoed text)
    headers: Mapping[str, str] = field(default_factory=dict)  # name -> description


@dataclass(frozen=True)
class Operation:
    method: str
    route: str  # as on the HTTP trigger, without the `api/` prefix
    operation_id: str
    summary: str
    tag: str
    responses: Mapping[int, Reply]
    description: str = ""
    path_params: Mapping[str, str] = field(default_factory=dict)  # name -> description
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    body_required: bool = True
    body_summary: str = ""  # the body's label in Power Automate; the model's name in words when empty
    produces: tuple[str, ...] = (JSON, PROBLEM_JSON)
    anonymous: bool = False  # no function key (health, Graph's webhooks)


def _problem(description: str) -> Reply:
    return Reply(description, m.Problem)


BAD_REQUEST = {400: _problem("Invalid input; `errors` names each field at fault.")}
NOT_FOUND = {404: _problem("No such resource.")}
TOO_LARGE = {413: _problem("The body is larger than 1 MB.")}
UNAVAILABLE = {503: _problem("Storage is unavailable; try again later.")}
CONFLICT_ID = {"id": "Conflict id"}
JOB_ID = {"id": "Job id (lowercase letters, digits and '-')"}

API_OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", "conflicts", "listConflicts", "List overlap conflicts", "Conflicts",
              {200: Reply("A page of conflicts.", m.ConflictPage), **BAD_REQUEST, **UNAVAILABLE}, query=q.ConflictQuery,
              description="Conflicts recorded by archive runs, oldest day first, paged with a continuation token."),
    Operation("GET", "conflicts/{id}", "getConflict", "Get a conflict", "Conflicts",
              {200: Reply("The conflict.", m.ConflictView), **NOT_FOUND, **UNAVAILABLE}, path_params=CONFLICT_ID),
    Operation("POST", "conflicts/{id}/resolve", "resolveConflict", "Resolve a conflict", "Conflicts",
              {200: Reply("Resolved; the kept events are being archived.", m.ResolveResult), **BAD_REQUEST,
               **NOT_FOUND, 409: _problem("Already resolved, or the day's archive is running."), **TOO_LARGE,
               503: _problem("Storage or the archive backend is unavailable; the conflict stays open.")},
              path_params=CONFLICT_ID, body=m.ResolveRequest, body_summary="Resolution",
              description="Keeps the chosen events (they are archived) and leaves the others out; audited."),
    Operation("GET", "audit", "listAudit", "List audit entries", "Audit",
              {200: Reply("A page of audit entries.", m.AuditPage), **BAD_REQUEST, **UNAVAILABLE}, query=q.AuditQuery),
    Operation("GET", "audit/export", "exportAudit", "Export audit entries as CSV", "Audit",
              {200: Reply("CSV with a header row, one row per entry.", schema={"type": "string"}, headers={
                  "Link": "`<URL>; rel=\"next\"`: this export's next part, sent when more rows remain.",
                  CONTINUATION_HEADER: "Pass as `continuation` to get the next part; sent when more rows remain.",
                  "Content-Disposition": "`attachment; filename=\"audit.csv\"`.",
              }), **BAD_REQUEST, **UNAVAILABLE},
              query=q.AuditExportQuery, produces=(CSV, PROBLEM_JSON),
              description=f"The rows /audit would list, in the same order; at most {MAX_EXPORT_ROWS:,} per response. "
                          "When more remain, follow the `Link` header (rel=next) or pass the "
                          f"`{CONTINUATION_HEADER}` header back as `continuation`."),
    Operation("GET", "jobs", "listJobs", "List archive jobs", "Jobs",
              {200: Reply("Every archive job.", m.JobList), **UNAVAILABLE}),
    Operation("GET", "jobs/{id}", "getJob", "Get an archive job", "Jobs",
              {200: Reply("The job.", m.JobView), **NOT_FOUND, **UNAVAILABLE}, path_params=JOB_ID),
    Operation("PUT", "jobs/{id}", "putJob", "Create or replace an archive job", "Jobs",
              {200: Reply("Replaced.", m.JobView), 201: Reply("Created.", m.JobView), **BAD_REQUEST, **TOO_LARGE,
               **UNAVAILABLE},
              path_params=JOB_ID, body=JobSettings, body_summary="Job settings"),
    Operation("DELETE", "jobs/{id}", "deleteJob", "Delete an archive job", "Jobs",
              {204: Reply("Deleted."), **NOT_FOUND, **UNAVAILABLE}, path_params=JOB_ID),
    Operation("POST", "categories/validate", "validateCategories", "Validate category names", "Categories",
              {200: Reply("One verdict per category.", CategoryCheckResult), **BAD_REQUEST, **TOO_LARGE},
              body=m.CategoryCheckRequest, body_summary="Categories to check",
              description="Customer, billing type and issues of each `<customer> - billable|non-billable` category."),
    Operation("GET", "health", "getHealth", "Check service health", "Service",
              {200: Reply("Every dependency answers.", HealthReport),
               503: Reply("A dependency does not answer; `checks` names it.", HealthReport)}, anonymous=True),
    Operation("GET", "openapi.json", "getOpenApiDocument", "Get this API definition", "Service",
              {200: Reply("Swagger 2.0 document, importable as a custom connector.", schema={"type": "object"})},
              produces=(JSON,)),
)

ARCHIVE_OPERATIONS: tuple[Operation, ...] = (
    Operation("POST", "archive", "startArchive", "Start an archive run", "Archive",
              {202: Reply("Started; poll the status links.", m.ArchiveStarted), **BAD_REQUEST,
               409: _problem("An archive of the same user and days is running."), **TOO_LARGE, **UNAVAILABLE},
              body=m.ArchiveStartBody, body_summary="Archive request",
              description="Archives a user's calendar for a day or a range into the archive calendar."),
    Operation("GET", "archive/{instance_id}", "getArchiveStatus", "Get an archive run's status", "Archive",
              {200: Reply("Status, progress and (once done) the result.", m.ArchiveStatusView), **NOT_FOUND},
              path_params={"instance_id": "Archive run id"}),
)

_WEBHOOK_REPLIES = {
    200: Reply("Subscription validation: the token echoed as text/plain.", schema={"type": "string"}),
    202: Reply("Accepted for processing."),
    **BAD_REQUEST,
    **TOO_LARGE,
    503: _problem("Storage is unavailable; Graph delivers again later."),
}

GRAPH_WEBHOOK_OPERATIONS: tuple[Operation, ...] = (
    Operation("POST", "graph/notifications", "receiveGraphNotifications", "Receive Graph change notifications",
              "Graph webhooks", _WEBHOOK_REPLIES, query=q.ValidationTokenQuery, body=ChangeNotificationBatch,
              body_required=False, produces=(TEXT, JSON, PROBLEM_JSON), anonymous=True,
              description="Called by Microsoft Graph, not by flows."),
    Operation("POST", "graph/lifecycle", "receiveGraphLifecycle", "Receive Graph lifecycle notifications",
              "Graph webhooks", _WEBHOOK_REPLIES, query=q.ValidationTokenQuery, body=LifecycleNotificationBatch,
              body_required=False, produces=(TEXT, JSON, PROBLEM_JSON), anonymous=True,
              description="Called by Microsoft Graph, not by flows."),
)

TIMESHEET_ID = {"id": "Timesheet id (ts-YYYYMMDD-...)"}
PDF = "application/pdf"


def _file_reply(kind: str) -> Reply:
    return Reply(f"The timesheet's {kind.upper()} file.", schema={"type": "string", "format": "binary"},
                 headers={"Content-Disposition": "`attachment` with the file's name."})


TIMESHEET_OPERATIONS: tuple[Operation, ...] = (
    Operation("POST", "timesheets", "buildTimesheets", "Build timesheets", "Timesheets",
              {201: Reply("Built; one timesheet per customer with entries, and their download links.",
                          tm.TimesheetRunView), **BAD_REQUEST, **TOO_LARGE, **UNAVAILABLE},
              body=tm.TimesheetRequest, body_summary="Timesheet request",
              description="From the archive calendar of a period (default: last month), one CSV and PDF timesheet "
                          "per customer; drafts are replaced, issued periods are kept."),
    Operation("GET", "timesheets", "listTimesheets", "List timesheets", "Timesheets",
              {200: Reply("A page of a user's timesheets.", tm.TimesheetPage), **BAD_REQUEST, **UNAVAILABLE},
              query=q.TimesheetQuery),
    Operation("GET", "timesheets/{id}", "getTimesheet", "Get a timesheet", "Timesheets",
              {200: Reply("The timesheet and its download links.", tm.TimesheetView), **NOT_FOUND, **UNAVAILABLE},
              path_params=TIMESHEET_ID),
    Operation("GET", "timesheets/{id}/csv", "getTimesheetCsv", "Download a timesheet as CSV", "Timesheets",
              {200: _file_reply("csv"), **NOT_FOUND, **UNAVAILABLE}, path_params=TIMESHEET_ID,
              produces=(CSV, PROBLEM_JSON)),
    Operation("GET", "timesheets/{id}/pdf", "getTimesheetPdf", "Download a timesheet as PDF", "Timesheets",
              {200: _file_reply("pdf"), **NOT_FOUND, **UNAVAILABLE}, path_params=TIMESHEET_ID,
              produces=(PDF, PROBLEM_JSON)),
    Operation("POST", "timesheets/{id}/issue", "issueTimesheet", "Issue a timesheet", "Timesheets",
              {200: Reply("Issued: the period is locked for the customer.", tm.TimesheetView), **NOT_FOUND,
               409: _problem("Already issued."), **UNAVAILABLE}, path_params=TIMESHEET_ID,
              description="Locks the period for the customer and writes the final files; later archive changes of "
                          "the period are listed in the next timesheet. Audited."),
    Operation("GET", "customers", "listCustomers", "List customers' billing settings", "Timesheets",
              {200: Reply("The customers with settings of their own.", tm.CustomerList), **BAD_REQUEST,
               **UNAVAILABLE}, query=q.UserQuery),
    Operation("PUT", "customers/{customer}", "putCustomer", "Set a customer's billing settings", "Timesheets",
              {200: Reply("The customer's settings.", CustomerView), **BAD_REQUEST, **TOO_LARGE, **UNAVAILABLE},
              path_params={"customer": "Customer name, as in its categories"}, body=tm.CustomerSettingsBody,
              body_summary="Billing settings",
              description="Rounding increment (6, 15, 30 or 60 minutes), mode (nearest, up, down) and travel rate "
                          "(0 to 1); what is left out keeps its value. Audited."),
)

SUGGESTION_ID = {"id": "Suggestion id (24 lower-case hexadecimal characters)"}
RULE_ID = {"id": "Rule id (8 to 32 lower-case hexadecimal characters)"}
DECIDED = {409: _problem("Already accepted or rejected.")}
UNKNOWN_MAILBOX = {404: _problem("No such rule, or no such mailbox in Microsoft Graph.")}

SUGGESTION_OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", "suggestions", "listSuggestions", "List category suggestions", "Suggestions",
              {200: Reply("The user's suggestions.", sm.SuggestionList), **BAD_REQUEST, **UNAVAILABLE},
              query=sm.SuggestionQuery,
              description="Suggested categories for a user's uncategorised appointments (from their rules, their "
                          "history or the language model), by the appointments' days and status."),
    Operation("POST", "suggestions/{id}/accept", "acceptSuggestion", "Accept a category suggestion", "Suggestions",
              {200: Reply("Accepted: the category is on the appointment and its archive copy.", AcceptResult),
               **BAD_REQUEST, 404: _problem("No such suggestion, or its appointment no longer exists."),
               **DECIDED, **TOO_LARGE, **UNAVAILABLE},
              path_params=SUGGESTION_ID, body=sm.AcceptBody, body_required=False, body_summary="Acceptance",
              description="Writes the category (or `category`, another known one) to the appointment and its archive "
                          "copy, restores the sensitivity the privacy rule changed, and with `remember` makes a "
                          "rule of it. Audited."),
    Operation("POST", "suggestions/{id}/reject", "rejectSuggestion", "Reject a category suggestion", "Suggestions",
              {200: Reply("Rejected; it is not suggested again.", Suggestion), **BAD_REQUEST,
               404: _problem("No such suggestion."), **DECIDED, **UNAVAILABLE},
              path_params=SUGGESTION_ID, description="Nothing in the calendar changes. Audited."),
    Operation("GET", "rules", "listRules", "List suggestion rules", "Suggestions",
              {200: Reply("The user's rules in the order they apply.", sm.RuleList), **BAD_REQUEST, **UNAVAILABLE},
              query=q.UserQuery, description="The user is given in the query string."),
    Operation("POST", "rules", "createRule", "Create a suggestion rule", "Suggestions",
              {201: Reply("Created.", SuggestionRule), **BAD_REQUEST, **UNKNOWN_MAILBOX, **TOO_LARGE, **UNAVAILABLE},
              body=sm.RuleBody, body_summary="Rule",
              description="The user is given in the body. The category must be one of the user's known categories "
                          "(or `personal`: matching appointments get no suggestion). Audited."),
    Operation("GET", "rules/{id}", "getRule", "Get a suggestion rule", "Suggestions",
              {200: Reply("The rule.", SuggestionRule), **BAD_REQUEST, **NOT_FOUND, **UNAVAILABLE},
              path_params=RULE_ID, query=q.UserQuery, description="The user is given in the query string."),
    Operation("PUT", "rules/{id}", "putRule", "Replace a suggestion rule", "Suggestions",
              {200: Reply("Replaced.", SuggestionRule), **BAD_REQUEST, **UNKNOWN_MAILBOX, **TOO_LARGE,
               **UNAVAILABLE},
              path_params=RULE_ID, body=sm.RuleBody, body_summary="Rule",
              description="The user is given in the body; the position is kept when left out. Audited."),
    Operation("DELETE", "rules/{id}", "deleteRule", "Delete a suggestion rule", "Suggestions",
              {204: Reply("Deleted."), **BAD_REQUEST, **NOT_FOUND, **UNAVAILABLE},
              path_params=RULE_ID, query=q.UserQuery, description="The user is given in the query string. Audited."),
)

PLACE_CLASH = "Invalid input; `errors` names the field (a name or alias another place already has is `aliases`)."
TRAVEL_OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", "places", "listPlaces", "List a user's places", "Travel",
              {200: Reply("Home, office, then named places, and the travel settings.", PlacesView), **BAD_REQUEST,
               **UNAVAILABLE}, query=q.UserQuery, description="The user is given in the query string."),
    Operation("PUT", "places/home", "putHomePlace", "Set a user's home", "Travel",
              {200: Reply("The home place.", Place), 400: _problem(PLACE_CLASH), **TOO_LARGE, **UNAVAILABLE},
              body=trm.HomeOrOfficeBody, body_summary="Home",
              description="Where days start and end unless the settings say otherwise. Audited."),
    Operation("PUT", "places/office", "putOfficePlace", "Set a user's office", "Travel",
              {200: Reply("The office place.", Place), 400: _problem(PLACE_CLASH), **TOO_LARGE, **UNAVAILABLE},
              body=trm.HomeOrOfficeBody, body_summary="Office", description="Audited."),
    Operation("POST", "places", "addPlace", "Add a named place", "Travel",
              {201: Reply("Saved (a place of the same name is replaced).", Place), 400: _problem(PLACE_CLASH),
               **TOO_LARGE, **UNAVAILABLE},
              body=trm.PlaceBody, body_summary="Place",
              description="A customer site or other place appointments' locations name. Audited."),
    Operation("DELETE", "places/{name}", "deletePlace", "Remove a place", "Travel",
              {204: Reply("Removed."), **BAD_REQUEST, 404: _problem("The user has no place of that name."),
               **UNAVAILABLE},
              path_params={"name": "The place's name"}, query=q.UserQuery,
              description="The user is given in the query string. Audited."),
    Operation("POST", "travel/plan", "planTravel", "Plan travel appointments", "Travel",
              {200: Reply("Per day the travel, gap alerts and counts; `issues` say what could not be done.",
                          TravelRun), **BAD_REQUEST, 404: _problem("No such mailbox in Microsoft Graph."), **TOO_LARGE,
               **UNAVAILABLE},
              body=trm.PlanBody, body_summary="Plan request",
              description="Writes (or with `dry_run` only lists) travel appointments between physical places, marks "
                          "appointments away from home and office out of office and records gap alerts. Audited."),
    Operation("GET", "travel/alerts", "listTravelAlerts", "List travel gap alerts", "Travel",
              {200: Reply("The stored alerts of the days.", trm.AlertList), **BAD_REQUEST, **UNAVAILABLE},
              query=trm.AlertQuery,
              description="Travel that did not fit between two appointments, from the last plan of each day."),
)

ROUTES: tuple[Operation, ...] = (API_OPERATIONS + ARCHIVE_OPERATIONS + GRAPH_WEBHOOK_OPERATIONS + TIMESHEET_OPERATIONS
                                 + SUGGESTION_OPERATIONS + TRAVEL_OPERATIONS)
