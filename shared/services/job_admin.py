"""Managing archive job definitions over the API, each change audited."""

from __future__ import annotations

import builtins

from pydantic import ValidationError

from shared.domain.dates import UnknownTimeZoneError, load_zone
from shared.services.api_errors import InvalidInput, NotFound
from shared.services.api_models import JobSettings
from shared.services.audit import AuditService
from shared.storage.models import ArchiveJob
from shared.storage.protocols import JobRepository

ACTION = "job"


def is_job_id(job_id: str) -> bool:
    if not job_id:
        return False  # the model would derive one from the user
    try:
        ArchiveJob(id=job_id, user="id-check")
    except ValidationError:
        return False
    return True


class JobAdmin:
    def __init__(self, jobs: JobRepository, audit: AuditService) -> None:
        self._jobs = jobs
        self._audit = audit

    def list(self) -> builtins.list[ArchiveJob]:
        return sorted(self._jobs.list(), key=lambda job: job.id)

    def get(self, job_id: str) -> ArchiveJob:
        job = self._jobs.get(job_id) if is_job_id(job_id) else None
        if job is None:
            raise NotFound(f"no archive job '{job_id}'")
        return job

    def put(self, job_id: str, settings: JobSettings, by: str) -> tuple[ArchiveJob, bool]:
        """Create or replace the job; the flag says whether it was created."""
        if not is_job_id(job_id):
            raise InvalidInput("id", "must be 1-63 characters of a-z, 0-9 and '-', not starting with '-'")
        try:
            load_zone(settings.timezone)  # also refuses names of tzdata folders ("America"), which ZoneInfo cannot open
        except UnknownTimeZoneError:
            raise InvalidInput("timezone", f"unknown IANA time zone {settings.timezone!r}") from None
        try:
            job = ArchiveJob.model_validate({**settings.model_dump(), "id": job_id})
        except ValidationError as error:
            raise InvalidInput.from_validation(error) from None
        created = self._jobs.get(job_id) is None
        saved = self._jobs.save(job)
        self._audit.record(
            action=ACTION,
            operation="create" if created else "update",
            resource=f"jobs/{job_id}",
            status="success",
            message=f"{'created' if created else 'updated'} by {by}",
            details=settings.model_dump(mode="json"),
            user=job.user,
        )
        return saved, created

    def delete(self, job_id: str, by: str) -> None:
        job = self.get(job_id)
        if not self._jobs.delete(job_id):
            raise NotFound(f"no archive job '{job_id}'")
        self._audit.record(
            action=ACTION, operation="delete", resource=f"jobs/{job_id}", status="success",
            message=f"deleted by {by}", user=job.user,
        )
