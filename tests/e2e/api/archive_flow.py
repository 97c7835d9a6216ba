"""Helpers of the end-to-end API tests: a mailbox with an overlap, and waiting for archive runs."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import requests

from devtools.graph_simulator import GraphSimulator
from tests.factories import graph_event

DAY = dt.date(2026, 11, 18)
CATEGORY = "Acme Corp - billable"


def seed_overlap(graph: GraphSimulator, user: str) -> dict[str, str]:
    """A day with a standup and two busy, equally important meetings that overlap: an unresolvable group."""
    graph.add_user(user)
    ids = {}
    for subject, start, end in (("Standup", "08:00", "08:15"), ("Design review", "10:00", "11:00"),
                                ("Customer call", "10:30", "11:30")):
        ids[subject] = graph.add_event(user, graph_event(DAY, start, end, subject, categories=[CATEGORY]))["id"]
    return ids


def archived_subjects(graph: GraphSimulator, user: str) -> list[str]:
    archive = [c for c in graph.calendars(user) if c["name"] == "Archive"]
    if not archive:
        return []
    return sorted(e.get("subject", "") for e in graph.events(user, archive[0]["id"]))


def wait_for_archive(api: str, instance_id: str, timeout: float = 30.0) -> dict[str, Any]:
    """Poll the archive status route until the run is done; fail with the last status at the deadline."""
    deadline = time.monotonic() + timeout
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        response = requests.get(f"{api}/archive/{instance_id}", timeout=10)
        if response.status_code == 200:
            status = response.json()
            if status["runtimeStatus"] in ("Completed", "Failed", "Terminated"):
                return status
        time.sleep(0.1)
    raise AssertionError(f"archive {instance_id} not done within {timeout}s: {status}")
