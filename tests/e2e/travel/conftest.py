"""The app pointed at the Graph simulator, the Routes simulator and Azurite through its settings, as in production,
and a mailbox of its own with a home, an office and one customer site."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from devtools.graph_simulator import GraphSimulator
from devtools.routes_simulator import RoutesSimulator
from devtools.routes_simulator.pytest_plugin import routes_sim  # noqa: F401
from shared.bootstrap import container
from tests.factories import graph_event
from tests.stack import app_pointed_at

DAY = dt.date(2030, 1, 7)  # a Monday, far enough ahead for traffic-aware routing
CONTOSO = "Contoso - billable"


@pytest.fixture
def travel_app(graph_sim: GraphSimulator, routes_sim: RoutesSimulator,  # noqa: F811
               storage_connection_string: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[RoutesSimulator]:
    with app_pointed_at(monkeypatch, storage_connection_string, graph_sim.base_url,
                        ROUTES_BASE_URL=routes_sim.base_url, GOOGLE_MAPS_API_KEY=routes_sim.api_key,
                        KEY_VAULT_URL=None, TRAVEL_REPLAN_DELAY_SECONDS="0"):
        yield routes_sim


@pytest.fixture
def user(graph_sim: GraphSimulator, travel_app: RoutesSimulator) -> str:
    mailbox = f"traveller-{uuid.uuid4().hex[:10]}@contoso.example"
    graph_sim.add_user(mailbox)
    admin = container().place_admin
    admin.set_home(mailbox, "1 Home Street, Reading", by="test")
    admin.set_office(mailbox, "10 Thames Valley Park, Reading", by="test")
    admin.add_place(mailbox, {"name": "Contoso HQ", "address": "Contoso HQ, Slough"}, by="test")
    return mailbox


def site_visit(start: str = "09:00", end: str = "10:00", subject: str = "Workshop at Contoso",
               day: dt.date = DAY, **extra: Any) -> dict[str, Any]:
    return graph_event(day, start, end, subject, categories=[CONTOSO], location={"displayName": "Contoso HQ"},
                       **extra)


def travel_events(graph: GraphSimulator, user: str) -> list[dict[str, Any]]:
    return sorted((e for e in graph.events(user) if str(e.get("subject", "")).startswith("Travel to")),
                  key=lambda e: str(e["start"]["dateTime"]))
