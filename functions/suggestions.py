"""Category suggestions (list, accept, reject) and the user's suggestion rules over HTTP.

The user of a rule is read from the query string for reads and deletes, and from the body for writes."""

from __future__ import annotations

import datetime as dt

import azure.durable_functions as df
import azure.functions as func

from functions.http.bodies import read_body
from functions.http.problems import guarded_handler
from functions.http.requests import model_response, principal

bp = df.Blueprint(http_auth_level=func.AuthLevel.FUNCTION)


@bp.route(route="suggestions", methods=["GET"])
@guarded_handler
def suggestions_list(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.queries import parse_query
    from functions.http.suggestion_models import SuggestionList, SuggestionQuery
    from shared.bootstrap import container

    query = parse_query(SuggestionQuery, req.params)
    start = _midnight(query.from_) if query.from_ else None
    end = _midnight(query.to + dt.timedelta(days=1)) if query.to else None
    items = container().suggestions().list(query.user, start, end, query.status)
    return model_response(SuggestionList(items=items))


@bp.route(route="suggestions/{id}/accept", methods=["POST"])
@guarded_handler
def suggestion_accept(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.suggestion_models import AcceptBody
    from shared.bootstrap import container

    body = read_body(req, AcceptBody) if (req.get_body() or b"").strip() else AcceptBody()
    result = container().suggestions().accept(None, req.route_params.get("id", ""), principal(req),
                                              category=body.category, remember=body.remember)
    return model_response(result)


@bp.route(route="suggestions/{id}/reject", methods=["POST"])
@guarded_handler
def suggestion_reject(req: func.HttpRequest) -> func.HttpResponse:
    from shared.bootstrap import container

    return model_response(container().suggestions().reject(None, req.route_params.get("id", ""), principal(req)))


@bp.route(route="rules", methods=["GET"])
@guarded_handler
def rules_list(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.queries import UserQuery, parse_query
    from functions.http.suggestion_models import RuleList
    from shared.bootstrap import container

    query = parse_query(UserQuery, req.params)
    return model_response(RuleList(items=container().rule_admin.list(query.user)))


@bp.route(route="rules", methods=["POST"])
@guarded_handler
def rule_create(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.suggestion_models import RuleBody
    from shared.bootstrap import container

    body = read_body(req, RuleBody)
    rule = container().rule_admin.create(body.user, body.model_dump(exclude={"user"}), principal(req))
    return model_response(rule, 201)


@bp.route(route="rules/{id}", methods=["GET"])
@guarded_handler
def rule_get(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.queries import UserQuery, parse_query
    from shared.bootstrap import container

    query = parse_query(UserQuery, req.params)
    return model_response(container().rule_admin.get(query.user, req.route_params.get("id", "")))


@bp.route(route="rules/{id}", methods=["PUT"])
@guarded_handler
def rule_put(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.suggestion_models import RuleBody
    from shared.bootstrap import container

    body = read_body(req, RuleBody)
    rule = container().rule_admin.update(body.user, req.route_params.get("id", ""),
                                         body.model_dump(exclude={"user"}), principal(req))
    return model_response(rule)


@bp.route(route="rules/{id}", methods=["DELETE"])
@guarded_handler
def rule_delete(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http.queries import UserQuery, parse_query
    from shared.bootstrap import container

    query = parse_query(UserQuery, req.params)
    container().rule_admin.delete(query.user, req.route_params.get("id", ""), principal(req))
    return func.HttpResponse(status_code=204)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)
