"""What the storage adapters keep: audit rows, conflicts, archive jobs, subscriptions, privacy changes, issues."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Generic, Literal, TypeVar
from uuid import uuid4

from pydantic import AwareDatetime, BaseModel, Field, field_validator

T = TypeVar("T")

AuditStatus = Literal["success", "failure", "partial"]
ConflictStatus = Literal["open", "resolved"]

# Matched with fullmatch: `$` alone would also accept a trailing newline, a control character Azure refuses in keys.
_CONFLICT_ID = re.compile(r"([0-9]{8})-[0-9a-f]{20}")
_JOB_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


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
