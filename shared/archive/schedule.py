"""The hourly timer's decisions: which jobs are due (in their own time zone) and which day each archives."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import azure.durable_functions as df

from shared.archive.requests import build_request, instance_id_for
from shared.archive.starts import StartingClient, start_archive
from shared.domain.dates import load_zone
from shared.storage.models import ArchiveJob

log = logging.getLogger(__name__)

# A day already archived is not archived again every hour; a failed or terminated one is.
ARCHIVED_OR_RUNNING = frozenset({
    df.OrchestrationRuntimeStatus.Completed,
    df.OrchestrationRuntimeStatus.Pending,
    df.OrchestrationRuntimeStatus.Running,
    df.OrchestrationRuntimeStatus.ContinuedAsNew,
    df.OrchestrationRuntimeStatus.Suspended,
})


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


@dataclass
class TimerTick:
    """Instance ids by what one tick did with them."""

    started: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    running: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"archive timer: {len(self.started)} started, {len(self.archived)} already archived, "
                f"{len(self.running)} skipped, already running")


async def start_due_archives(client: StartingClient, jobs: Iterable[ArchiveJob], now: datetime) -> TimerTick:
    tick = TimerTick()
    for job, day in due_days(jobs, now):
        instance_id = instance_id_for(job.id, day, day)
        existing = await client.get_status(instance_id)
        if existing and existing.runtime_status in ARCHIVED_OR_RUNNING:
            tick.archived.append(instance_id)
            continue
        request = build_request(
            user=job.user,
            date_expression=day.isoformat(),
            now=now,
            source=job.source_calendar,
            archive=job.archive_calendar,
            timezone=job.timezone,
            strict=job.strict,
            job_id=job.id,
        )
        # Another start (a second host instance's tick, an HTTP start) may have come in since the status check.
        if await start_archive(client, instance_id, request):
            tick.started.append(instance_id)
            log.info("started archive %s", instance_id)
        else:
            tick.running.append(instance_id)
            log.info("skipped archive %s: already running", instance_id)
    return tick
