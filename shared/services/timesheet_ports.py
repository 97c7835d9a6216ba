"""What the timesheet use case needs from the outside, and the results it gives back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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


def run_document(run: TimesheetRun, files_of: Callable[[TimesheetSummary], dict[str, str]]) -> dict[str, Any]:
    """The run as the command line and the API publish it, one object per customer's timesheet; `files_of` says
    where each file is (a local path, a download link)."""
    return {
        "user": run.user,
        "from": run.period.start.isoformat(),
        "to": run.period.end.isoformat(),
        "timezone": run.timezone,
        "message": run.message,
        "template_fallback": run.template_fallback,
        "excluded": run.excluded,
        "timesheets": [
            {
                "id": sheet.id, "customer": sheet.customer, "status": sheet.status,
                "effort_hours": float(sheet.effort_hours), "billable_hours": float(sheet.billable_hours),
                "travel_hours": float(sheet.travel_hours), "travel_billable_hours": float(sheet.travel_billable_hours),
                "entries": sheet.entries, "excluded": sheet.excluded,
                "needs_review": [item.model_dump(mode="json") for item in sheet.needs_review],
                "changed_since_issued": sheet.changed_since_issued,
                "files": files_of(sheet),
                "uploaded": {f.kind: f.web_url for f in sheet.files if f.web_url},
                "upload_errors": sheet.upload_errors,
                "note": sheet.note,
            }
            for sheet in run.timesheets
        ],
    }
