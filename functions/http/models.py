"""Request and response bodies of the HTTP API; the OpenAPI document is generated from these very models."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.conflicts import Conflict, ConflictItem, ConflictStatus
from shared.domain.jobs import ArchiveJob
from shared.domain.mailbox import Mailbox
from shared.domain.text import PlainText

MAX_KEEP = 100
MAX_CATEGORIES = 500


class FieldError(BaseModel):
    field: str = Field(description="The request field at fault (`body` for the body as a whole).")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of the API is answered; every member is always sent."""

    type: str = Field(description="`about:blank`: the status and title say what went wrong.")
    title: str
    status: int = Field(description="The HTTP status of the response.")
    detail: str
    errors: list[FieldError] = Field(description="Each field at fault (400); empty for other statuses.")


class ConflictView(BaseModel):
    id: str
    user: str
    date: dt.date
    status: ConflictStatus
    items: list[ConflictItem] = Field(description="The overlapping appointments the rules could not choose between.")
    instance_id: str | None = Field(default=None, description="The archive run that found the conflict.")
    created_at: dt.datetime
    updated_at: dt.datetime
    resolved_by: str | None = None
    resolved_at: dt.datetime | None = None
    kept: list[str] = Field(default_factory=list, description="Event ids kept by the resolution.")
    note: str | None = None

    @classmethod
    def of(cls, conflict: Conflict) -> ConflictView:
        return cls.model_validate(conflict.model_dump(exclude={"etag", "group_key"}))


class ConflictPage(BaseModel):
    items: list[ConflictView]
    continuation: str | None = Field(default=None, description="Pass as `continuation` to get the next page.")


class ResolveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keep: list[PlainText] = Field(
        max_length=MAX_KEEP,
        description="Event ids of the conflict's items to archive; the others stay out of the archive.",
        json_schema_extra={"x-ms-summary": "Events to keep"},
    )
    note: PlainText | None = Field(default=None, max_length=2000, json_schema_extra={"x-ms-summary": "Note"})


class ResolveResult(BaseModel):
    conflict: ConflictView
    archive_instance_id: str | None = Field(
        default=None, description="The archive run started for the kept events (none when nothing is kept)."
    )
    archive_status_url: str | None = None


class AuditEntryView(BaseModel):
    id: str
    timestamp: dt.datetime
    user: str | None = None
    action: str
    operation: str
    resource: str
    status: Literal["success", "failure", "partial"]
    message: str = ""
    details: dict[str, Any] = Field(default_factory=dict)
    duration_ms: int | None = None
    correlation_id: str | None = None


class AuditPage(BaseModel):
    items: list[AuditEntryView]
    continuation: str | None = Field(default=None, description="Pass as `continuation` to get the next page.")


class JobView(BaseModel):
    """A stored archive job (the view is not validated like input: it shows what is there)."""

    id: str
    user: str
    source_calendar: str | None = None
    archive_calendar: str
    timezone: str
    strict: bool
    run_hour: int
    enabled: bool
    timesheets: bool = False
    travel: bool = False

    @classmethod
    def of(cls, job: ArchiveJob) -> JobView:
        return cls.model_validate(job.model_dump(exclude={"etag"}))


class JobList(BaseModel):
    items: list[JobView]


class CategoryCheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    categories: list[Any] = Field(max_length=MAX_CATEGORIES, description="Outlook category names to check.",
                                  json_schema_extra={"x-ms-summary": "Categories"})


class ArchiveStartBody(BaseModel):
    """What `POST /api/archive` reads (functions/archive.py)."""

    # "yes" is not a boolean and 42 is not a mailbox; a misspelt field ("dat") is refused, not silently ignored.
    model_config = ConfigDict(strict=True, extra="forbid")

    user: Mailbox = Field(description="Mailbox to archive (user principal name).")
    date: PlainText | None = Field(default="yesterday",
                                   description="`yesterday`, `2026-11-24`, `last 7 days`, `A to B`...")
    source: PlainText | None = Field(default=None,
                                     description="Calendar to archive from; the default calendar when empty.")
    archive: PlainText | None = Field(default=None, description="Archive calendar (created when missing); `Archive`.")
    timezone: PlainText | None = Field(default=None, description="IANA time zone of the archive day; UTC when empty.")
    allow_overlaps: bool = Field(default=True, description="False: strict mode, unresolved overlaps are held back.")


class ArchiveStarted(BaseModel):
    """The Durable check-status links of a started archive."""

    id: str
    statusQueryGetUri: str
    sendEventPostUri: str | None = None
    terminatePostUri: str | None = None
    rewindPostUri: str | None = None
    purgeHistoryDeleteUri: str | None = None
    restartPostUri: str | None = None
    suspendPostUri: str | None = None
    resumePostUri: str | None = None


class ArchiveStatusView(BaseModel):
    instanceId: str
    name: str | None = None
    runtimeStatus: str | None = Field(default=None, description="Pending, Running, Completed, Failed, Terminated...")
    customStatus: Any = Field(default=None, description="Progress of a running archive.")
    output: Any = Field(default=None, description="The archive result once completed.")
    createdTime: str | None = None
    lastUpdatedTime: str | None = None

