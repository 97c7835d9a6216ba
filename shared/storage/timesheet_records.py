"""What is kept of a built timesheet: its record (Table Storage) and its files and content (Blob Storage)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from shared.domain.rounding import ZERO, Hours
from shared.domain.timesheet import customer_key
from shared.domain.timesheet_models import Period
from shared.domain.timestamps import utc_now

TimesheetStatus = Literal["draft", "issued"]
FileKind = Literal["csv", "pdf"]


class TimesheetFile(BaseModel):
    kind: FileKind
    name: str
    blob: str  # path in the timesheets container
    size: int
    web_url: str | None = None  # the OneDrive copy, when uploaded


class TimesheetRecord(BaseModel):
    id: str
    user: str
    customer: str
    period: Period
    timezone: str
    status: TimesheetStatus = "draft"
    created_at: AwareDatetime = Field(default_factory=utc_now)
    issued_at: AwareDatetime | None = None
    issued_by: str | None = None
    effort_hours: Hours = ZERO
    billable_hours: Hours = ZERO
    entries: int = 0
    changes: int = 0
    needs_review: int = 0
    files: list[TimesheetFile] = []
    etag: str | None = None

    @staticmethod
    def make_id(user: str, customer: str, period: Period) -> str:
        """One draft per user, customer and period: building it again replaces it."""
        text = f"{user.strip().lower()}\n{customer_key(customer)}\n{period.start}\n{period.end}"
        return f"ts-{period.start:%Y%m%d}-{hashlib.sha256(text.encode()).hexdigest()[:20]}"

    @staticmethod
    def valid_id(timesheet_id: str) -> bool:
        parts = timesheet_id.split("-")
        return (len(parts) == 3 and parts[0] == "ts" and len(parts[1]) == 8 and parts[1].isdigit()
                and len(parts[2]) == 20 and all(c in "0123456789abcdef" for c in parts[2]))

    @staticmethod
    def date_of_id(timesheet_id: str) -> dt.date:
        return dt.datetime.strptime(timesheet_id.split("-")[1], "%Y%m%d").date()
