"""Reading Graph's answers: a JSON body (or none), and an error answer as the GraphError of its status."""

from __future__ import annotations

from typing import Any

import requests

from shared.graph.errors import GraphError, error_class_for
from shared.graph.retry_policy import parse_retry_after


def json_body(response: requests.Response) -> dict[str, Any] | None:
    if response.status_code == 204 or not response.content:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else {"value": body}


def error_from_response(response: requests.Response, method: str, shown: str, attempt: int) -> GraphError:
    code: str | None = None
    message = response.reason or ""
    request_id = response.headers.get("request-id")
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    if isinstance(error, dict):
        code = str(error.get("code") or "") or None
        message = str(error.get("message") or message)
        inner = error.get("innerError") or {}
        if isinstance(inner, dict):
            request_id = request_id or inner.get("request-id")
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    return error_class_for(response.status_code)(
        message, status=response.status_code, code=code or response.reason or None, method=method, url=shown,
        request_id=request_id, attempts=attempt, retry_after=retry_after,
    )
