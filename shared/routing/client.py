"""A small `requests` client for `POST /directions/v2:computeRoutes` (Routes API; the legacy Directions API is
closed to new projects). Only the two durations are asked for: the field mask is required and decides the bill."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import requests
from pydantic import BaseModel, ConfigDict
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from shared.graph.retry_policy import Backoff, parse_retry_after
from shared.routing.errors import RoutingError, RoutingKeyError, RoutingUnavailable

DEFAULT_ROUTES_BASE_URL = "https://routes.googleapis.com"
PATH = "/directions/v2:computeRoutes"
FIELD_MASK = "routes.duration,routes.staticDuration"
_RETRYABLE = frozenset({429, 500, 502, 503, 504})
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)s$")

log = logging.getLogger(__name__)


class RouteDuration(BaseModel):
    """Seconds on the road: `traffic` with traffic at the departure (traffic-aware requests), `typical` without."""

    model_config = ConfigDict(frozen=True)

    traffic_seconds: float | None
    typical_seconds: float | None


class RoutesClient:
    def __init__(
        self,
        key_provider: Callable[[], str],
        base_url: str = DEFAULT_ROUTES_BASE_URL,
        *,
        session: requests.Session | None = None,
        timeout: float = 10.0,
        max_attempts: int = 4,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._keys = key_provider
        self.base_url = base_url.rstrip("/")
        self._session = session or requests.Session()
        self.timeout = timeout
        self.max_attempts = max_attempts
        self._backoff = Backoff(backoff_base, backoff_max)
        self._sleep = sleep

    def duration(self, origin: str, destination: str, departure: datetime | None) -> RouteDuration | None:
        """Driving time from `origin` to `destination` (addresses). With a future `departure` the answer includes
        traffic (TRAFFIC_AWARE); without one only the typical time is asked for (a past departure is refused by
        the service). None when the service knows no route."""
        body: dict[str, Any] = {"origin": {"address": origin}, "destination": {"address": destination},
                                "travelMode": "DRIVE"}
        if departure is not None:
            body["routingPreference"] = "TRAFFIC_AWARE"
            body["departureTime"] = departure.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        else:
            body["routingPreference"] = "TRAFFIC_UNAWARE"
        answer = self._post(body)
        routes = answer.get("routes") if isinstance(answer, dict) else None
        if not routes:
            return None  # `{}`: proto3 JSON leaves out an empty `routes`
        route = routes[0] if isinstance(routes[0], dict) else {}
        traffic = _seconds(route.get("duration"))
        typical = _seconds(route.get("staticDuration"))
        if departure is None:
            return RouteDuration(traffic_seconds=None, typical_seconds=typical if typical is not None else traffic)
        return RouteDuration(traffic_seconds=traffic, typical_seconds=typical)

    def close(self) -> None:
        self._session.close()

    def _post(self, body: dict[str, Any]) -> Any:
        retrying = Retrying(stop=stop_after_attempt(self.max_attempts), wait=self._wait,
                            retry=retry_if_exception_type(RoutingUnavailable), sleep=self._sleep,
                            before_sleep=_log_retry, reraise=True)
        return retrying(self._attempt, body)

    def _attempt(self, body: dict[str, Any]) -> Any:
        # The key is asked for per attempt: a rotated Key Vault secret is picked up without a restart.
        headers = {"X-Goog-Api-Key": self._keys(), "X-Goog-FieldMask": FIELD_MASK,
                   "Content-Type": "application/json"}
        try:
            response = self._session.post(self.base_url + PATH, json=body, headers=headers, timeout=self.timeout)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise RoutingUnavailable(f"no answer from the routing service ({type(exc).__name__})") from None
        if response.status_code < 400:
            try:
                return response.json()
            except ValueError:
                raise RoutingUnavailable("the routing service answered with unreadable JSON",
                                         status=response.status_code) from None
        raise _error(response)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        return self._backoff.wait_for(state.attempt_number, getattr(exc, "retry_after", None))


def _error(response: requests.Response) -> RoutingError:
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    status_text = str(error.get("status") or "")
    message = str(error.get("message") or response.reason or "")
    reasons = [d.get("reason") for d in error.get("details") or [] if isinstance(d, dict)]
    reason = next((r for r in reasons if r), None)
    text = f"routing service {response.status_code} {status_text}: {message}".strip()
    if response.status_code in _RETRYABLE:
        return RoutingUnavailable(text, status=response.status_code, reason=reason,
                                  retry_after=parse_retry_after(response.headers.get("Retry-After")))
    if reason == "API_KEY_INVALID" or response.status_code in (401, 403):
        return RoutingKeyError(text, status=response.status_code, reason=reason)
    return RoutingError(text, status=response.status_code, reason=reason)


def _seconds(value: Any) -> float | None:
    """Protobuf Duration JSON: "165s", "3.5s"."""
    if not isinstance(value, str):
        return None
    match = _DURATION.match(value.strip())
    return float(match.group(1)) if match else None


def _log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    log.warning("routing attempt %d failed (%s), retrying in %.2fs", state.attempt_number, exc, wait)
