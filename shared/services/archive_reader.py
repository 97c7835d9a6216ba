"""The archive calendar of a user, read through the calendar gateway for the timesheets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared.domain.jobs import DEFAULT_ARCHIVE_CALENDAR
from shared.graph.calendars import CalendarService
from shared.services.archive.requests import job_of
from shared.storage.protocols import JobRepository


class CalendarArchiveReader:
    """Reads the calendar given, else the archive calendar of the user's archive job, else `Archive`."""

    def __init__(self, calendars: CalendarService, jobs: JobRepository, calendar: str | None = None) -> None:
        self._calendars = calendars
        self._jobs = jobs
        self._calendar = calendar

    def events(self, user: str, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
        job = None if self._calendar else job_of(self._jobs, user)
        name = self._calendar or (job.archive_calendar if job else DEFAULT_ARCHIVE_CALENDAR)
        calendar = self._calendars.resolve(user, name)
        return self._calendars.read_window(user, calendar.id, start, end)
