"""What the timesheet use case needs from the outside, and the results it gives back."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from pydantic import BaseModel

from shared.domain.rounding import Hours
from shared.domain.timesheet_models import Period, ReviewItem
from shared.graph.drive import DriveItem
from shared.storage.timesheet_records import TimesheetFile, TimesheetStatus


class ArchiveReader(Protocol):
    def events(self, user: str, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
        """Graph event JSON of the user's archive calendar overlapping [start, end)."""
        ...


class DriveUploader(Protocol):
    def upload(
        self, user: str, path: str, data: bytes, *, content_type: str, conflict_behavior: str = "replace"
    ) -> DriveItem: ...


class TimesheetSummary(BaseModel):
    """One customer's timesheet of a run. Effort and billable hours are the totals of both sections; the travel
    figures are the Travel section's share of them."""

    id: str
    customer: str
    status: TimesheetStatus
    effort_hours: Hours
    billable_hours: Hours
    travel_hours: Hours
    travel_billable_hours: Hours
    entries: int
    excluded: dict[str, int] = {}  # the customer's appointments left out, by reason
    needs_review: list[ReviewItem] = []
    changed_since_issued: int
    files: list[TimesheetFile]
    upload_errors: dict[str, str] = {}  # file kind → why its OneDrive upload failed (the file itself is kept)
    note: str | None = None  # e.g. why nothing was stored for an already issued period


class TimesheetRun(BaseModel):
    user: str
    period: Period
    timezone: str
    customer: str | None = None
    timesheets: list[TimesheetSummary]
    excluded: dict[str, int]
    empty: bool
    message: str
    template_fallback: str | None = None
