"""Google API error bodies the simulator answers with, and failures scripted by tests."""

from __future__ import annotations

import threading
from typing import Any, Literal

FaultKind = Literal["rate_limit", "unavailable", "internal", "permission_denied"]

MISSING_FIELD_MASK = (
    "FieldMask is a required parameter. See https://cloud.google.com/apis/docs/system-parameters on how to provide "
    "it. As an example, you can set the header 'X-Goog-FieldMask' to value 'routes.distanceMeters,routes.duration,"
    "routes.polyline.encodedPolyline' to ask for the route distance, duration, and polyline in the response. You can "
    "also set the value to '*' in manual testing to get all the available response fields. However, using the '*' "
    "wildcard is discouraged in production."
)
_QUOTA = ("Quota exceeded for quota metric 'Compute Routes requests' and limit 'Compute Routes requests per minute' "
          "of service 'routes.googleapis.com'.")


def google_error(code: int, status: str, message: str, reason: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if reason:
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason,
                             "domain": "googleapis.com", "metadata": {"service": "routes.googleapis.com"}}]
    return {"error": error}


def invalid_argument(message: str) -> tuple[int, dict[str, Any]]:
    return 400, google_error(400, "INVALID_ARGUMENT", message)


def key_invalid() -> tuple[int, dict[str, Any]]:
    return 400, google_error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                             "API_KEY_INVALID")


def fault_reply(kind: FaultKind) -> tuple[int, dict[str, Any]]:
    if kind == "rate_limit":
        return 429, google_error(429, "RESOURCE_EXHAUSTED", _QUOTA, "RATE_LIMIT_EXCEEDED")
    if kind == "unavailable":
        return 503, google_error(503, "UNAVAILABLE", "The service is currently unavailable.")
    if kind == "permission_denied":
        return 403, google_error(403, "PERMISSION_DENIED", "Routes API has not been used in project 0 before or it "
                                                            "is disabled.", "SERVICE_DISABLED")
    return 500, google_error(500, "INTERNAL", "Internal error encountered.")


class FaultQueue:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[FaultKind] = []

    def add(self, kind: FaultKind, times: int = 1) -> None:
        with self._lock:
            self._queue.extend([kind] * times)

    def next(self) -> FaultKind | None:
        with self._lock:
            return self._queue.pop(0) if self._queue else None

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
