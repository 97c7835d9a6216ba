"""The travel use cases on real adapters: the Graph simulator, the Routes simulator and Azurite."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from devtools.graph_simulator import GraphSimulator
from devtools.routes_simulator import RoutesSimulator
from devtools.routes_simulator.pytest_plugin import routes_sim  # noqa: F401
from shared.domain.places import Place
from shared.graph import GraphClient, StaticTokenProvider
from shared.graph.calendars import CalendarService
from shared.routing import RoutesClient
from shared.services.audit import AuditService
from shared.services.place_admin import PlaceAdmin, PlaceInput
from shared.services.travel_planner import TravelPlanner
from shared.storage.audit_log import TableAuditLog
from shared.storage.places import TablePlaceRepository
from shared.storage.show_as_log import TableShowAsLog
from shared.storage.tables import TableStore
from shared.storage.travel_alerts import TableTravelAlertRepository
from shared.storage.travel_times import TableTravelTimeCache

USER = "megan@contoso.example"
DAY = dt.date(2030, 1, 7)  # a Monday, far enough ahead for traffic-aware routing
HOME_ADDRESS = "1 Home Street, Reading"


@dataclass
class Stack:
    graph: GraphSimulator
    routes: RoutesSimulator
    planner: TravelPlanner
    admin: PlaceAdmin
    places: TablePlaceRepository
    cache: TableTravelTimeCache
    alerts: TableTravelAlertRepository
    show_as_log: TableShowAsLog
    audit: TableAuditLog

    def add(self, event: dict[str, Any]) -> dict[str, Any]:
        return self.graph.add_event(USER, event)

    def travel_events(self) -> list[dict[str, Any]]:
        return sorted((e for e in self.graph.events(USER) if str(e.get("subject", "")).startswith("Travel to")),
                      key=lambda e: str(e["start"]["dateTime"]))


@pytest.fixture(scope="module")
def table_store(storage_connection_string: str) -> Iterator[TableStore]:
    store = TableStore.from_connection_string(storage_connection_string)
    yield store
    store.close()


@pytest.fixture
def table_name() -> Callable[[str], str]:
    return lambda prefix: f"{prefix}{uuid.uuid4().hex[:16]}"


@pytest.fixture
def routes_client_for() -> Callable[..., RoutesClient]:
    def build(sim: RoutesSimulator, key: str | None = None, **options: Any) -> RoutesClient:
        options.setdefault("backoff_base", 0.001)
        options.setdefault("backoff_max", 0.005)
        options.setdefault("max_attempts", 2)
        return RoutesClient(lambda: key or sim.api_key, sim.base_url, **options)

    return build


@pytest.fixture
def travel_stack(
    graph_sim: GraphSimulator, routes_sim: RoutesSimulator, table_store: TableStore,  # noqa: F811
    table_name: Callable[[str], str], routes_client_for: Callable[..., RoutesClient],
) -> Iterator[Stack]:
    graph_sim.add_user(USER, display_name="Megan Bowen")
    client = GraphClient(graph_sim.base_url, StaticTokenProvider("test-token"), backoff_base=0.01, backoff_max=0.05,
                         sleep=lambda seconds: None)
    routes = routes_client_for(routes_sim)
    places = TablePlaceRepository(table_store, table_name("Places"))
    cache = TableTravelTimeCache(table_store, table_name("TravelTimes"))
    alerts = TableTravelAlertRepository(table_store, table_name("TravelAlerts"))
    show_as_log = TableShowAsLog(table_store, table_name("ShowAs"))
    audit_log = TableAuditLog(table_store, table_name("Audit"))
    audit = AuditService(audit_log)
    planner = TravelPlanner(CalendarService(client), places, routes, cache, alerts, show_as_log, audit)
    admin = PlaceAdmin(places, audit)
    admin.set_home(USER, HOME_ADDRESS, by="test")
    admin.set_office(USER, "10 Thames Valley Park, Reading", by="test")
    admin.add_place(USER, PlaceInput(name="Contoso HQ", address="Contoso HQ, Slough", aliases=["Contoso Slough"]),
                    by="test")
    admin.add_place(USER, {"name": "Fabrikam Plant", "address": "Fabrikam Plant, Bracknell"}, by="test")
    yield Stack(graph_sim, routes_sim, planner, admin, places, cache, alerts, show_as_log, audit_log)
    client.close()
    routes.close()


def known_place(stack: Stack, name: str) -> Place:
    found = stack.places.load(USER).named(name)
    assert found is not None
    return found
