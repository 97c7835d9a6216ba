"""A user's source calendar (the job's `source_calendar`, else the primary), read for the suggestions.

History is read here rather than in the archive: archive copies keep neither attendees nor the series id, so "the
same series" and "the same attendee domains" can only be recognised on the appointments themselves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared.graph.calendars import CalendarService
from shared.services.archive.requests import job_of
from shared.storage.protocols import JobRepository


class SourceCalendarReader:
    def __init__(self, calendars: CalendarService, jobs: JobRepository) -> None:
        self._calendars = calendars
        self._jobs = jobs

    def events(self, user: str, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
        job = job_of(self._jobs, user)
        calendar = self._calendars.resolve(user, job.source_calendar if job else None)
        return self._calendars.read_window(user, calendar.id, start, end)
