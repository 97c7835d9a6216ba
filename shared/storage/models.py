"""What the storage adapters keep: audit rows, conflicts, archive jobs, subscriptions, privacy changes, issues."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any, Generic, Literal, TypeVar
from uuid import uuid4
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AwareDatetime, BaseModel, Field, field_validator, model_validator

T = TypeVar("T")

AuditStatus = Literal["success", "failure", "partial"]
ConflictStatus = Literal["open", "resolved"]

# Matched with fullmatch: `$` alone would also accept a trailing newline, a control character Azure refuses in keys.
_CONFLICT_ID = re.compile(r"([0-9]{8})-[0-9a-f]{20}")
_JOB_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


def valid_job_id(job_id: str) -> bool:
    """1-63 characters of a-z, 0-9 and '-', not starting with '-': safe as a RowKey and in a URL path."""
    return _JOB_ID.fullmatch(job_id) is not None


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """An aware UTC datetime of the exact `datetime` type (the Tables SDK hands back a subclass)."""
    value = value.astimezone(dt.UTC)
    return dt.datetime(
        value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond, tzinfo=dt.UTC
    )


class Page(BaseModel, Generic[T]):
    items: list[T]
    continuation: str | None = None


class AuditEntry(BaseModel):
    id: str = Field(default_factory=lambda: uuid4().hex, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    timestamp: AwareDatetime = Field(default_factory=utc_now)
    user: str | None = None
    action: str
    operation: str
    resource: str
    status: AuditStatus
    message: str = ""
    details: dict[str, Any] = Field(default_factory=dict)
    duration_ms: int | None = Field(default=None, ge=0)
    correlation_id: str | None = None

    @field_validator("timestamp")
    @classmethod
    def _utc(cls, value: dt.datetime) -> dt.datetime:
        return as_utc(value)


class ConflictItem(BaseModel):
    event_id: str
    subject: str = ""
    start: dt.datetime
    end: dt.datetime
    show_as: str = "busy"
    importance: str = "normal"
    categories: list[str] = Field(default_factory=list)


class Conflict(BaseModel):
    id: str = ""
    user: str
    date: dt.date
    group_key: str
    status: ConflictStatus = "open"
    items: list[ConflictItem] = Field(default_factory=list)
    instance_id: str | None = None
    created_at: AwareDatetime = Field(default_factory=utc_now)
    updated_at: AwareDatetime = Field(default_factory=utc_now)
    resolved_by: str | None = None
    resolved_at: AwareDatetime | None = None
    kept: list[str] = Field(default_factory=list)
    note: str | None = None
    etag: str | None = None

    @staticmethod
    def make_id(user: str, date: dt.date, group_key: str) -> str:
        """Deterministic and URL-safe, so a re-run of the same day upserts the same row."""
        digest = hashlib.sha256(f"{user.strip().lower()}\n{date.isoformat()}\n{group_key}".encode()).hexdigest()
        return f"{date:%Y%m%d}-{digest[:20]}"

    @staticmethod
    def date_of_id(conflict_id: str) -> dt.date | None:
        """The day a conflict id belongs to, or None when the id is not one of ours."""
        match = _CONFLICT_ID.fullmatch(conflict_id)
        if not match:
            return None
        try:
            return dt.datetime.strptime(match.group(1), "%Y%m%d").date()
        except ValueError:
            return None

    @model_validator(mode="after")
    def _identity(self) -> Conflict:
        if not self.id:
            self.id = self.make_id(self.user, self.date, self.group_key)
        elif self.date_of_id(self.id) != self.date:
            raise ValueError(f"conflict id {self.id!r} does not belong to {self.date.isoformat()}")
        return self

    def resolved(self, by: str, kept: list[str], note: str | None = None, at: dt.datetime | None = None) -> Conflict:
        at = as_utc(at or utc_now())
        return self.model_copy(
            update={"status": "resolved", "resolved_by": by, "kept": list(kept), "note": note, "resolved_at": at,
                    "updated_at": at}
        )


def merge_rerun(existing: Conflict | None, incoming: Conflict) -> Conflict:
    """What a re-run stores: a resolved conflict stays exactly as resolved; an open one gets the fresh items."""
    if existing is None:
        return incoming
    if existing.status == "resolved":
        return existing
    return incoming.model_copy(update={"id": existing.id, "created_at": existing.created_at, "etag": existing.etag})


class ArchiveJob(BaseModel):
    id: str = ""
    user: str
    source_calendar: str | None = None
    archive_calendar: str = "Archive"
    timezone: str = "UTC"
    strict: bool = False
    run_hour: int = Field(default=1, ge=0, le=23)
    enabled: bool = True
    etag: str | None = None

    @staticmethod
    def id_for(user: str) -> str:
        """`Adele.Vance@contoso.com` → `adele-vance-contoso-com`."""
        slug = re.sub(r"[^a-z0-9]+", "-", user.strip().lower()).strip("-")[:63].rstrip("-")
        if not slug:
            raise ValueError(f"cannot derive a job id from user {user!r}")
        return slug

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _identity(self) -> ArchiveJob:
        if not self.id:
            self.id = self.id_for(self.user)
        if not valid_job_id(self.id):
            raise ValueError(f"job id {self.id!r} must be 1-63 characters of a-z, 0-9 and '-', not starting with '-'")
        return self


class SubscriptionRecord(BaseModel):
    id: str
    user: str
    job_id: str | None = None
    resource: str
    client_state: str = Field(repr=False)  # the shared secret Graph echoes back; never in logs
    expiration: AwareDatetime
    notification_url: str
    lifecycle_url: str | None = None
    created_at: AwareDatetime = Field(default_factory=utc_now)
    etag: str | None = None


class PrivacyChangeRecord(BaseModel):
    user: str
    event_id: str
    subject: str = ""
    old: str
    new: str
    changed_at: AwareDatetime = Field(default_factory=utc_now)
    changed_by: str = "system"
    reason: str = ""


class IssueRecord(BaseModel):
    user: str
    day: dt.date
    issues: list[str]
    source: str
    recorded_at: AwareDatetime = Field(default_factory=utc_now)
