"""Fault injection knobs, safe to change from a test thread while requests are being served."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

WritePredicate = Callable[[dict[str, Any]], bool]


@dataclass(frozen=True)
class InjectedFault:
    status: int
    code: str
    message: str
    retry_after: str | None = None


ERROR_CODES = {
    429: ("TooManyRequests", "Please retry again later."),
    500: ("generalException", "An internal server error occurred."),
    502: ("badGateway", "The server received an invalid response."),
    503: ("serviceNotAvailable", "The service is temporarily unavailable."),
    504: ("gatewayTimeout", "The server did not receive a timely response."),
}


def fault(
    status: int, retry_after: str | None = None, code: str | None = None, message: str | None = None
) -> InjectedFault:
    default_code, default_message = ERROR_CODES.get(status, ("BadRequest", "The request failed."))
    return InjectedFault(status, code or default_code, message or default_message, retry_after)


class Faults:
    def __init__(self, latency_ms: int = 0) -> None:
        self._lock = threading.Lock()
        self._base_latency_ms = latency_ms
        self.latency_ms = latency_ms
        self.concurrency_retry_after = "0.1"
        self._reset_locked()

    def _reset_locked(self) -> None:
        self._throttle_left = 0
        self._throttle_retry_after = "0.3"
        self._item_throttle_left = 0
        self._item_throttle_retry_after = "0.2"
        self._random: tuple[float, random.Random, tuple[int, ...], str] | None = None
        self._write_failures: list[tuple[WritePredicate, InjectedFault]] = []

    def reset(self) -> None:
        """Back to a healthy service (latency back to the value the simulator was built with)."""
        with self._lock:
            self.latency_ms = self._base_latency_ms
            self._reset_locked()

    def throttle_first(self, n: int, retry_after: str = "0.3") -> None:
        with self._lock:
            self._throttle_left, self._throttle_retry_after = n, retry_after

    def item_throttle_first(self, n: int, retry_after: str = "0.2") -> None:
        with self._lock:
            self._item_throttle_left, self._item_throttle_retry_after = n, retry_after

    def random_errors(
        self,
        probability: float = 0.2,
        seed: int = 7,
        statuses: Sequence[int] = (429, 503),
        retry_after: str = "0.1",
    ) -> None:
        with self._lock:
            self._random = (probability, random.Random(seed), tuple(statuses), retry_after) if probability > 0 else None

    def fail_writes_for(
        self,
        predicate: WritePredicate,
        status: int = 400,
        code: str = "ErrorInvalidRequest",
        message: str = "The item could not be saved.",
    ) -> None:
        """Event writes (POST/PATCH) whose JSON body matches always fail with this error."""
        with self._lock:
            self._write_failures.append((predicate, fault(status, None, code, message)))

    # --- consulted by the request pipeline ---------------------------------------------------------------
    @property
    def latency_seconds(self) -> float:
        return max(0.0, float(self.latency_ms)) / 1000.0

    def take_throttle(self) -> InjectedFault | None:
        with self._lock:
            if self._throttle_left <= 0:
                return None
            self._throttle_left -= 1
            return fault(429, self._throttle_retry_after)

    def take_item_throttle(self) -> InjectedFault | None:
        with self._lock:
            if self._item_throttle_left <= 0:
                return None
            self._item_throttle_left -= 1
            return fault(429, self._item_throttle_retry_after)

    def roll_random(self) -> InjectedFault | None:
        with self._lock:
            if self._random is None:
                return None
            probability, rng, statuses, retry_after = self._random
            if rng.random() >= probability:
                return None
            return fault(rng.choice(statuses), retry_after)

    def write_failure(self, body: Any) -> InjectedFault | None:
        if not isinstance(body, dict):
            return None
        with self._lock:
            rules = list(self._write_failures)
        for predicate, failure in rules:
            try:
                if predicate(body):
                    return failure
            except Exception:  # a predicate that cannot judge this body does not match it
                continue
        return None
