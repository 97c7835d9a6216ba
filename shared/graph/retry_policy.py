"""When to retry a Graph call and how long to wait first (pure; no I/O)."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# 429 is throttling; 502/503/504 are transient front-end failures Graph documents as retryable.
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})

# A garbled or hostile Retry-After must not park a worker for hours (a Functions activity has minutes).
MAX_RETRY_AFTER_SECONDS = 300.0


def is_retryable_status(status: int) -> bool:
    return status in RETRYABLE_STATUSES


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value: delta-seconds (Graph sends fractions like `2.128`) or an HTTP
    date. None when absent or unreadable, so the caller falls back to its own backoff."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    seconds: float | None
    try:
        seconds = float(text)
    except ValueError:
        seconds = _seconds_until_http_date(text, now)
    if seconds is None or not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)


def _seconds_until_http_date(text: str, now: datetime | None) -> float | None:
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - (now or datetime.now(UTC))).total_seconds()


def retry_after_from_headers(headers: Mapping[str, str] | None, *, now: datetime | None = None) -> float | None:
    """Retry-After from a header mapping whose key case is unknown ($batch item headers are plain dicts)."""
    if not headers:
        return None
    for name, value in headers.items():
        if name.lower() == "retry-after":
            return parse_retry_after(str(value), now=now)
    return None


class Backoff:
    """Exponential backoff with jitter: attempt n waits between half and all of min(max, base * 2**(n-1)).

    Keeping half of the step fixed avoids the near-zero waits of full jitter while still spreading
    callers that failed together."""

    def __init__(self, base: float = 0.5, maximum: float = 30.0, rng: random.Random | None = None) -> None:
        if base < 0 or maximum < 0:
            raise ValueError("backoff base and maximum must not be negative")
        self.base = base
        self.maximum = maximum
        self._rng = rng or random.Random()

    def delay(self, attempt: int) -> float:
        """Wait after the `attempt`-th failed attempt (1-based)."""
        step = min(self.maximum, self.base * (2 ** max(attempt - 1, 0)))
        return step / 2 + self._rng.uniform(0, step / 2)

    def wait_for(self, attempt: int, retry_after: float | None) -> float:
        """The server's Retry-After wins when it gave one; otherwise our backoff."""
        if retry_after is not None:
            return retry_after
        return self.delay(attempt)
