"""Which timesheets a person asks for (a date expression in a time zone) and which the monthly timer builds."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from cronsim import CronSim

from shared.domain.dates import UnknownTimeZoneError, load_zone
from shared.domain.errors import UseCaseError
from shared.domain.jobs import ArchiveJob
from shared.graph.errors import GraphError
from shared.services.archive.requests import job_of
from shared.services.audit import AuditService
from shared.services.periods import period_of
from shared.services.timesheets import TimesheetService
from shared.storage.protocols import DedupStore, JobRepository

DEFAULT_PERIOD = "last month"
# A marker per job and scheduled occurrence: the hourly tick builds each month once, whichever worker sees it first.
MARK_TTL = dt.timedelta(days=45)
log = logging.getLogger(__name__)


def timesheet_period(date_expression: str, timezone: str, now: dt.datetime) -> tuple[dt.date, dt.date]:
    span = period_of(date_expression, timezone, now)
    return span.start, span.end


@dataclass(frozen=True)
class TimesheetRequest:
    """What a person asks for, read in their zone: the one given, else their archive job's, else UTC."""

    timezone: str
    start: dt.date
    end: dt.date

    @classmethod
    def of(cls, jobs: JobRepository, user: str, date_expression: str | None, timezone: str | None,
           now: dt.datetime) -> TimesheetRequest:
        job = job_of(jobs, user.strip())
        zone = timezone or (job.timezone if job else "UTC")
        start, end = timesheet_period(date_expression or DEFAULT_PERIOD, zone, now)
        return cls(zone, start, end)


@dataclass
class MonthlyTick:
    built: list[str] = field(default_factory=list)  # "job: n timesheets"
    failed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"timesheet timer: {len(self.built)} jobs built, {len(self.failed)} failed"


@dataclass
class MonthlyTimesheets:
    """Each job with timesheets on gets last month's timesheets built and uploaded at the scheduled local time."""

    jobs: JobRepository
    timesheets: Callable[[str | None], TimesheetService]
    marks: DedupStore
    audit: AuditService
    schedule: str
    clock: Callable[[], dt.datetime]


    def run_due(self) -> MonthlyTick:
        tick = MonthlyTick()
        now = self.clock()
        for job in self.jobs.list(enabled_only=True):
            if not job.timesheets:
                continue
            mark = ""
            try:
                occurrence = self._last_occurrence(job, now)
                mark = f"timesheets:{job.id}:{occurrence.isoformat()}"
                if not self.marks.first_seen(mark, MARK_TTL):
                    continue
                start, end = timesheet_period(DEFAULT_PERIOD, job.timezone, occurrence)
                run = self.timesheets(job.archive_calendar).build(job.user, start, end, timezone=job.timezone,
                                                                   upload=True)
                tick.built.append(f"{job.id}: {len(run.timesheets)} timesheets")
            except (UseCaseError, GraphError, UnknownTimeZoneError) as error:
                # One job's failure is recorded, the others go on, and the next tick tries this one again.
                if mark:
                    self.marks.forget(mark)
                tick.failed.append(f"{job.id}: {error}")
                self.audit.record(action="timesheet", operation="monthly", resource=f"jobs/{job.id}",
                                   status="failure", message=str(error)[:500], user=job.user)
        return tick

    def _last_occurrence(self, job: ArchiveJob, now: dt.datetime) -> dt.datetime:
        local_now = now.astimezone(load_zone(job.timezone))
        return next(CronSim(self.schedule, local_now, reverse=True))
