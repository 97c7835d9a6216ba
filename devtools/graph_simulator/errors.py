"""Graph's error envelope and the exception handlers raise to produce it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


class GraphError(Exception):
    """Raised by route handlers; the pipeline turns it into Graph's error response."""

    def __init__(self, status: int, code: str, message: str, *, retry_after: str | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


def _now_stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def error_body(code: str, message: str, request_id: str, client_request_id: str) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": _now_stamp(),
                "request-id": request_id,
                "client-request-id": client_request_id,
            },
        }
    }


def throttled_body(request_id: str, client_request_id: str) -> dict[str, Any]:
    """The 429 body of Graph's throttling documentation (throttled_429_response_body.json)."""
    return {
        "error": {
            "code": "TooManyRequests",
            "innerError": {
                "code": "429",
                "date": _now_stamp(),
                "message": "Please retry after",
                "request-id": request_id,
                "client-request-id": client_request_id,
                "status": "429",
            },
            "message": "Please retry again later.",
        }
    }


def not_found(what: str = "The specified object was not found in the store.") -> GraphError:
    return GraphError(404, "ErrorItemNotFound", what)


def bad_request(message: str, code: str = "BadRequest") -> GraphError:
    return GraphError(400, code, message)
