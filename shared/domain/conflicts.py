"""Conflicts: overlap groups the rules could not resolve, kept for review until a person resolves them."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from shared.domain.timestamps import as_utc, utc_now

ConflictStatus = Literal["open", "resolved"]

# Matched with fullmatch: `$` alone would also accept a trailing newline, a control character Azure refuses in keys.
_CONFLICT_ID = re.compile(r"([0-9]{8})-[0-9a-f]{20}")


class ConflictItem(BaseModel):
    event_id: str
    subject: str = ""
    start: dt.datetime
    end: dt.datetime
    show_as: str = "busy"
    importance: str = "normal"
    categories: list[str] = Field(default_factory=list)
    source_key: str | None = None  # the archive key of the appointment, so a resolution can archive exactly it


class ConflictGroup(BaseModel):
    """An overlap the rules could not resolve; `items` are the unresolved ones, `auto_dropped` lost a rule."""

    group_key: str
    items: list[ConflictItem]
    auto_dropped: list[ConflictItem] = []
    approved: bool = False


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

    @classmethod
    def of_group(cls, user: str, day: dt.date, group: ConflictGroup, instance_id: str | None = None) -> Conflict:
        return cls(user=user, date=day, group_key=group.group_key, items=list(group.items), instance_id=instance_id)

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


