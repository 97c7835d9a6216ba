"""The hourly timer's decisions: which jobs are due (in their own time zone) and which day each archives."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from shared.domain.dates import load_zone
from shared.domain.jobs import ArchiveJob


def local_yesterday(now: datetime, timezone: str) -> date:
    return now.astimezone(load_zone(timezone)).date() - timedelta(days=1)


def due_for_run(now: datetime, timezone: str, run_hour: int) -> bool:
    return now.astimezone(load_zone(timezone)).hour >= run_hour


def due_days(jobs: Iterable[ArchiveJob], now: datetime) -> list[tuple[ArchiveJob, date]]:
    """The enabled jobs whose local time has reached their run hour, each with its local yesterday."""
    return [
        (job, local_yesterday(now, job.timezone))
        for job in jobs
        if job.enabled and due_for_run(now, job.timezone, job.run_hour)
    ]
