"""Which days a person asks to plan (a date expression in their travel time zone) and the daily planning timer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from shared.domain.jobs import ArchiveJob
from shared.domain.mailbox import checked_mailbox
from shared.services.job_schedule import JobSchedule, ScheduleTick
from shared.services.periods import period_of
from shared.services.travel_planner import TravelPlanner
from shared.services.travel_results import TravelRun
from shared.storage.protocols import PlaceRepository

DEFAULT_DATE = "today"


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
class DailyTravel:
    """Each enabled job with travel on gets its next `days_ahead` days (today first) planned at the scheduled local
    time; the hourly tick asks which jobs the schedule has reached in their own zone."""

    schedule: JobSchedule
    planner: TravelPlanner
    days_ahead: int

    def run_due(self) -> ScheduleTick:
        def plan(job: ArchiveJob, occurrence: dt.datetime) -> str:
            first = occurrence.date()
            run = self.planner.plan(job.user, [first + dt.timedelta(days=offset) for offset in range(self.days_ahead)])
            return f"{len(run.days)} days"

        return self.schedule.run("travel", "daily", lambda job: job.travel, plan)
