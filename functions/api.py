"""The HTTP API for Power Automate and other systems: conflicts, audit, archive jobs, categories, health, OpenAPI.

Every operation is documented in shared/services/api_catalog.py; the handlers stay thin: parse, call a use case,
shape the answer. Use-case errors become problem+json through functions/http_problem.py.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import azure.durable_functions as df
import azure.functions as func
from pydantic import BaseModel, ValidationError

from functions.http_problem import (
    from_validation_error,
    guarded,
    guarded_async,
    json_body,
    json_response,
    method_not_allowed,
)
from shared.services.api_routes import ANONYMOUS_ROUTES, ROUTE_METHODS

if TYPE_CHECKING:
    from shared.bootstrap import Container
    from shared.services.api_models import ResolveRequest
    from shared.services.job_admin import JobAdmin
    from shared.storage.protocols import AuditLog

bp = df.Blueprint(http_auth_level=func.AuthLevel.FUNCTION)
log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
ACTIVE = {df.OrchestrationRuntimeStatus.Running, df.OrchestrationRuntimeStatus.Pending}
PRINCIPAL_HEADER = "x-ms-client-principal-name"


# --- conflicts --------------------------------------------------------------------------------------------------


@bp.route(route="conflicts", methods=["GET"])
def conflicts_list(req: func.HttpRequest) -> func.HttpResponse:
    def work() -> func.HttpResponse:
        from shared.services.api_models import ConflictPage, ConflictView
        from shared.services.api_queries import ConflictQuery, parse_query

        query = parse_query(ConflictQuery, req.params)
        page = _deps().conflicts.query(
            user=query.user, start=query.from_, end=query.to, status=query.status, page_size=query.page_size,
            continuation=query.continuation,
        )
        return _model_response(ConflictPage(items=[ConflictView.of(c) for c in page.items],
                                            continuation=page.continuation))

    return guarded(work)


@bp.route(route="conflicts/{id}", methods=["GET"])
def conflict_get(req: func.HttpRequest) -> func.HttpResponse:
    def work() -> func.HttpResponse:
        from shared.services.api_errors import NotFound
        from shared.services.api_models import ConflictView

        conflict_id = req.route_params.get("id", "")
        conflict = _deps().conflicts.get(conflict_id)
        if conflict is None:
            raise NotFound(f"no conflict '{conflict_id}'")
        return _model_response(ConflictView.of(conflict))

    return guarded(work)


@bp.route(route="conflicts/{id}/resolve", methods=["POST"])
@bp.durable_client_input(client_name="client")
async def conflict_resolve(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    from shared.services.api_models import ResolveRequest

    body = _body(req, ResolveRequest)
    if isinstance(body, func.HttpResponse):
        return body
    return await guarded_async(lambda: _resolve(req, client, body))


async def _resolve(
    req: func.HttpRequest, client: df.DurableOrchestrationClient, body: ResolveRequest
) -> func.HttpResponse:
    from shared.orchestrators.archive import ARCHIVE_ORCHESTRATOR
    from shared.services.api_errors import StateConflict, Unavailable
    from shared.services.api_models import ConflictView, ResolveResult
    from shared.services.conflict_resolution import ConflictResolution

    deps = _deps()
    resolution = ConflictResolution(deps.conflicts, deps.jobs, deps.audit, deps.clock)
    plan = resolution.plan(req.route_params.get("id", ""), body.keep, body.note)
    if plan.archive is not None and plan.instance_id is not None:
        existing = await client.get_status(plan.instance_id)
        if existing and existing.runtime_status in ACTIVE:
            raise StateConflict(f"the archive {plan.instance_id} of that day is running; resolve when it has finished")
    resolved = resolution.commit(plan, _principal(req))
    status_url = None
    if plan.archive is not None and plan.instance_id is not None:
        try:
            await client.start_new(ARCHIVE_ORCHESTRATOR, plan.instance_id, plan.archive.model_dump(mode="json"))
        except Exception as error:
            log.exception("could not start archive %s after resolving a conflict", plan.instance_id)
            resolution.reopen(plan, resolved, type(error).__name__)
            raise Unavailable("the archive of the kept events could not be started; the conflict is open again, "
                              "retry the resolution") from None
        status_url = f"{_api_base(req)}/archive/{quote(plan.instance_id, safe='')}"
    result = ResolveResult(conflict=ConflictView.of(resolved), archive_instance_id=plan.instance_id,
                           archive_status_url=status_url)
    return _model_response(result)


# --- audit ------------------------------------------------------------------------------------------------------


@bp.route(route="audit", methods=["GET"])
def audit_list(req: func.HttpRequest) -> func.HttpResponse:
    def work() -> func.HttpResponse:
        from shared.services.api_models import AuditEntryView, AuditPage
        from shared.services.api_queries import AuditQuery, parse_query

        query = parse_query(AuditQuery, req.params)
        page = _audit_log().query(
            user=query.user, start=query.from_, end=query.to, action=query.action, page_size=query.page_size,
            continuation=query.continuation,
        )
        items = [AuditEntryView.model_validate(entry.model_dump()) for entry in page.items]
        return _model_response(AuditPage(items=items, continuation=page.continuation))

    return guarded(work)


@bp.route(route="audit/export", methods=["GET"])
def audit_export(req: func.HttpRequest) -> func.HttpResponse:
    def work() -> func.HttpResponse:
        from shared.services.api_queries import AuditExportQuery, parse_query
        from shared.services.audit_export import CONTINUATION_HEADER, audit_csv

        query = parse_query(AuditExportQuery, req.params)
        export = audit_csv(_audit_log(), query)
        headers = {"Content-Disposition": 'attachment; filename="audit.csv"'}
        if export.continuation:
            headers[CONTINUATION_HEADER] = export.continuation
            headers["Link"] = f'<{_with_continuation(req.url, export.continuation)}>; rel="next"'
        return func.HttpResponse(export.text, status_code=200, mimetype="text/csv", charset="utf-8", headers=headers)

    return guarded(work)


def _with_continuation(url: str, continuation: str) -> str:
    """The request's own URL (every filter kept) asking for the part after `continuation`.

    A function key sent as `?code=` is left out: a response header is no place for a secret (proxies and logs keep
    headers), and the caller already has its key."""
    parts = urlsplit(url)
    params = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True)
              if name not in ("continuation", "code")]
    return urlunsplit(parts._replace(query=urlencode([*params, ("continuation", continuation)])))


# --- jobs -------------------------------------------------------------------------------------------------------


@bp.route(route="jobs", methods=["GET"])
def jobs_list(req: func.HttpRequest) -> func.HttpResponse:
    def work() -> func.HttpResponse:
        from shared.services.api_models import JobList, JobView

        return _model_response(JobList(items=[JobView.of(job) for job in _job_admin().list()]))

    return guarded(work)


@bp.route(route="jobs/{id}", methods=["GET"])
def job_get(req: func.HttpRequest) -> func.HttpResponse:
    def work() -> func.HttpResponse:
        from shared.services.api_models import JobView

        return _model_response(JobView.of(_job_admin().get(req.route_params.get("id", ""))))

    return guarded(work)


@bp.route(route="jobs/{id}", methods=["PUT"])
def job_put(req: func.HttpRequest) -> func.HttpResponse:
    from shared.services.api_models import JobSettings

    body = _body(req, JobSettings)
    if isinstance(body, func.HttpResponse):
        return body

    def work() -> func.HttpResponse:
        from shared.services.api_models import JobView

        job, created = _job_admin().put(req.route_params.get("id", ""), body, _principal(req))
        return _model_response(JobView.of(job), 201 if created else 200)

    return guarded(work)


@bp.route(route="jobs/{id}", methods=["DELETE"])
def job_delete(req: func.HttpRequest) -> func.HttpResponse:
    def work() -> func.HttpResponse:
        _job_admin().delete(req.route_params.get("id", ""), _principal(req))
        return func.HttpResponse(status_code=204)

    return guarded(work)


# --- categories, health, OpenAPI --------------------------------------------------------------------------------


@bp.route(route="categories/validate", methods=["POST"])
def categories_validate(req: func.HttpRequest) -> func.HttpResponse:
    from shared.services.api_models import CategoryCheckRequest
    from shared.services.category_check import check_categories

    body = _body(req, CategoryCheckRequest)
    if isinstance(body, func.HttpResponse):
        return body
    return _model_response(check_categories(body.categories))


@bp.route(route="health", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def health(req: func.HttpRequest) -> func.HttpResponse:
    from shared.bootstrap import container
    from shared.services.health import check_health, storage_probe

    report = check_health({"storage": storage_probe(container)})
    return _model_response(report, 200 if report.status == "ok" else 503)


@bp.route(route="openapi.json", methods=["GET"])
def openapi_document(req: func.HttpRequest) -> func.HttpResponse:
    from shared.services.openapi import build_document

    url = urlsplit(req.url)
    return json_response(build_document(host=url.netloc or None, scheme=url.scheme or "https"))


# --- methods a route does not take --------------------------------------------------------------------------------

REFUSAL_PREFIX = "method_not_allowed_"
EVERY_METHOD = tuple(method.value for method in func.HttpMethod)


def _refuse_other_methods(route: str, allowed: tuple[str, ...]) -> None:
    """One function per route for the methods its real functions do not declare; Azure would answer them 404."""
    others = [method for method in EVERY_METHOD if method not in allowed]
    level = func.AuthLevel.ANONYMOUS if route in ANONYMOUS_ROUTES else func.AuthLevel.FUNCTION

    def refuse(req: func.HttpRequest) -> func.HttpResponse:
        return method_not_allowed(req.method, allowed)

    name = REFUSAL_PREFIX + re.sub(r"[^A-Za-z0-9]+", "_", route).strip("_")
    bp.function_name(name)(bp.route(route=route, methods=others, auth_level=level)(refuse))


for _route, _allowed in ROUTE_METHODS.items():
    _refuse_other_methods(_route, _allowed)


# --- plumbing ---------------------------------------------------------------------------------------------------


def _deps() -> Container:
    from shared.bootstrap import container

    return container()


def _audit_log() -> AuditLog:
    return _deps().audit_log


def _job_admin() -> JobAdmin:
    from shared.services.job_admin import JobAdmin

    deps = _deps()
    return JobAdmin(deps.jobs, deps.audit)


def _principal(req: func.HttpRequest) -> str:
    return req.headers.get(PRINCIPAL_HEADER) or "api"


def _api_base(req: func.HttpRequest) -> str:
    url = urlsplit(req.url)
    return f"{url.scheme}://{url.netloc}/api"


def _body(req: func.HttpRequest, model: type[M]) -> M | func.HttpResponse:
    raw = json_body(req)
    if isinstance(raw, func.HttpResponse):
        return raw
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        return from_validation_error(error)


def _model_response(model: BaseModel, status: int = 200) -> func.HttpResponse:
    return func.HttpResponse(model.model_dump_json(), status_code=status, mimetype="application/json")
