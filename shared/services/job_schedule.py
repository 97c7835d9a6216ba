"""Work that a timer does for each job at a schedule read in the job's own time zone, once per occurrence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from cronsim import CronSim

from shared.domain.dates import UnknownTimeZoneError, load_zone
from shared.domain.errors import UseCaseError
from shared.domain.jobs import ArchiveJob
from shared.graph.errors import GraphError
from shared.services.audit import AuditService
from shared.storage.protocols import DedupStore, JobRepository

# A marker per job and occurrence: the hourly tick does each occurrence once, whichever worker sees it first.
MARK_TTL = dt.timedelta(days=45)


@dataclass
class ScheduleTick:
    done: list[str] = field(default_factory=list)  # "job: what was done"
    failed: list[str] = field(default_factory=list)


@dataclass
class JobSchedule:
    jobs: JobRepository
    marks: DedupStore
    audit: AuditService
    schedule: str  # six-field NCRONTAB, read in each job's zone
    clock: Callable[[], dt.datetime]

    def run(self, action: str, operation: str, wanted: Callable[[ArchiveJob], bool],
            work: Callable[[ArchiveJob, dt.datetime], str]) -> ScheduleTick:
        """`work(job, occurrence)` for each enabled job `wanted` whose last occurrence has not been done yet."""
        tick = ScheduleTick()
        now = self.clock()
        for job in self.jobs.list(enabled_only=True):
            if not wanted(job):
                continue
            mark = ""
            try:
                occurrence = next(CronSim(self.schedule, now.astimezone(load_zone(job.timezone)), reverse=True))
                mark = f"{action}:{job.id}:{occurrence.isoformat()}"
                if not self.marks.first_seen(mark, MARK_TTL):
                    continue
                tick.done.append(f"{job.id}: {work(job, occurrence)}")
            except (UseCaseError, GraphError, UnknownTimeZoneError) as error:
                # One job's failure is recorded, the others go on, and the next tick tries this one again.
                if mark:
                    self.marks.forget(mark)
                tick.failed.append(f"{job.id}: {error}")
                self.audit.record(action=action, operation=operation, resource=f"jobs/{job.id}", status="failure",
                                  message=str(error)[:500], user=job.user)
        return tick
