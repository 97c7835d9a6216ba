"""RFC 9457 problem responses shared by the HTTP functions."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from itertools import accumulate
from typing import Any

import azure.functions as func
from pydantic import ValidationError

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
MAX_BODY_BYTES = 1024 * 1024
MAX_BODY_DEPTH = 64  # far beyond any body we read; deep nesting would exhaust the recursion limit later on

# Strings are skipped when measuring nesting: brackets inside them are text. Possessive quantifiers keep it linear.
_JSON_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.DOTALL)
_NOT_A_BRACKET = bytes(byte for byte in range(256) if byte not in b"[]{}")
_DEPTH_STEP = [0] * 256
_DEPTH_STEP[ord("[")] = _DEPTH_STEP[ord("{")] = 1
_DEPTH_STEP[ord("]")] = _DEPTH_STEP[ord("}")] = -1


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
    errors = [
        {"field": ".".join(str(p) for p in err["loc"]) or "body", "message": err["msg"].removeprefix("Value error, ")}
        for err in exc.errors()
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem(400, "Bad Request", detail, errors)


def json_body(req: func.HttpRequest) -> dict[str, Any] | func.HttpResponse:
    """The request's JSON object, or the problem response that explains why there is none."""
    raw = req.get_body() or b""
    if len(raw) > MAX_BODY_BYTES:
        return problem(413, "Payload Too Large", f"the body is larger than {MAX_BODY_BYTES} bytes")
    if not raw.strip():
        return bad_request("body", "a JSON object is required")
    # Measured on the text, before parsing: the parser recurses once per level, and how deep it may go depends on
    # the interpreter's recursion limit (process-wide, changed by test tools) and on the stack already in use.
    if nesting_depth(raw) > MAX_BODY_DEPTH:
        return bad_request("body", f"nested deeper than {MAX_BODY_DEPTH} levels")
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return bad_request("body", f"malformed JSON ({exc})")
    if not isinstance(value, dict):
        return bad_request("body", "must be a JSON object")
    try:
        # JSON may escape half a surrogate pair (`"\ud800"`); such a string cannot be stored or answered.
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return bad_request("body", "a string holds an unpaired UTF-16 surrogate escape")
    return value


def nesting_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text, without parsing it (linear, no recursion)."""
    brackets = _JSON_STRING.sub(b"", raw).translate(None, _NOT_A_BRACKET)
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


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
    from shared.services.api_errors import ApiError, InvalidInput
    from shared.storage.errors import InvalidContinuationError

    if isinstance(error, InvalidInput):
        errors = [{"field": field, "message": message} for field, message in error.errors]
        return problem(error.status, error.title, error.detail, errors)
    if isinstance(error, ApiError):
        return problem(error.status, error.title, error.detail)
    if isinstance(error, InvalidContinuationError):
        return bad_request("continuation", "is not a token issued by this API")
    if isinstance(error, AzureError | SettingsError):
        log.warning("storage unavailable: %s", type(error).__name__)
        return problem(503, "Service Unavailable", "storage is not available; try again later")
    return None
