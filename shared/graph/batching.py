"""JSON batching: the request/response models and the per-item retry loop (transport-agnostic)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.graph.errors import GraphConnectionError, GraphError, GraphServiceError, GraphThrottledError
from shared.graph.retry_policy import Backoff, is_retryable_status, retry_after_from_headers

MAX_BATCH_SIZE = 20  # Graph rejects larger $batch payloads.
NO_ANSWER = 0  # BatchResponse.status when Graph gave no answer for the item at all.

log = logging.getLogger(__name__)


class BatchRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1)
    method: Literal["GET", "POST", "PATCH", "PUT", "DELETE"]
    url: str = Field(min_length=1, description="relative to the version root, e.g. /users/{id}/events")
    body: dict[str, Any] | None = None
    headers: dict[str, str] = Field(default_factory=dict)

    def to_wire(self, prefer: str) -> dict[str, Any]:
        headers = {"Prefer": prefer}
        for name, value in self.headers.items():
            if name.lower() == "prefer":
                headers["Prefer"] = f"{prefer}, {value}"
            else:
                headers[name] = value
        wire: dict[str, Any] = {"id": self.id, "method": self.method, "url": "/" + self.url.lstrip("/")}
        if self.body is not None:
            headers.setdefault("Content-Type", "application/json")
            wire["body"] = self.body
        wire["headers"] = headers
        return wire


class BatchResponse(BaseModel):
    id: str
    status: int
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error_code(self) -> str | None:
        return self._error_field("code")

    @property
    def error_message(self) -> str | None:
        return self._error_field("message")

    def _error_field(self, name: str) -> str | None:
        error = self.body.get("error") if isinstance(self.body, dict) else None
        if not isinstance(error, dict) or not error.get(name):
            return None
        return str(error[name])

    def describe_error(self) -> str | None:
        """`403 ErrorAccessDenied: Access is denied.` style text, or None for a success."""
        if self.ok:
            return None
        parts = [str(self.status) if self.status != NO_ANSWER else "no answer"]
        if self.error_code:
            parts.append(self.error_code)
        text = " ".join(parts)
        if self.error_message:
            text += f": {self.error_message}"
        if self.attempts > 1:
            text += f" (after {self.attempts} attempts)"
        return text


SendRound = Callable[[list[BatchRequest]], list[dict[str, Any]]]

# Whole-batch failures that only mean "not now": their items are reported as failed, not raised.
_TRANSIENT_BATCH_FAILURES = (GraphThrottledError, GraphServiceError, GraphConnectionError)


def chunked(items: Sequence[BatchRequest], size: int = MAX_BATCH_SIZE) -> Iterator[list[BatchRequest]]:
    if size < 1:
        raise ValueError("chunk size must be at least 1")
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def validate_batch(items: Sequence[BatchRequest]) -> None:
    if len(items) > MAX_BATCH_SIZE:
        raise ValueError(f"a $batch holds at most {MAX_BATCH_SIZE} requests, got {len(items)}: use batch_all")
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"duplicate $batch request id {item.id!r}")
        seen.add(item.id)


def run_batch(
    items: Sequence[BatchRequest],
    send_round: SendRound,
    *,
    max_attempts: int,
    backoff: Backoff,
    sleep: Callable[[float], None],
) -> list[BatchResponse]:
    """Send the items, then resend only the ones that failed retryably, until all settle or attempts run out.

    Throttled items wait for the longest Retry-After among them (Graph throttles items individually);
    others without a Retry-After wait for the exponential backoff. Failures are returned per item."""
    validate_batch(items)
    pending = list(items)
    settled: dict[str, BatchResponse] = {}
    attempt = 0
    while pending:
        attempt += 1
        try:
            answers = {str(answer.get("id")): answer for answer in send_round(pending)}
        except _TRANSIENT_BATCH_FAILURES as exc:
            for item in pending:
                settled[item.id] = _whole_batch_failure(item.id, exc, attempt)
            break
        retry: list[BatchRequest] = []
        waits: list[float | None] = []
        for item in pending:
            response = _response_for(item.id, answers.get(item.id), attempt)
            if _should_retry(response) and attempt < max_attempts:
                retry.append(item)
                waits.append(retry_after_from_headers(response.headers))
            settled[item.id] = response
        if retry:
            wait = _round_wait(waits, attempt, backoff)
            log.info("retrying %d of %d $batch items in %.2fs (round %d)", len(retry), len(pending), wait, attempt)
            sleep(wait)
        pending = retry
    return [settled[item.id] for item in items]


def _should_retry(response: BatchResponse) -> bool:
    return response.status == NO_ANSWER or is_retryable_status(response.status)


def _round_wait(waits: list[float | None], attempt: int, backoff: Backoff) -> float:
    given = [wait for wait in waits if wait is not None]
    if len(given) < len(waits):
        given.append(backoff.delay(attempt))
    return max(given)


def _response_for(item_id: str, answer: dict[str, Any] | None, attempt: int) -> BatchResponse:
    if answer is None:
        body = {"error": {"code": "MissingBatchResponse", "message": "the $batch answer had no entry for this item"}}
        return BatchResponse(id=item_id, status=NO_ANSWER, body=body, attempts=attempt)
    headers = {str(k): str(v) for k, v in (answer.get("headers") or {}).items()}
    return BatchResponse(
        id=item_id, status=int(answer.get("status", NO_ANSWER)), headers=headers, body=answer.get("body"),
        attempts=attempt,
    )


def _whole_batch_failure(item_id: str, exc: GraphError, attempt: int) -> BatchResponse:
    body = {"error": {"code": exc.code or type(exc).__name__, "message": str(exc)}}
    return BatchResponse(id=item_id, status=exc.status or NO_ANSWER, body=body, attempts=attempt)
