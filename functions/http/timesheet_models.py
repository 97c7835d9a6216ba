"""What the timesheet and customer routes read and answer (functions/timesheets.py)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.mailbox import Mailbox
from shared.domain.text import PlainText
from shared.services.customer_admin import CustomerSettingsChange, CustomerView


class TimesheetRequest(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    user: Mailbox = Field(description="Mailbox (user principal name) whose archive is billed.",
                          json_schema_extra={"x-ms-summary": "User"})
    customer: PlainText | None = Field(default=None, max_length=255,
                                       description="Only this customer; every customer of the period when empty.")
    date: PlainText | None = Field(default=None, max_length=100,
                                   description="`last month` (default), `2026-11-01 to 2026-11-30`, `last week`...")
    timezone: PlainText | None = Field(default=None, max_length=64,
                                       description="IANA time zone of the dates; the job's, else UTC, when empty.")
    upload: bool = Field(default=False, description="Also upload the files to the user's OneDrive.")


class ReviewItemView(BaseModel):
    conflict_id: str | None = None
    date: str
    entry_keys: list[str]
    subjects: list[str]
    effort_hours: float


class TimesheetRunItem(BaseModel):
    id: str
    customer: str
    status: str = Field(description="draft, or issued (an issued period is never rebuilt).")
    effort_hours: float = Field(description="Rounded hours of both sections.")
    billable_hours: float = Field(description="Billable hours of both sections.")
    travel_hours: float = Field(description="The Travel section's share of effort_hours.")
    travel_billable_hours: float = Field(description="The Travel section's share of billable_hours.")
    entries: int
    excluded: dict[str, int] = Field(description="The customer's appointments left out, by reason.")
    needs_review: list[ReviewItemView] = Field(description="Unresolved overlaps: listed, not billed twice.")
    changed_since_issued: int
    files: dict[str, str] = Field(description="`csv` and `pdf` download links.")
    uploaded: dict[str, str] = Field(description="OneDrive links of the uploaded files.")
    upload_errors: dict[str, str] = Field(description="Why an upload failed, by file kind.")
    note: str | None = None


class TimesheetRunView(BaseModel):
    user: str
    from_: str = Field(alias="from")
    to: str
    timezone: str
    message: str
    template_fallback: str | None = None
    excluded: dict[str, int]
    timesheets: list[TimesheetRunItem]


class TimesheetView(BaseModel):
    id: str
    user: str
    customer: str
    start: str
    end: str
    timezone: str
    status: str
    created_at: str
    issued_at: str | None = None
    issued_by: str | None = None
    effort_hours: float
    billable_hours: float
    entries: int
    needs_review: int
    changes: int
    files: dict[str, str] = Field(description="`csv` and `pdf` download links.")
    uploaded: dict[str, str] = Field(description="OneDrive links of the uploaded files.")


class TimesheetPage(BaseModel):
    items: list[TimesheetView]
    continuation: str | None = Field(default=None, description="Pass as `continuation` to get the next page.")


class CustomerSettingsBody(CustomerSettingsChange):
    user: Mailbox = Field(description="Mailbox whose customer this is.", json_schema_extra={"x-ms-summary": "User"})


class CustomerList(BaseModel):
    items: list[CustomerView]
