"""Scripted failures, consumed one per request in the order they were queued."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Literal

FaultKind = Literal[
    "rate_limit", "insufficient_quota", "server_error", "overloaded", "unauthorized", "refusal", "slow", "length",
    "malformed",
]


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    retry_after_ms: int = 5  # small by default: tests must stay fast; the SDK honours it
    delay_ms: int = 0  # for "slow"


class FaultQueue:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[Fault] = []

    def add(self, fault: Fault, times: int = 1) -> None:
        with self._lock:
            self._queue.extend([fault] * times)

    def next(self) -> Fault | None:
        with self._lock:
            return self._queue.pop(0) if self._queue else None

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()


def error(message: str, type_: str, code: str | None, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def rate_limit_headers(fault: Fault) -> dict[str, str]:
    seconds = max(1, -(-fault.retry_after_ms // 1000))
    return {
        "retry-after-ms": str(fault.retry_after_ms),
        "retry-after": str(seconds),
        "x-ratelimit-limit-requests": "60",
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": f"{fault.retry_after_ms}ms",
        "x-ratelimit-limit-tokens": "30000",
        "x-ratelimit-remaining-tokens": "0",
        "x-ratelimit-reset-tokens": f"{fault.retry_after_ms}ms",
    }


def failure(fault: Fault, model: str) -> tuple[int, dict[str, str], dict[str, Any]] | None:
    """(status, headers, body) for an HTTP failure; None for faults shaped as a 200 (refusal, length, malformed)."""
    if fault.kind == "rate_limit":
        message = (f"Rate limit reached for {model} in organization org-sim on tokens per min (TPM): Limit 30000, "
                   f"Used 29937, Requested 385. Please try again in {fault.retry_after_ms}ms.")
        return 429, rate_limit_headers(fault), error(message, "tokens", "rate_limit_exceeded")
    if fault.kind == "insufficient_quota":
        message = "You exceeded your current quota, please check your plan and billing details."
        return 429, {}, error(message, "insufficient_quota", "insufficient_quota")
    if fault.kind == "server_error":
        message = "The server had an error processing your request. Sorry about that!"
        return 500, {"retry-after-ms": str(fault.retry_after_ms)}, error(message, "server_error", None)
    if fault.kind == "overloaded":
        return 503, {"retry-after-ms": str(fault.retry_after_ms)}, error(
            "The engine is currently overloaded, please try again later", "server_error", None)
    if fault.kind == "unauthorized":
        return 401, {}, error("Incorrect API key provided: sk-sim***.", "invalid_request_error", "invalid_api_key")
    return None
