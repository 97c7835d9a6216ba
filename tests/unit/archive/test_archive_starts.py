"""A second start of a running archive is refused, not duplicated; the timer counts it as skipped."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from azure.durable_functions import OrchestrationRuntimeStatus as Status

from shared.domain.jobs import ArchiveJob
from shared.services.archive.contracts import ArchiveRequest
from shared.services.archive.starts import ArchiveStarts, TimerTick, start_archive
from shared.services.audit import AuditService
from tests.fakes.storage import InMemoryAuditLog, InMemoryJobRepository

ROOT = Path(__file__).resolve().parents[3]


class DurableClient:
    """Answers like the Python client over the extension's HTTP API with NonRunningStates: a start of a running id
    raises a bare Exception carrying the 409 body; a start of a finished one replaces it."""

    def __init__(self, statuses: dict[str, Status] | None = None) -> None:
        self.statuses = dict(statuses or {})
        self.hidden = False  # True: statuses show only from the first start on (another worker's start was late)
        self.started: list[str] = []
        self.failure: Exception | None = None

    async def start_new(self, name: str, instance_id: str | None = None, client_input: Any = None) -> str:
        assert instance_id is not None
        self.hidden = False
        if self.statuses.get(instance_id) in {Status.Pending, Status.Running, Status.Suspended}:
            raise Exception({"Message": f"An Orchestration instance with the status "
                                        f"{self.statuses[instance_id].value} already exists."})
        if self.failure is not None:
            raise self.failure
        self.statuses[instance_id] = Status.Pending
        self.started.append(instance_id)
        return instance_id

    async def get_status(self, instance_id: str) -> Any:
        runtime = None if self.hidden else self.statuses.get(instance_id)
        return SimpleNamespace(instance_id=instance_id if runtime else None, runtime_status=runtime)


class ListedJobs(InMemoryJobRepository):
    """The jobs in the order given: the race these tests stage depends on which job the timer meets first."""

    def __init__(self, jobs: list[ArchiveJob]) -> None:
        super().__init__()
        self.jobs = jobs

    def list(self, enabled_only: bool = False) -> list[ArchiveJob]:
        return [job for job in self.jobs if job.enabled or not enabled_only]


async def start_due_archives(client: DurableClient, jobs: list[ArchiveJob], now: datetime,
                             audit: InMemoryAuditLog | None = None) -> TimerTick:
    starts = ArchiveStarts(ListedJobs(jobs), AuditService(audit or InMemoryAuditLog()), clock=lambda: now)
    return await starts.start_due(client)


REQUEST = ArchiveRequest(user="megan@contoso.example", start=date(2026, 11, 24), end=date(2026, 11, 24))


def test_a_start_of_a_running_instance_is_refused_and_a_finished_one_is_started_again():
    client = DurableClient({"running": Status.Running, "done": Status.Completed, "broken": Status.Failed})

    assert asyncio.run(start_archive(client, "running", REQUEST)) is False
    assert asyncio.run(start_archive(client, "done", REQUEST)) is True
    assert asyncio.run(start_archive(client, "broken", REQUEST)) is True
    assert asyncio.run(start_archive(client, "new", REQUEST)) is True
    assert client.started == ["done", "broken", "new"]


def test_a_start_failing_for_another_reason_is_not_taken_for_a_refusal():
    client = DurableClient()
    client.failure = Exception("Webhook returned unrecognized status code 503")

    with pytest.raises(Exception, match="503"):
        asyncio.run(start_archive(client, "new", REQUEST))


def test_the_timer_skips_a_day_started_elsewhere_after_its_status_check():
    now = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    jobs = [ArchiveJob(id="megan", user="megan@contoso.example", timezone="UTC", run_hour=1),
            ArchiveJob(id="adele", user="adele@contoso.example", timezone="UTC", run_hour=1)]
    client = DurableClient({"archive-megan-2026-11-24": Status.Running})
    client.hidden = True  # megan's run was started by another worker between the status check and the start

    tick = asyncio.run(start_due_archives(client, jobs, now))

    assert tick.running == ["archive-megan-2026-11-24"]
    assert tick.started == ["archive-adele-2026-11-24"]
    assert tick.summary() == "archive timer: 1 started, 0 already archived, 1 skipped, already running"


def test_the_timer_leaves_an_archived_or_running_day_alone():
    now = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    jobs = [ArchiveJob(id=name, user=f"{name}@contoso.example", timezone="UTC", run_hour=1)
            for name in ("done", "busy", "failed")]
    client = DurableClient({"archive-done-2026-11-24": Status.Completed, "archive-busy-2026-11-24": Status.Running,
                            "archive-failed-2026-11-24": Status.Failed})

    tick = asyncio.run(start_due_archives(client, jobs, now))

    assert tick.archived == ["archive-done-2026-11-24", "archive-busy-2026-11-24"]
    assert tick.started == ["archive-failed-2026-11-24"], "a failed day is archived again"


def test_host_json_lets_a_start_replace_only_finished_instances():
    durable = json.loads((ROOT / "host.json").read_text())["extensions"]["durableTask"]

    # The extension's default has been AnyState in older releases: a second start replaced a running archive.
    assert durable["overridableExistingInstanceStates"] == "NonRunningStates"


def test_two_mailboxes_whose_slugs_meet_get_different_instance_ids() -> None:
    from datetime import date

    from shared.services.archive.requests import instance_id_for

    day = date(2026, 11, 24)
    dotted, dashed = instance_id_for("a.b@contoso.com", day, day), instance_id_for("a-b@contoso.com", day, day)

    assert dotted != dashed and dotted.startswith("archive-a-b-contoso-com-") and dotted.endswith("-2026-11-24")
    assert instance_id_for("A.B@Contoso.com", day, day) == dotted  # one mailbox, however it is written
    assert instance_id_for("job-7", day, day) == "archive-job-7-2026-11-24"


def test_a_refused_start_of_a_run_that_finished_meanwhile_is_a_refusal_not_a_failure():
    class FinishedMeanwhile(DurableClient):
        """Refuses the start as running, and the run completes before the client asks about it."""

        async def start_new(self, name: str, instance_id: str | None = None, client_input: Any = None) -> str:
            self.statuses[instance_id or ""] = Status.Completed
            raise Exception({"Message": "An Orchestration instance with the status Running already exists."})

    assert asyncio.run(start_archive(FinishedMeanwhile(), "raced", REQUEST)) is False


def test_the_timer_the_command_line_and_the_api_name_a_jobs_run_alike():
    now = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    job = ArchiveJob(id="team-megan", user="Megan@Contoso.example", timezone="Europe/Berlin", run_hour=1)
    starts = ArchiveStarts(ListedJobs([job]), AuditService(InMemoryAuditLog()), clock=lambda: now)
    client = DurableClient()

    asyncio.run(starts.start_due(client))  # the timer
    by_user = starts.for_user("megan@contoso.example", "2026-11-24")  # the command line's --user and the API's body

    assert client.started == [starts.for_job(job, "2026-11-24").instance_id] == [by_user.instance_id]
    assert by_user.instance_id == "archive-team-megan-2026-11-24" and by_user.request.job_id == "team-megan"


def test_the_timer_skips_a_broken_job_audits_it_and_starts_the_others():
    now = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    audit = InMemoryAuditLog()
    jobs = [ArchiveJob(id="broken", user="bad-mailbox"), ArchiveJob(id="zone", user="z@contoso.example",
                                                                      timezone="Mars/Olympus"),
            ArchiveJob(id="adele", user="adele@contoso.example")]

    tick = asyncio.run(start_due_archives(DurableClient(), jobs, now, audit))

    assert tick.started == ["archive-adele-2026-11-24"]
    assert [(b.job_id, "mailbox" in b.reason or "time zone" in b.reason) for b in tick.broken] == [
        ("broken", True), ("zone", True)]
    rows = audit.query().items
    assert sorted(r.resource for r in rows if r.status == "failure") == ["jobs/broken", "jobs/zone"]
