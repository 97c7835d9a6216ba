"""Suggestions for the appointments of some days of a user's source calendar (`python -m shared suggest`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from shared.domain.dates import local_day_window
from shared.domain.mailbox import checked_mailbox
from shared.services.archive.requests import job_of
from shared.services.periods import period_of
from shared.services.source_history import SourceCalendarReader
from shared.services.suggestion_ports import SuggestionRun
from shared.services.suggestions import SuggestionService
from shared.storage.protocols import JobRepository

DEFAULT_DAYS = "yesterday"


@dataclass
class SuggestionDays:
    service: SuggestionService
    source: SourceCalendarReader
    jobs: JobRepository
    clock: Callable[[], dt.datetime]

    def suggest(self, user: str, date_expression: str = DEFAULT_DAYS) -> SuggestionRun:
        """Reads the days (in the job's time zone, else UTC) and writes nothing to the calendar; bad input raises
        InvalidInput naming `user` or `date`."""
        user = checked_mailbox(user)
        job = job_of(self.jobs, user)
        zone = job.timezone if job else "UTC"
        period = period_of(date_expression, zone, self.clock())
        start, _ = local_day_window(period.start, zone)
        _, end = local_day_window(period.end, zone)
        events = self.source.events(user, start, end)
        return self.service.suggest(user, events, timezone=zone)
