"""Which timesheets a person asks for (a date expression in a time zone) and which the monthly timer builds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from shared.domain.jobs import ArchiveJob
from shared.services.archive.requests import job_of
from shared.services.job_schedule import JobSchedule, ScheduleTick
from shared.services.periods import period_of
from shared.services.timesheets import TimesheetService
from shared.storage.protocols import JobRepository

DEFAULT_PERIOD = "last month"


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
class MonthlyTimesheets:
    """Each job with timesheets on gets last month's timesheets built and uploaded at the scheduled local time."""

    schedule: JobSchedule
    timesheets: Callable[[str | None], TimesheetService]

    def run_due(self) -> ScheduleTick:
        def build(job: ArchiveJob, occurrence: dt.datetime) -> str:
            start, end = timesheet_period(DEFAULT_PERIOD, job.timezone, occurrence)
            run = self.timesheets(job.archive_calendar).build(job.user, start, end, timezone=job.timezone,
                                                               upload=True)
            return f"{len(run.timesheets)} timesheets"

        return self.schedule.run("timesheet", "monthly", lambda job: job.timesheets, build)
