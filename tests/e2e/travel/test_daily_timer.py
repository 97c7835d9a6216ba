"""The daily planning timer: at TRAVEL_SCHEDULE in each job's own zone, the next TRAVEL_DAYS_AHEAD days of every
enabled job with travel on are planned; a job without travel is left alone, one job's failure does not stop others."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from devtools.graph_simulator import GraphSimulator
from devtools.routes_simulator import RoutesSimulator
from shared.bootstrap import Container, container
from shared.config import get_settings
from shared.domain.jobs import ArchiveJob
from tests.e2e.travel.conftest import DAY, site_visit, travel_events
from tests.stack import CliRun, audit_rows


@pytest.fixture
def no_jobs(travel_app: RoutesSimulator) -> Iterator[None]:
    jobs = container().jobs
    for job in jobs.list():
        jobs.delete(job.id)
    yield
    for job in jobs.list():
        jobs.delete(job.id)


def test_jobs_with_travel_on_get_their_days_planned_once_per_scheduled_time(
        no_jobs: None, graph_sim: GraphSimulator, user: str) -> None:
    other = f"no-travel-{uuid.uuid4().hex[:8]}@contoso.example"
    graph_sim.add_user(other)
    missing = f"gone-{uuid.uuid4().hex[:8]}@contoso.example"  # no such mailbox: its job fails, the others go on
    later = DAY.replace(day=DAY.day + 3)
    for mailbox in (user, other):
        graph_sim.add_event(mailbox, site_visit())
        graph_sim.add_event(mailbox, site_visit(subject="Follow-up", day=later))
    jobs = container().jobs
    jobs.save(ArchiveJob(id="a-gone", user=missing, timezone="Europe/London", travel=True))
    jobs.save(ArchiveJob(id="b-travel", user=user, timezone="Europe/London", travel=True))
    jobs.save(ArchiveJob(id="c-no-travel", user=other, timezone="Europe/London"))

    def tick(now: datetime) -> tuple[list[str], list[str]]:
        result = Container(get_settings(), clock=lambda: now).daily_travel.run_due()
        return result.done, result.failed

    planned, failed = tick(datetime(2030, 1, 7, 6, 0, tzinfo=UTC))  # 05:30 in London has come
    again, _ = tick(datetime(2030, 1, 7, 6, 30, tzinfo=UTC))

    assert planned == ["b-travel: 7 days"] and again == []
    assert [f.split(":")[0] for f in failed] == ["a-gone"]
    assert [(e["subject"], e["start"]["dateTime"][:10]) for e in travel_events(graph_sim, user)] == [
        ("Travel to Contoso HQ", "2030-01-07"), ("Travel to Home", "2030-01-07"),
        ("Travel to Contoso HQ", "2030-01-10"), ("Travel to Home", "2030-01-10")]
    assert travel_events(graph_sim, other) == []
    assert any(r.operation == "daily" and r.status == "failure" for r in audit_rows(missing))


def test_jobs_add_turns_travel_on(no_jobs: None, user: str, cli: Callable[..., CliRun]) -> None:
    assert cli("jobs", "add", "--user", user, "--id", "with-travel", "--travel").code == 0
    assert cli("jobs", "add", "--user", user, "--id", "without-travel").code == 0

    listed = {job["id"]: job["travel"] for job in cli("jobs", "list", "--json").json_list()}

    assert listed == {"with-travel": True, "without-travel": False}
