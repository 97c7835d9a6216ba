"""The archive calendar of a user, read through CalendarService for the timesheets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared.graph.calendars import CalendarService


class CalendarArchiveReader:
    def __init__(self, calendars: CalendarService, calendar_name: str = "Archive") -> None:
        self._calendars = calendars
        self._calendar_name = calendar_name

    def events(self, user: str, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
        calendar = self._calendars.resolve(user, self._calendar_name)
        return self._calendars.read_window(user, calendar.id, start, end)
