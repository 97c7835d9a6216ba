"""Managing archive jobs, from the API and the command line alike: the same checks, each change audited."""

from __future__ import annotations

import builtins

from pydantic import ValidationError

from shared.domain.errors import InvalidInput, NotFound
from shared.domain.jobs import JOB_ID_RULE, ArchiveJob, JobSettings, valid_job_id
from shared.services.audit import AuditService
from shared.storage.protocols import JobRepository

ACTION = "job"


class JobAdmin:
    def __init__(self, jobs: JobRepository, audit: AuditService) -> None:
        self._jobs = jobs
        self._audit = audit

    def list(self) -> builtins.list[ArchiveJob]:
        return sorted(self._jobs.list(), key=lambda job: job.id)

    def get(self, job_id: str) -> ArchiveJob:
        job = self._jobs.get(job_id) if valid_job_id(job_id) else None
        if job is None:
            raise NotFound(f"no archive job '{job_id}'")
        return job

    def put(self, job_id: str, settings: JobSettings, by: str) -> tuple[ArchiveJob, bool]:
        """Create or replace the job; the flag says whether it was created."""
        if not valid_job_id(job_id):
            raise InvalidInput("id", JOB_ID_RULE)
        try:
            job = ArchiveJob.model_validate({**settings.model_dump(), "id": job_id})
        except ValidationError as error:
            raise InvalidInput.from_validation(error) from None
        existing = self._jobs.get(job_id)
        saved = self._jobs.save(job)
        self._record("create" if existing is None else "update", saved, by, settings.model_dump(mode="json"))
        return saved, existing is None

    def add(self, settings: JobSettings, by: str, job_id: str | None = None) -> tuple[ArchiveJob, bool]:
        """`put` under the given id, or one derived from the mailbox, which never takes another mailbox's job."""
        if job_id is not None:
            return self.put(job_id, settings, by)
        try:
            derived = ArchiveJob.id_for(settings.user)
        except ValueError as error:
            raise InvalidInput("user", str(error)) from None
        existing = self._jobs.get(derived)
        if existing is not None and existing.user.casefold() != settings.user.casefold():
            # Derived ids fold punctuation (a.b@x and a-b@x both give a-b-x): never replace another mailbox's job.
            raise InvalidInput("id", f"job id '{derived}' already belongs to {existing.user}; "
                                     "give this job its own --id")
        return self.put(derived, settings, by)

    def set_enabled(self, job_id: str, enabled: bool, by: str) -> ArchiveJob:
        job = self.get(job_id)
        saved = self._jobs.save(job.model_copy(update={"enabled": enabled}))
        self._record("enable" if enabled else "disable", saved, by)
        return saved

    def delete(self, job_id: str, by: str) -> None:
        job = self.get(job_id)
        if not self._jobs.delete(job_id):
            raise NotFound(f"no archive job '{job_id}'")
        self._record("delete", job, by)

    def _record(self, operation: str, job: ArchiveJob, by: str, details: dict[str, object] | None = None) -> None:
        self._audit.record(
            action=ACTION, operation=operation, resource=f"jobs/{job.id}", status="success",
            message=f"{operation}d by {by}",
            details=details, user=job.user,
        )
