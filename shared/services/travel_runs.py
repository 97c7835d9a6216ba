"""Which days a person asks to plan (a date expression in their travel time zone) and the daily planning timer."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from cronsim import CronSim

from shared.domain.dates import UnknownTimeZoneError, load_zone
from shared.domain.errors import UseCaseError
from shared.domain.jobs import ArchiveJob
from shared.domain.mailbox import checked_mailbox
from shared.graph.errors import GraphError
from shared.services.audit import AuditService
from shared.services.periods import period_of
from shared.services.travel_planner import TravelPlanner
from shared.services.travel_results import TravelRun
from shared.storage.protocols import DedupStore, JobRepository, PlaceRepository

DEFAULT_DATE = "today"
# A marker per job and scheduled occurrence: the hourly tick plans each day's run once, whichever worker sees it.
MARK_TTL = dt.timedelta(days=3)
log = logging.getLogger(__name__)


@dataclass
class TravelRequests:
    """Plans the days a person names, read in the user's travel time zone (their places' settings)."""

    planner: TravelPlanner
    places: PlaceRepository
    clock: Callable[[], dt.datetime]

    def plan(self, user: str, date_expression: str | None = None, *, dry_run: bool = False) -> TravelRun:
        user = checked_mailbox(user)
        span = period_of(date_expression or DEFAULT_DATE, self.places.settings(user).timezone, self.clock())
        return self.planner.plan(user, span.days(), dry_run=dry_run)


@dataclass
class DailyTick:
    planned: list[str] = field(default_factory=list)  # "job: n days"
    failed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"travel timer: {len(self.planned)} jobs planned, {len(self.failed)} failed"


@dataclass
class DailyTravel:
    """Each enabled job with travel on gets its next `days_ahead` days (today first) planned at the scheduled local
    time; the hourly tick asks which jobs the schedule has reached in their own zone."""

    jobs: JobRepository
    planner: TravelPlanner
    marks: DedupStore
    audit: AuditService
    schedule: str
    days_ahead: int
    clock: Callable[[], dt.datetime]

    def run_due(self) -> DailyTick:
        tick = DailyTick()
        now = self.clock()
        for job in self.jobs.list(enabled_only=True):
            if not job.travel:
                continue
            mark = ""
            try:
                occurrence = self._last_occurrence(job, now)
                mark = f"travel:{job.id}:{occurrence.isoformat()}"
                if not self.marks.first_seen(mark, MARK_TTL):
                    continue
                first = occurrence.date()
                days = [first + dt.timedelta(days=offset) for offset in range(self.days_ahead)]
                run = self.planner.plan(job.user, days)
                tick.planned.append(f"{job.id}: {len(run.days)} days")
            except (UseCaseError, GraphError, UnknownTimeZoneError) as error:
                # One job's failure is recorded, the others go on, and the next tick tries this one again.
                if mark:
                    self.marks.forget(mark)
                tick.failed.append(f"{job.id}: {error}")
                self.audit.record(action="travel", operation="daily", resource=f"jobs/{job.id}", status="failure",
                                  message=str(error)[:500], user=job.user)
        return tick

    def _last_occurrence(self, job: ArchiveJob, now: dt.datetime) -> dt.datetime:
        local_now = now.astimezone(load_zone(job.timezone))
        return next(CronSim(self.schedule, local_now, reverse=True))
