"""computeRoutes as documented: API key and field mask checked, enums by name or number, past departures refused,
durations from the distance table (traffic by hour), `{}` for places it does not know, every request recorded."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from devtools.routes_simulator.distances import KILOMETRES, SECONDS_PER_KM, place_of, traffic_factor
from devtools.routes_simulator.faults import (
    MISSING_FIELD_MASK,
    FaultQueue,
    fault_reply,
    google_error,
    invalid_argument,
    key_invalid,
)

PATH = "/directions/v2:computeRoutes"
_TRAVEL_MODES = {"0": "TRAVEL_MODE_UNSPECIFIED", "1": "DRIVE", "2": "BICYCLE", "3": "WALK", "4": "TWO_WHEELER",
                 "7": "TRANSIT"}
_PREFERENCES = {"0": "ROUTING_PREFERENCE_UNSPECIFIED", "1": "TRAFFIC_UNAWARE", "2": "TRAFFIC_AWARE",
                "3": "TRAFFIC_AWARE_OPTIMAL"}


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class RecordedRoute:
    origin: str | None
    destination: str | None
    routing_preference: str
    departure_time: str | None
    field_mask: str | None
    status: int


class Engine:
    def __init__(self, api_key: str, clock: Callable[[], datetime]) -> None:
        self.api_key = api_key
        self.clock = clock
        self.faults = FaultQueue()
        self.kilometres = dict(KILOMETRES)
        self._lock = threading.Lock()
        self._requests: list[RecordedRoute] = []

    def requests(self) -> list[RecordedRoute]:
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    def handle(self, method: str, target: str, headers: Mapping[str, str], raw: bytes) -> Reply:
        url = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        lowered = {k.lower(): v for k, v in headers.items()}
        body = _json(raw)
        mask = lowered.get("x-goog-fieldmask") or query.get("$fields") or query.get("fields")
        reply = self._answer(method, url.path, query, lowered, body, mask)
        self._record(body, mask, reply.status)
        return reply

    def _answer(self, method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str],
                body: Any, mask: str | None) -> Reply:
        if path != PATH or method != "POST":
            return Reply(404, google_error(404, "NOT_FOUND", f"Method not found: {method} {path}"))
        key = headers.get("x-goog-api-key") or query.get("key")
        if not key:
            return Reply(403, google_error(403, "PERMISSION_DENIED", "The request is missing a valid API key."))
        if key != self.api_key:
            return Reply(*key_invalid())
        fault = self.faults.next()
        if fault is not None:
            return Reply(*fault_reply(fault))
        if not mask:
            return Reply(*invalid_argument(MISSING_FIELD_MASK))
        if not isinstance(body, dict):
            return Reply(*invalid_argument("Invalid JSON payload received."))
        return self._route(body, mask)

    def _route(self, body: dict[str, Any], mask: str) -> Reply:
        mode = _TRAVEL_MODES.get(str(body.get("travelMode", "DRIVE")), str(body.get("travelMode", "DRIVE")))
        preference = _preference(body)
        if "origin" not in body or "destination" not in body:
            return Reply(*invalid_argument("Origin and destination must be set."))
        if preference != "TRAFFIC_UNAWARE" and mode not in ("DRIVE", "TWO_WHEELER"):
            return Reply(*invalid_argument("Routing preference can only be set for DRIVE or TWO_WHEELER."))
        if body.get("trafficModel") and preference != "TRAFFIC_AWARE_OPTIMAL":
            return Reply(*invalid_argument("Traffic model requires TRAFFIC_AWARE_OPTIMAL routing preference."))
        departure = _timestamp(body.get("departureTime"))
        if body.get("departureTime") is not None and departure is None:
            return Reply(*invalid_argument("Invalid value at 'departure_time' (type.googleapis.com/Timestamp)."))
        if departure is not None and departure < self.clock() and mode != "TRANSIT":
            return Reply(*invalid_argument("Timestamp must be set to a future time."))
        km = self._distance(_address(body["origin"]), _address(body["destination"]))
        if km is None:
            return Reply(200, {})
        static = round(km * SECONDS_PER_KM)
        when = departure or self.clock()
        duration = round(static * traffic_factor(when.astimezone(UTC).hour)) if preference != "TRAFFIC_UNAWARE" \
            else static
        route = {"distanceMeters": round(km * 1000), "duration": f"{duration}s", "staticDuration": f"{static}s",
                 "polyline": {"encodedPolyline": "ipkcFfichVnP@j@BLoFVwM{E?"}, "routeLabels": ["DEFAULT_ROUTE"]}
        return Reply(200, prune({"routes": [route]}, mask))

    def _distance(self, origin: str | None, destination: str | None) -> float | None:
        a, b = place_of(origin or ""), place_of(destination or "")
        if a is None or b is None:
            return None
        if a == b:
            return 0.0
        return self.kilometres.get(frozenset({a, b}))

    def _record(self, body: Any, mask: str | None, status: int) -> None:
        body = body if isinstance(body, dict) else {}
        entry = RecordedRoute(
            origin=_address(body.get("origin")), destination=_address(body.get("destination")),
            routing_preference=_preference(body), departure_time=body.get("departureTime"), field_mask=mask,
            status=status,
        )
        with self._lock:
            self._requests.append(entry)


def prune(body: dict[str, Any], mask: str) -> dict[str, Any]:
    """Only the masked paths (`*` is everything); lists are pruned item by item."""
    paths = [p.strip() for p in mask.split(",") if p.strip()]
    if "*" in paths:
        return body
    return _keep(body, [p.split(".") for p in paths])


def _keep(value: Any, paths: list[list[str]]) -> Any:
    if isinstance(value, list):
        return [_keep(item, paths) for item in value]
    if not isinstance(value, dict) or any(not p for p in paths):
        return value
    kept: dict[str, Any] = {}
    for name, item in value.items():
        below = [p[1:] for p in paths if p[0] == name]
        if below:
            kept[name] = _keep(item, below)
    return kept


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return None


def _preference(body: dict[str, Any]) -> str:
    value = str(body.get("routingPreference", "TRAFFIC_UNAWARE"))
    name = _PREFERENCES.get(value, value)
    return "TRAFFIC_UNAWARE" if name == "ROUTING_PREFERENCE_UNSPECIFIED" else name


def _address(waypoint: Any) -> str | None:
    if isinstance(waypoint, dict) and isinstance(waypoint.get("address"), str):
        return str(waypoint["address"])
    return None


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None
