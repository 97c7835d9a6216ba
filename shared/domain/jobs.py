"""Archive jobs: which mailbox is archived daily, from which calendar, into which, in which time zone."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.domain.dates import DEFAULT_TIME_ZONE, UnknownTimeZoneError, load_zone
from shared.domain.mailbox import Mailbox
from shared.domain.text import PlainText

DEFAULT_ARCHIVE_CALENDAR = "Archive"
_JOB_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
JOB_ID_RULE = "must be 1-63 characters of a-z, 0-9 and '-', not starting with '-'"


def valid_job_id(job_id: str) -> bool:
    """1-63 characters of a-z, 0-9 and '-', not starting with '-': safe as a RowKey and in a URL path."""
    return _JOB_ID.fullmatch(job_id) is not None


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.strip().lower()).strip("-")


class ArchiveJob(BaseModel):
    """A stored job. Its settings were checked when it was written (JobSettings); a row written by an older version
    is still read, and whatever is wrong with it is reported when the job runs."""

    id: str = ""
    user: str
    source_calendar: str | None = None
    archive_calendar: str = DEFAULT_ARCHIVE_CALENDAR
    timezone: str = DEFAULT_TIME_ZONE
    strict: bool = False
    run_hour: int = Field(default=1, ge=0, le=23)
    enabled: bool = True
    timesheets: bool = False
    travel: bool = False
    etag: str | None = None

    @staticmethod
    def id_for(user: str) -> str:
        """`Adele.Vance@contoso.com` → `adele-vance-contoso-com`."""
        derived = slug(user)[:63].rstrip("-")
        if not derived:
            raise ValueError(f"cannot derive a job id from user {user!r}")
        return derived

    @model_validator(mode="after")
    def _identity(self) -> ArchiveJob:
        if not self.id:
            self.id = self.id_for(self.user)
        if not valid_job_id(self.id):
            raise ValueError(f"job id {self.id!r} {JOB_ID_RULE}")
        return self


class JobSettings(BaseModel):
    """The editable part of an archive job: what the API's PUT and the CLI's `jobs add` accept."""

    model_config = ConfigDict(extra="forbid")

    user: Mailbox = Field(min_length=3, max_length=256, description="Mailbox to archive (user principal name).",
                          json_schema_extra={"x-ms-summary": "User"})
    source_calendar: PlainText | None = Field(default=None, max_length=255,
                                              description="Calendar to archive from; the default calendar when empty.")
    archive_calendar: PlainText = Field(default=DEFAULT_ARCHIVE_CALENDAR, min_length=1, max_length=255)
    timezone: PlainText = Field(default=DEFAULT_TIME_ZONE, max_length=64,
                                description="IANA time zone of the archive day.")
    strict: bool = Field(default=False, description="Hold back unresolved overlaps until resolved through the API.")
    run_hour: int = Field(default=1, ge=0, le=23, description="Local hour after which yesterday is archived.")
    enabled: bool = True
    timesheets: bool = Field(default=False, description="Build and upload last month's timesheets every month.")
    travel: bool = Field(default=False, description="Plan travel appointments between physical places every day and "
                                                    "when an appointment changes.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            load_zone(value)  # also refuses names of tzdata folders ("America"), which ZoneInfo cannot open
        except UnknownTimeZoneError:
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value
