"""Timer trigger schedules: six-field NCRONTAB (`sec min hour day month day-of-week`) or a TimeSpan (`hh:mm:ss`).

NCRONTAB puts seconds first, which is cronsim's six-field layout, so the expression is handed over unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cronsim import CronSim, CronSimError

_TIMESPAN = re.compile(r"^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$")
_NCRONTAB_FIELDS = 6


class ScheduleError(ValueError):
    """A schedule that is neither NCRONTAB nor a TimeSpan; the message quotes it."""


@dataclass(frozen=True)
class Schedule:
    text: str
    interval: timedelta | None

    @classmethod
    def parse(cls, text: str) -> Schedule:
        span = _TIMESPAN.match(text.strip())
        if span:
            days, hours, minutes, seconds = (int(g or 0) for g in span.groups())
            interval = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
            if interval <= timedelta(0):
                raise ScheduleError(f"Timer schedule {text!r} is an empty interval")
            return cls(text, interval)
        # cronsim would also take five-field cron by adding a seconds field; the Functions host does not.
        if len(text.split()) != _NCRONTAB_FIELDS:
            raise ScheduleError(f"Timer schedule {text!r} must have six NCRONTAB fields")
        schedule = cls(text, None)
        schedule._occurrences(datetime.now(UTC))  # refuse a malformed expression at parse time
        return schedule

    def next_after(self, moment: datetime) -> datetime:
        """The first occurrence strictly after `moment` (UTC)."""
        moment = moment.astimezone(UTC).replace(microsecond=0)
        if self.interval is not None:
            return moment + self.interval
        try:
            return next(self._occurrences(moment))
        except StopIteration:
            raise ScheduleError(f"Timer schedule {self.text!r} never fires") from None

    def _occurrences(self, moment: datetime) -> CronSim:
        try:
            return CronSim(self.text, moment)
        except CronSimError as bad:
            raise ScheduleError(f"Timer schedule {self.text!r} is not valid NCRONTAB: {bad}") from bad
