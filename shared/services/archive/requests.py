"""Turning what a person or a timer asks for into an ArchiveRequest and its instance id."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from pydantic import ValidationError

from shared.domain.dates import (
    DEFAULT_TIME_ZONE,
)
from shared.domain.errors import InvalidInput, field_of, message_of
from shared.domain.jobs import DEFAULT_ARCHIVE_CALENDAR, ArchiveJob, slug
from shared.services.archive.contracts import ArchiveRequest
from shared.services.periods import period_of
from shared.storage.protocols import JobRepository

# Outlook keeps appointments between these days; outside them a day's window cannot even be computed everywhere.
FIRST_DAY = date(1601, 1, 1)
LAST_DAY = date(4500, 8, 31)


def build_request(
    *,
    user: str,
    date_expression: str,
    now: datetime,
    source: str | None = None,
    archive: str | None = None,
    timezone: str = DEFAULT_TIME_ZONE,
    strict: bool = False,
    job_id: str | None = None,
    approved_keys: list[str] | None = None,
) -> ArchiveRequest:
    span = period_of(date_expression, timezone, now)
    for day in (span.start, span.end):
        if not FIRST_DAY <= day <= LAST_DAY:
            raise InvalidInput("date", f"{day.isoformat()} cannot be archived: Outlook calendars hold dates from "
                                       f"{FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}")
    try:
        return ArchiveRequest(
            user=user,
            start=span.start,
            end=span.end,
            source=source or None,
            archive=archive or DEFAULT_ARCHIVE_CALENDAR,
            timezone=timezone,
            strict=strict,
            job_id=job_id,
            approved_keys=approved_keys or [],
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InvalidInput(field_of(err["loc"][:1], "date"), message_of(err["msg"])) from None


def instance_id_for(owner: str, start: date, end: date) -> str:
    """Deterministic, so a second start of the same archive is refused instead of duplicated.

    The owner is a job id (already a slug, unique) or, for a user without a job, a mailbox address: its slug folds
    punctuation (`a.b@x.com` and `a-b@x.com` meet in `a-b-x-com`), so a digest of the address keeps two mailboxes'
    runs apart."""
    span = start.isoformat() if start == end else f"{start.isoformat()}-to-{end.isoformat()}"
    name = slug(owner)
    if "@" in owner:
        name += "-" + hashlib.sha256(owner.strip().casefold().encode()).hexdigest()[:8]
    return f"archive-{name}-{span}"


def job_of(jobs: JobRepository, user: str) -> ArchiveJob | None:
    """The user's archive job: the one under the id derived from the address, else any job of that user."""
    try:
        job = jobs.get(ArchiveJob.id_for(user))
    except ValueError:
        job = None
    if job is not None and job.user.casefold() == user.casefold():
        return job
    return next((j for j in jobs.list() if j.user.casefold() == user.casefold()), None)
