"""RFC 9457 problem responses: the one place where use-case errors become HTTP statuses."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import azure.functions as func
from pydantic import ValidationError

from functions.http.bodies import PayloadTooLarge
from shared.domain.errors import InvalidInput, NotFound, StateConflict, Unavailable, UseCaseError

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
STATUS_OF: dict[type[UseCaseError], tuple[int, str]] = {
    InvalidInput: (400, "Bad Request"),
    NotFound: (404, "Not Found"),
    StateConflict: (409, "Conflict"),
    Unavailable: (503, "Service Unavailable"),
}


def problem(status: int, title: str, detail: str, errors: Iterable[dict[str, str]] = ()) -> func.HttpResponse:
    """Every problem carries `errors` (empty unless fields are at fault), so clients can always read it."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "errors": list(errors)}
    return func.HttpResponse(json.dumps(body), status_code=status, mimetype=PROBLEM_JSON)


def method_not_allowed(method: str, allowed: Iterable[str]) -> func.HttpResponse:
    listed = ", ".join(sorted(allowed))
    answer = problem(405, "Method Not Allowed", f"{method} is not allowed here; use {listed}")
    answer.headers["Allow"] = listed
    return answer


def bad_request(field: str, message: str) -> func.HttpResponse:
    return problem(400, "Bad Request", f"{field}: {message}", [{"field": field, "message": message}])


def from_validation_error(exc: ValidationError) -> func.HttpResponse:
    answer = problem_for(InvalidInput.from_validation(exc))
    assert answer is not None
    return answer


def json_response(value: Any, status: int = 200) -> func.HttpResponse:
    return func.HttpResponse(json.dumps(value, default=str), status_code=status, mimetype="application/json")


def guarded(work: Callable[[], func.HttpResponse]) -> func.HttpResponse:
    """Run a handler body; errors a client can act on become problem responses, bugs propagate (500)."""
    try:
        return work()
    except Exception as error:
        answer = problem_for(error)
        if answer is None:
            raise
        return answer


def guarded_handler(handler: Callable[[func.HttpRequest], func.HttpResponse]
                    ) -> Callable[[func.HttpRequest], func.HttpResponse]:
    """`guarded` as a decorator of an HTTP function (under its route decorator)."""

    @functools.wraps(handler)
    def answer(req: func.HttpRequest) -> func.HttpResponse:
        return guarded(lambda: handler(req))

    return answer


async def guarded_async(work: Callable[[], Awaitable[func.HttpResponse]]) -> func.HttpResponse:
    try:
        return await work()
    except Exception as error:
        answer = problem_for(error)
        if answer is None:
            raise
        return answer


def problem_for(error: Exception) -> func.HttpResponse | None:
    """The problem response for a use-case or storage error; None for anything else."""
    from azure.core.exceptions import AzureError

    from shared.config import SettingsError
    from shared.graph.errors import GraphNotFoundError
    from shared.storage.errors import InvalidContinuationError

    if isinstance(error, UseCaseError):
        status, title = next(STATUS_OF[kind] for kind in type(error).__mro__ if kind in STATUS_OF)
        errors = error.errors if isinstance(error, InvalidInput) else []
        return problem(status, title, error.detail, [{"field": field, "message": message} for field, message in errors])
    if isinstance(error, GraphNotFoundError):
        # An unknown mailbox or calendar named in the request; Graph's request line is for the log, not the caller.
        return problem(404, "Not Found", "the mailbox, calendar or appointment does not exist in Microsoft Graph")
    if isinstance(error, PayloadTooLarge):
        return problem(413, "Payload Too Large", str(error))
    if isinstance(error, InvalidContinuationError):
        return bad_request("continuation", "is not a token issued by this API")
    if isinstance(error, AzureError | SettingsError):
        log.warning("storage unavailable: %s", type(error).__name__)
        return problem(503, "Service Unavailable", "storage is not available; try again later")
    return None
