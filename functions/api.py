"""The HTTP API for Power Automate and other systems: conflicts, audit, archive jobs, categories, health, OpenAPI.

Every operation is documented in functions/http/catalog.py; the handlers stay thin: parse, ask the container for a
use case, shape the answer. Use-case errors become problem+json through functions/http/problems.py.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import azure.durable_functions as df
import azure.functions as func

from functions.http.bodies import read_body
from functions.http.problems import guarded_async, guarded_handler, json_response, method_not_allowed
from functions.http.requests import api_base, model_response, principal
from functions.http.routes import ANONYMOUS_ROUTES, ROUTE_METHODS

if TYPE_CHECKING:
    from shared.bootstrap import Container
    from shared.services.job_admin import JobAdmin
    from shared.storage.protocols import AuditLog

bp = df.Blueprint(http_auth_level=func.AuthLevel.FUNCTION)


# --- conflicts --------------------------------------------------------------------------------------------------


@bp.route(route="conflicts", methods=["GET"])
@guarded_handler
def conflicts_list(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.models import ConflictPage, ConflictView
    from functions.http.queries import ConflictQuery, parse_query

    query = parse_query(ConflictQuery, req.params)
    page = _deps().conflicts.query(
        user=query.user, start=query.from_, end=query.to, status=query.status, page_size=query.page_size,
        continuation=query.continuation,
    )
    return model_response(ConflictPage(items=[ConflictView.of(c) for c in page.items],
                                        continuation=page.continuation))


@bp.route(route="conflicts/{id}", methods=["GET"])
@guarded_handler
def conflict_get(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.models import ConflictView
    from shared.domain.errors import NotFound

    conflict_id = req.route_params.get("id", "")
    conflict = _deps().conflicts.get(conflict_id)
    if conflict is None:
        raise NotFound(f"no conflict '{conflict_id}'")
    return model_response(ConflictView.of(conflict))


@bp.route(route="conflicts/{id}/resolve", methods=["POST"])
@bp.durable_client_input(client_name="client")
async def conflict_resolve(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    return await guarded_async(lambda: _resolve(req, client))


async def _resolve(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    from functions.http.models import ConflictView, ResolveRequest, ResolveResult

    body = read_body(req, ResolveRequest)
    resolved, instance_id = await _deps().conflict_resolution.resolve(
        client, req.route_params.get("id", ""), body.keep, body.note, principal(req))
    status_url = f"{api_base(req)}/archive/{quote(instance_id, safe='')}" if instance_id else None
    return model_response(ResolveResult(conflict=ConflictView.of(resolved), archive_instance_id=instance_id,
                                         archive_status_url=status_url))


# --- audit ------------------------------------------------------------------------------------------------------


@bp.route(route="audit", methods=["GET"])
@guarded_handler
def audit_list(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.models import AuditEntryView, AuditPage
    from functions.http.queries import AuditQuery, parse_query

    query = parse_query(AuditQuery, req.params)
    page = _audit_log().query(
        user=query.user, start=query.from_, end=query.to, action=query.action, page_size=query.page_size,
        continuation=query.continuation,
    )
    items = [AuditEntryView.model_validate(entry.model_dump()) for entry in page.items]
    return model_response(AuditPage(items=items, continuation=page.continuation))


@bp.route(route="audit/export", methods=["GET"])
@guarded_handler
def audit_export(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.queries import AuditExportQuery, parse_query
    from shared.services.audit_export import CONTINUATION_HEADER, audit_csv

    query = parse_query(AuditExportQuery, req.params)
    export = audit_csv(_audit_log(), query)
    headers = {"Content-Disposition": 'attachment; filename="audit.csv"'}
    if export.continuation:
        headers[CONTINUATION_HEADER] = export.continuation
        headers["Link"] = f'<{_with_continuation(req.url, export.continuation)}>; rel="next"'
    return func.HttpResponse(export.text, status_code=200, mimetype="text/csv", charset="utf-8", headers=headers)


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
@guarded_handler
def jobs_list(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.models import JobList, JobView

    return model_response(JobList(items=[JobView.of(job) for job in _job_admin().list()]))


@bp.route(route="jobs/{id}", methods=["GET"])
@guarded_handler
def job_get(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.models import JobView

    return model_response(JobView.of(_job_admin().get(req.route_params.get("id", ""))))


@bp.route(route="jobs/{id}", methods=["PUT"])
@guarded_handler
def job_put(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.models import JobView
    from shared.domain.jobs import JobSettings

    body = read_body(req, JobSettings)
    job, created = _job_admin().put(req.route_params.get("id", ""), body, principal(req))
    return model_response(JobView.of(job), 201 if created else 200)


@bp.route(route="jobs/{id}", methods=["DELETE"])
@guarded_handler
def job_delete(req: func.HttpRequest) -> func.HttpResponse:
    _job_admin().delete(req.route_params.get("id", ""), principal(req))
    return func.HttpResponse(status_code=204)


# --- categories, health, OpenAPI --------------------------------------------------------------------------------


@bp.route(route="categories/validate", methods=["POST"])
@guarded_handler
def categories_validate(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.models import CategoryCheckRequest
    from shared.services.category_check import check_categories

    return model_response(check_categories(read_body(req, CategoryCheckRequest).categories))


@bp.route(route="health", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def health(req: func.HttpRequest) -> func.HttpResponse:
    from shared.bootstrap import container
    from shared.services.health import check_health, storage_probe

    report = check_health({"storage": storage_probe(container)})
    return model_response(report, 200 if report.status == "ok" else 503)


@bp.route(route="openapi.json", methods=["GET"])
def openapi_document(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.openapi import build_document

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
    return _deps().job_admin



