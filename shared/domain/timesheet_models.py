"""What a timesheet is made of: entries, exclusions, totals, review items and changes since issuing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.domain.categories import BillingType
from shared.domain.rounding import ZERO, CustomerSettings, Hours

Section = Literal["effort", "travel"]
ExclusionReason = Literal[
    "cancelled", "free", "personal", "online", "invalid_category", "all_day", "internal", "overlap_dropped",
]
EXCLUSION_REASONS: tuple[ExclusionReason, ...] = (
    "cancelled", "free", "personal", "online", "invalid_category", "all_day", "internal", "overlap_dropped",
)
PRIVATE_SUBJECT = "Private appointment"


class Period(BaseModel):
    """Local dates, both inclusive."""

    model_config = ConfigDict(frozen=True)

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"period end {self.end.isoformat()} is before its start {self.start.isoformat()}")
        return self

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end


class TimesheetEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str  # the archive copy's source key (stable across re-archiving), else its event id
    event_id: str
    section: Section
    date: dt.date
    start: dt.datetime  # local, aware
    end: dt.datetime
    subject: str  # what the customer may see ("Private appointment" when the user hid it)
    customer: str
    billing_type: BillingType
    categories: list[str]
    location: str = ""
    raw_minutes: int = Field(ge=0)
    effort_hours: Hours
    billable_hours: Hours
    needs_review: bool = False
    review_group: str | None = None  # entries flagged together share it
    conflict_id: str | None = None  # the stored conflict of the group, when there is one
    comments: str = ""


class ExcludedItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    event_id: str
    date: dt.date
    reason: ExclusionReason
    customer: str | None = None


class SectionTotals(BaseModel):
    effort_hours: Hours = ZERO
    billable_hours: Hours = ZERO


class ReviewItem(BaseModel):
    """An unresolved overlap of counted entries: shown, flagged, and not billed until someone resolves it."""

    conflict_id: str | None = None
    date: dt.date
    entry_keys: list[str]
    subjects: list[str]
    effort_hours: Hours


ChangeKind = Literal["added", "removed", "changed"]


class IssuedEntry(BaseModel):
    """What an issued timesheet said about one entry (kept so later archive changes can be shown)."""

    key: str
    section: Section
    date: dt.date
    subject: str
    effort_hours: Hours
    billable_hours: Hours


class IssuedSnapshot(BaseModel):
    timesheet_id: str
    customer: str
    period: Period
    entries: list[IssuedEntry]


class ChangeSinceIssued(BaseModel):
    timesheet_id: str
    key: str
    kind: ChangeKind
    date: dt.date
    subject: str
    issued_hours: Hours
    current_hours: Hours
    difference_hours: Hours
    billable_difference_hours: Hours


class Timesheet(BaseModel):
    customer: str
    period: Period
    timezone: str
    settings: CustomerSettings
    effort: list[TimesheetEntry] = []
    travel: list[TimesheetEntry] = []
    effort_total: SectionTotals = SectionTotals()
    travel_total: SectionTotals = SectionTotals()
    grand_total: SectionTotals = SectionTotals()
    needs_review: list[ReviewItem] = []
    changed_since_issued: list[ChangeSinceIssued] = []

    @property
    def entries(self) -> list[TimesheetEntry]:
        return [*self.effort, *self.travel]

    @property
    def is_empty(self) -> bool:
        return not self.effort and not self.travel and not self.changed_since_issued


class TimesheetBuild(BaseModel):
    timesheets: list[Timesheet]
    excluded: list[ExcludedItem] = []
    customers: list[str] = []  # every customer with counted entries in the period, before any filter

    @property
    def excluded_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.excluded:
            counts[item.reason] = counts.get(item.reason, 0) + 1
        return counts


class ConflictView(BaseModel):
    """The part of a stored conflict the timesheet needs: which items, and which were kept after a resolution."""

    id: str
    resolved: bool
    items: list[ConflictItemView]
    kept_event_ids: list[str] = []


class ConflictItemView(BaseModel):
    event_id: str
    subject: str = ""
    start: dt.datetime
    end: dt.datetime

    @field_validator("start", "end")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


ConflictView.model_rebuild()


def section_totals(entries: list[TimesheetEntry]) -> SectionTotals:
    effort: Decimal = sum((e.effort_hours for e in entries), ZERO)
    billable: Decimal = sum((e.billable_hours for e in entries), ZERO)
    return SectionTotals(effort_hours=effort, billable_hours=billable)
