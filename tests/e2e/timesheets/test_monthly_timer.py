"""The monthly timer: at TIMESHEET_SCHEDULE in each job's own zone, last month's timesheets are built and uploaded."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shared.bootstrap import Container, container
from shared.config import get_settings
from shared.domain.jobs import ArchiveJob
from tests.factories import graph_event as event


def test_last_month_is_built_and_uploaded_once_per_job_at_its_local_time(stack, cli) -> None:
    user, other = (f"{name}-{uuid.uuid4().hex[:6]}@contoso.example" for name in ("mo", "no"))
    for mailbox in (user, other):
        stack.add_user(mailbox)
        stack.add_event(mailbox, event("2026-07-14", "09:00", "10:00", "Audit", categories=["Acme Corp - billable"]))
        assert cli("archive", "--user", mailbox, "--date", "2026-07-14").code == 0
    jobs = container().jobs
    for job in jobs.list():
        jobs.delete(job.id)
    jobs.save(ArchiveJob(id="monthly", user=user, timezone="Europe/Berlin", timesheets=True))
    jobs.save(ArchiveJob(id="no-timesheets", user=other, timezone="Europe/Berlin"))

    def tick(now: datetime) -> list[str]:
        return Container(get_settings(), clock=lambda: now).monthly_timesheets.run_due().done

    try:
        first = tick(datetime(2026, 8, 1, 4, 30, tzinfo=UTC))  # 06:30 in Berlin: the 1st's 06:00 has come
        again = tick(datetime(2026, 8, 1, 5, 30, tzinfo=UTC))
    finally:
        for job in jobs.list():
            jobs.delete(job.id)

    assert first == ["monthly: 1 timesheets"] and again == []
    [pdf] = [f for f in stack.drive.files(user) if f.name.endswith(".pdf")]
    assert pdf.name == "Timesheet Acme Corp 2026-07-01 to 2026-07-31 DRAFT.pdf" and pdf.folder == "Timesheets/Acme Corp"
    assert stack.drive.files(other) == []
