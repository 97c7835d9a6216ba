"""Records the storage adapters keep beside the entities: audit rows, privacy changes, issues, pages of results."""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, Literal, TypeVar
from uuid import uuid4

from pydantic import AwareDatetime, BaseModel, Field, field_validator

from shared.domain.timestamps import as_utc, utc_now

T = TypeVar("T")

AuditStatus = Literal["success", "failure", "partial"]


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
