"""Travel planned again as the calendar changes: webhook → queue → worker → a delayed plan of the day, through the
local host, the Graph simulator and Azurite. A burst of changes to one day is planned once, after the burst."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.bootstrap import container, reset_container
from shared.domain.jobs import ArchiveJob
from tests.e2e.notifications.conftest import Stack

DAY = date(2030, 1, 7)
DELAY_SECONDS = "2"  # long enough for the three changes of the burst to be queued before the plan runs


@pytest.fixture
def traveller(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Stack:
    monkeypatch.setenv("TRAVEL_REPLAN_DELAY_SECONDS", DELAY_SECONDS)
    reset_container()
    admin = container().place_admin
    admin.set_home(stack.user, "1 Home Street, Reading", by="test")
    admin.add_place(stack.user, {"name": "Contoso HQ", "address": "Contoso HQ, Slough"}, by="test")
    admin.add_place(stack.user, {"name": "Fabrikam Plant", "address": "Fabrikam Plant, Bracknell"}, by="test")
    return stack


def _visit(stack: Stack, start: str, end: str, subject: str, place: str) -> dict[str, Any]:
    return stack.add_event(DAY, start, end, subject, location={"displayName": place})


def _plans(stack: Stack) -> list[Any]:
    return [e for e in stack.audit("travel") if e.operation == "plan"]


def _trips(stack: Stack) -> list[str]:
    return sorted(e["subject"] for e in stack.sim.events(stack.user) if e["subject"].startswith("Travel to"))


def test_a_burst_of_changes_to_one_day_plans_it_once(traveller: Stack) -> None:
    stack = traveller
    container().jobs.save(ArchiveJob(id=f"travel-{stack.queue_name}", user=stack.user, travel=True))
    record = stack.subscribe(f"travel-{stack.queue_name}")
    a = _visit(stack, "09:00", "10:00", "Workshop", "Contoso HQ")
    b = _visit(stack, "11:00", "12:00", "Plant tour", "Fabrikam Plant")

    assert stack.sim.send_notifications(record.id, [("created", a["id"]), ("created", b["id"]),
                                                    ("updated", a["id"])]) == 202
    stack.host.drain_queues(timeout=20)

    assert len(_plans(stack)) == 1
    assert _trips(stack) == ["Travel to Contoso HQ", "Travel to Fabrikam Plant", "Travel to Home"]

    # Deleted: the notification names only the id; the day its travel is on is planned again.
    stack.sim.delete_event(stack.user, a["id"])
    assert stack.sim.send_notifications(record.id, [("deleted", a["id"])]) == 202
    stack.host.drain_queues(timeout=20)

    assert len(_plans(stack)) == 2
    assert _trips(stack) == ["Travel to Fabrikam Plant", "Travel to Home"]


def test_a_job_without_travel_queues_no_plan(traveller: Stack) -> None:
    stack = traveller
    container().jobs.save(ArchiveJob(id=f"plain-{stack.queue_name}", user=stack.user))
    record = stack.subscribe(f"plain-{stack.queue_name}")
    a = _visit(stack, "09:00", "10:00", "Workshop", "Contoso HQ")

    assert stack.sim.send_notifications(record.id, [("created", a["id"])]) == 202
    stack.host.drain_queues(timeout=20)

    assert _plans(stack) == [] and _trips(stack) == []
