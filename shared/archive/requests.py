"""Turning what a person or a timer asks for into an ArchiveRequest and its instance id."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime

from pydantic import ValidationError

from shared.archive.contracts import ArchiveRequest
from shared.domain.dates import DateExpressionError, UnknownTimeZoneError, load_zone, parse_date_expression
from shared.storage.models import ArchiveJob
from shared.storage.protocols import JobRepository


class ArchiveInputError(ValueError):
    """Bad input from a client, naming the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def build_request(
    *,
    user: str,
    date_expression: str,
    now: datetime,
    source: str | None = None,
    archive: str | None = None,
    timezone: str = "UTC",
    strict: bool = False,
    job_id: str | None = None,
    approved_keys: list[str] | None = None,
) -> ArchiveRequest:
    try:
        zone = load_zone(timezone)
    except UnknownTimeZoneError as exc:
        raise ArchiveInputError("timezone", str(exc)) from None
    try:
        span = parse_date_expression(date_expression, now.astimezone(zone).date())
    except DateExpressionError as exc:
        raise ArchiveInputError("date", str(exc)) from None
    try:
        return ArchiveRequest(
            user=user,
            start=span.start,
            end=span.end,
            source=source or None,
            archive=archive or "Archive",
            timezone=timezone,
            strict=strict,
            job_id=job_id,
            approved_keys=approved_keys or [],
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "date"
        raise ArchiveInputError(field, str(err["msg"]).removeprefix("Value error, ")) from None


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


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


def archive_owner(jobs: JobRepository, user: str) -> tuple[str, str | None]:
    """What names an archive run of `user` in its instance id, and the job id if the user has an archive job.

    The timer names runs after the job; an HTTP start for the same user and day must carry the same id,
    so that one of the two is refused while the other runs."""
    job = job_of(jobs, user)
    return (job.id, job.id) if job else (user, None)
