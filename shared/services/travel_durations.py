"""Travel time of one leg: the cache, then the routing service with traffic (future departures), then the typical
time, then the user's default marked as estimated. Routing failures become issues of the plan, never a crash."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from shared.domain.places import Place
from shared.domain.timestamps import utc_now
from shared.domain.travel import location_key
from shared.domain.travel_schedule import LegDuration, rounded_minutes
from shared.routing.client import RouteDuration
from shared.routing.errors import RoutingError, RoutingKeyError
from shared.services.travel_ports import RouteSource
from shared.storage.protocols import TravelTimeCache
from shared.storage.travel_times import CachedTravelTime, CacheMode, hour_of_week, route_hash

_FAILED = "failed"
_NO_ROUTE = "no route"
_Found = tuple[float, CacheMode] | str


class TravelDurations:
    """One per planning run: it remembers a refused key so the rest of the run does not ask again."""

    def __init__(self, routes: RouteSource | None, cache: TravelTimeCache, default_minutes: int,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self._routes = routes
        self._cache = cache
        self._default = default_minutes
        self._clock = clock
        self._routing_off = routes is None
        self.issues: list[str] = []
        self.calls = 0

    def between(self, origin: Place, destination: Place, departure: datetime) -> LegDuration:
        future = departure > self._clock()
        mode: CacheMode = "traffic" if future else "typical"
        route = route_hash(location_key(origin), location_key(destination))
        hour = hour_of_week(departure)
        cached = self._cache.get(route, mode, hour)
        if cached is not None:
            return LegDuration(minutes=rounded_minutes(cached.seconds), source=cached.source)
        found = self._ask(origin, destination, departure if future else None)
        if found is _FAILED and future and not self._routing_off:
            found = self._ask(origin, destination, None)  # typical time when traffic could not be had
        if not isinstance(found, tuple):
            return LegDuration(minutes=self._default, source="default")
        seconds, source = found
        self._cache.put(CachedTravelTime(route=route, mode=mode, hour_of_week=hour, seconds=seconds, source=source,
                                         fetched_at=self._clock()))
        return LegDuration(minutes=rounded_minutes(seconds), source=source)

    def _ask(self, origin: Place, destination: Place, departure: datetime | None) -> _Found:
        """(seconds, source), _NO_ROUTE when the service knows no route, _FAILED when it could not answer."""
        if self._routing_off or self._routes is None:
            return _FAILED
        route = f"{origin.name} → {destination.name}"
        self.calls += 1
        try:
            answer = self._routes.duration(origin.route_address, destination.route_address, departure)
        except RoutingKeyError as error:
            self._routing_off = True
            self._issue(f"routing service refused the API key or the API is not enabled ({error.message}); "
                        f"travel times are estimated at {self._default} minutes")
            return _FAILED
        except RoutingError as error:
            self._issue(f"no travel time for {route}: {error.message}")
            return _FAILED
        seconds = _seconds(answer) if answer is not None else None
        if seconds is None:
            self._issue(f"no route found for {route} (unknown address?); estimated {self._default} minutes")
            return _NO_ROUTE
        return seconds

    def _issue(self, text: str) -> None:
        if text not in self.issues:
            self.issues.append(text)


def _seconds(answer: RouteDuration) -> tuple[float, CacheMode] | None:
    if answer.traffic_seconds is not None:
        return answer.traffic_seconds, "traffic"
    if answer.typical_seconds is not None:
        return answer.typical_seconds, "typical"
    return None
