"""What the Routes adapter raises; the planner turns each into an issue of the plan, never a crash."""

from __future__ import annotations


class RoutingError(Exception):
    """The service refused the request (bad argument, permission); the message says why, never the key."""

    def __init__(self, message: str, *, status: int | None = None, reason: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.reason = reason


class RoutingKeyError(RoutingError):
    """The API key is missing or invalid: no later request of the run can succeed."""


class RoutingUnavailable(RoutingError):
    """Throttled (429) or failing (5xx, no answer) even after the retries."""

    def __init__(self, message: str, *, status: int | None = None, reason: str | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message, status=status, reason=reason)
        self.retry_after = retry_after
