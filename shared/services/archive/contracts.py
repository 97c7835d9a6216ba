"""What travels between the archive orchestrator and its activities (small JSON, Durable-friendly)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from shared.domain.dates import DEFAULT_TIME_ZONE
from shared.domain.jobs import DEFAULT_ARCHIVE_CALENDAR
from shared.domain.mailbox import Mailbox

# Function names of the orchestrations and activities, shared by the orchestrators and the code that starts them.
ARCHIVE_ORCHESTRATOR = "archive_orchestrator"
ARCHIVE_DAY_ORCHESTRATOR = "archive_day_orchestrator"
RESOLVE_CALENDARS = "resolve_calendars"
FETCH_DAY = "fetch_day"
PLAN_DAY = "plan_day"
WRITE_BATCH = "write_batch"
RECORD_RUN = "record_run"
RECORD_FAILURE = "record_failure"

BATCH_SIZE = 20  # Graph's $batch limit
MAX_DAYS = 62


class ArchiveRequest(BaseModel):
    user: Mailbox = Field(min_length=3, max_length=256)
    start: date
    end: date
    source: str | None = None
    archive: str = DEFAULT_ARCHIVE_CALENDAR
    timezone: str = DEFAULT_TIME_ZONE
    strict: bool = False
    job_id: str | None = None
    approved_keys: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _range(self) -> ArchiveRequest:
        if self.end < self.start:
            raise ValueError(f"date range ends ({self.end}) before it starts ({self.start})")
        if (self.end - self.start).days + 1 > MAX_DAYS:
            raise ValueError(f"date range is longer than {MAX_DAYS} days")
        return self

    def days(self) -> list[date]:
        return [date.fromordinal(o) for o in range(self.start.toordinal(), self.end.toordinal() + 1)]


class CalendarPair(BaseModel):
    source_id: str
    source_name: str
    archive_id: str
    archive_name: str


class DayTask(BaseModel):
    instance_id: str
    user: str
    day: date
    timezone: str
    strict: bool
    calendars: CalendarPair
    approved_keys: list[str] = Field(default_factory=list)

    @property
    def staging_prefix(self) -> str:
        return f"{self.instance_id}/{self.day.isoformat()}"


class FetchResult(BaseModel):
    events: int
    copies: int


class ConflictSummary(BaseModel):
    group_key: str
    subjects: list[str]


class PlanSummary(BaseModel):
    fetched: int
    already_archived: int
    writes: int
    batches: int
    privacy_changes: int
    held_back: list[str]
    conflicts: list[ConflictSummary]
    issues: list[str]


class BatchTask(BaseModel):
    day: DayTask
    index: int


class WriteFailure(BaseModel):
    key: str
    subject: str
    error: str


class BatchOutcome(BaseModel):
    index: int
    written: int
    privacy_updated: int = 0
    failures: list[WriteFailure] = Field(default_factory=list)


class RecordTask(BaseModel):
    day: DayTask
    plan: PlanSummary
    batches: list[BatchOutcome]


class RunFailure(BaseModel):
    instance_id: str
    request: ArchiveRequest
    error: str


class DayResult(BaseModel):
    """One day's counts; every fetched appointment is in exactly one of archived, already_archived, failed,
    cancelled, markers_folded, orphan_markers, held_back and dropped."""

    day: date
    fetched: int = 0
    archived: int = 0
    already_archived: int = 0
    conflicts: int = 0
    failed: int = 0
    cancelled: int = 0
    markers_folded: int = 0
    orphan_markers: int = 0
    held_back: int = 0
    dropped: int = 0
    conflict_ids: list[str] = Field(default_factory=list)
    privacy_updated: int = 0
    conflict_subjects: list[list[str]] = Field(default_factory=list)
    failures: list[WriteFailure] = Field(default_factory=list)
    issues: list[str] = Field(default_factory=list)


class ArchiveResult(BaseModel):
    instance_id: str
    user: str
    status: Literal["success", "partial"]
    fetched: int
    archived: int
    already_archived: int
    conflicts: int
    failed: int
    days: list[DayResult]
    issues: list[str]

    @classmethod
    def combine(cls, instance_id: str, user: str, days: list[DayResult]) -> ArchiveResult:
        failed = sum(d.failed for d in days)
        return cls(
            instance_id=instance_id,
            user=user,
            status="partial" if failed else "success",
            fetched=sum(d.fetched for d in days),
            archived=sum(d.archived for d in days),
            already_archived=sum(d.already_archived for d in days),
            conflicts=sum(d.conflicts for d in days),
            failed=failed,
            days=days,
            issues=[f"{d.day.isoformat()}: {issue}" for d in days for issue in d.issues],
        )
