"""Routing calls and planning time for 30 days of 6 appointments a day, with a cold then a warm travel-time
cache, through the real Graph and Routes clients against the Graph and Routes simulators.

`python tests/benchmarks/bench_travel.py` prints one line per run (expected: the warm run makes 0 routing calls
and changes nothing in the calendar)."""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path
from typing import Any

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from devtools.graph_simulator import GraphSimulator  # noqa: E402
from devtools.routes_simulator import RoutesSimulator  # noqa: E402
from shared.domain.places import Place, TravelSettings, UserPlaces  # noqa: E402
from shared.domain.travel_schedule import TravelAlert  # noqa: E402
from shared.graph import GraphClient, StaticTokenProvider  # noqa: E402
from shared.graph.calendars import CalendarService  # noqa: E402
from shared.routing import RoutesClient  # noqa: E402
from shared.services.audit import AuditService  # noqa: E402
from shared.services.travel_planner import TravelPlanner  # noqa: E402
from shared.storage.models import AuditEntry, Page, PrivacyChangeRecord  # noqa: E402
from shared.storage.travel_times import CachedTravelTime, CacheMode  # noqa: E402

USER = "bench@contoso.example"
FIRST_DAY = dt.date(2030, 1, 7)
DAYS = 30
PER_DAY = 6
SEED = 20261205
LOCATIONS = ("Contoso HQ", "Fabrikam Plant", "10 Thames Valley Park, Reading", "Microsoft Teams Meeting",
             "Contoso Slough", "")
PLACES = UserPlaces(settings=TravelSettings(), places=(
    Place(name="Home", address="1 Home Street, Reading", kind="home"),
    Place(name="Office", address="10 Thames Valley Park, Reading", kind="office"),
    Place(name="Contoso HQ", address="Contoso HQ, Slough", aliases=("Contoso Slough",)),
    Place(name="Fabrikam Plant", address="Fabrikam Plant, Bracknell"),
))


class Places:
    def load(self, user: str) -> UserPlaces:
        return PLACES

    def places(self, user: str) -> list[Place]:
        return list(PLACES.places)

    def settings(self, user: str) -> TravelSettings:
        return PLACES.settings

    def save_place(self, user: str, place: Place) -> Place:
        return place

    def delete_place(self, user: str, name: str) -> bool:
        return False

    def save_settings(self, user: str, settings: TravelSettings) -> TravelSettings:
        return settings


class Cache:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, int], CachedTravelTime] = {}

    def get(self, route: str, mode: CacheMode, hour: int) -> CachedTravelTime | None:
        return self.rows.get((route, mode, hour))

    def put(self, item: CachedTravelTime) -> None:
        self.rows[(item.route, item.mode, item.hour_of_week)] = item


class Alerts:
    def __init__(self) -> None:
        self.by_day: dict[dt.date, list[TravelAlert]] = {}

    def replace_day(self, user: str, day: dt.date, alerts: list[TravelAlert]) -> None:
        self.by_day[day] = alerts

    def query(self, user: str, start: dt.date, end: dt.date) -> list[TravelAlert]:
        return [a for d, items in self.by_day.items() if start <= d <= end for a in items]


class Log:
    def __init__(self) -> None:
        self.rows: list[Any] = []

    def record(self, entry: Any) -> None:
        self.rows.append(entry)

    def for_user(self, user: str, start: Any = None, end: Any = None) -> list[PrivacyChangeRecord]:
        return list(self.rows)

    def query(self, *args: Any, **kwargs: Any) -> Page[AuditEntry]:
        return Page(items=list(self.rows))


def seed(sim: GraphSimulator) -> None:
    rng = random.Random(SEED)
    for offset in range(DAYS):
        day = FIRST_DAY + dt.timedelta(days=offset)
        hour = 8
        for index in range(PER_DAY):
            hour += rng.choice((0, 1))
            start = dt.datetime.combine(day, dt.time(hour, 0))
            end = start + dt.timedelta(minutes=rng.choice((30, 45, 60)))
            hour = end.hour + 1
            sim.add_event(USER, {
                "subject": f"Meeting {offset}-{index}", "categories": [rng.choice(("Contoso - billable",
                                                                                   "Billable - Fabrikam"))],
                "start": {"dateTime": start.isoformat(), "timeZone": "UTC"},
                "end": {"dateTime": end.isoformat(), "timeZone": "UTC"},
                "location": {"displayName": rng.choice(LOCATIONS)}, "showAs": "busy",
            })


def main() -> int:
    with GraphSimulator(token="bench-token") as graph, RoutesSimulator() as routes:
        graph.add_user(USER)
        seed(graph)
        client = GraphClient(graph.base_url, StaticTokenProvider("bench-token"))
        router = RoutesClient(lambda: routes.api_key, routes.base_url)
        planner = TravelPlanner(CalendarService(client), Places(), router, Cache(), Alerts(), Log(),
                                AuditService(Log()))
        days = [FIRST_DAY + dt.timedelta(days=i) for i in range(DAYS)]
        for name in ("cold cache", "warm cache"):
            routes.clear_requests()
            started = time.perf_counter()
            run = planner.plan(USER, days)
            elapsed = time.perf_counter() - started
            trips = sum(len(d.travel) for d in run.days)
            print(f"{name:<11}: {len(routes.requests)} routing calls, {trips} trips, {run.changed} calendar changes, "
                  f"{sum(len(d.alerts) for d in run.days)} alerts, {elapsed:.2f} s for {DAYS} days × {PER_DAY} "
                  f"appointments ({elapsed / DAYS * 1000:.0f} ms/day)")
        client.close()
        router.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
