"""Starting archives: one way from a job or a user and a period to the request and its instance id, for the timer,
`POST /api/archive`, the command line and conflict resolution alike, and one way to start it exactly once.

host.json sets `overridableExistingInstanceStates` to `NonRunningStates`, so the Durable extension itself refuses
(atomically, unlike a status check followed by a start) to replace a Pending, Running or Suspended instance: its
HTTP API answers 409 (older extension versions: 500 with an InvalidOperationException). The Python client turns
every such answer into a bare `Exception`, so whether a failed start was that refusal is asked of the instance.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import azure.durable_functions as df
from pydantic import BaseModel

from shared.domain.dates import UnknownTimeZoneError
from shared.domain.errors import InvalidInput
from shared.domain.jobs import ArchiveJob
from shared.services.archive.contracts import ARCHIVE_ORCHESTRATOR, ArchiveRequest
from shared.services.archive.requests import build_request, instance_id_for, job_of
from shared.services.archive.schedule import due_days
from shared.services.audit import AuditService
from shared.storage.protocols import JobRepository

log = logging.getLogger(__name__)

RUNNING = frozenset({
    df.OrchestrationRuntimeStatus.Pending,
    df.OrchestrationRuntimeStatus.Running,
    df.OrchestrationRuntimeStatus.ContinuedAsNew,
    df.OrchestrationRuntimeStatus.Suspended,
})
# A day already archived is not archived again every hour; a failed or terminated one is.
DONE_OR_RUNNING = RUNNING | {df.OrchestrationRuntimeStatus.Completed}


class StartingClient(Protocol):
    """The part of `df.DurableOrchestrationClient` a start needs."""

    async def start_new(
        self, orchestration_function_name: str, instance_id: str | None = None, client_input: Any | None = None
    ) -> str: ...

    async def get_status(self, instance_id: str) -> Any: ...


class ArchiveStart(BaseModel):
    instance_id: str
    request: ArchiveRequest


@dataclass(frozen=True)
class BrokenJob:
    job_id: str
    user: str
    reason: str

    def describe(self) -> str:
        return f"job {self.job_id} ({self.user}) skipped: {self.reason}"


@dataclass
class TimerTick:
    """Instance ids by what one tick did with them, and the jobs that could not be started at all."""

    started: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    running: list[str] = field(default_factory=list)
    broken: list[BrokenJob] = field(default_factory=list)

    def summary(self) -> str:
        text = (f"archive timer: {len(self.started)} started, {len(self.archived)} already archived, "
                f"{len(self.running)} skipped, already running")
        return text + (f", {len(self.broken)} broken jobs skipped" if self.broken else "")


async def is_running(client: StartingClient, instance_id: str) -> bool:
    status = await client.get_status(instance_id)
    return bool(status) and status.runtime_status in RUNNING


async def start_archive(client: StartingClient, instance_id: str, request: ArchiveRequest) -> bool:
    """Start the archive under `instance_id`; False when the extension refused because that run exists already."""
    try:
        await client.start_new(ARCHIVE_ORCHESTRATOR, instance_id, request.model_dump(mode="json"))
    except Exception as error:
        status = await client.get_status(instance_id)
        runtime = status.runtime_status if status else None
        if runtime in RUNNING:
            return False
        # Refused while running, and finished before we looked: still the one run asked for, not a failure.
        if runtime is not None and "already exists" in str(error):
            return False
        raise
    return True


class ArchiveStarts:
    def __init__(self, jobs: JobRepository, audit: AuditService, clock: Callable[[], datetime]) -> None:
        self._jobs = jobs
        self._audit = audit
        self._clock = clock

    def for_user(
        self,
        user: str,
        date_expression: str = "yesterday",
        *,
        source: str | None = None,
        archive: str | None = None,
        timezone: str | None = None,
        strict: bool = False,
        approved_keys: list[str] | None = None,
    ) -> ArchiveStart:
        """A user's run is named after their archive job when they have one, so that it and the timer's run of the
        same day refuse each other instead of both writing."""
        request = build_request(
            user=user, date_expression=date_expression, now=self._clock(), source=source, archive=archive,
            timezone=timezone or "UTC", strict=strict, approved_keys=approved_keys,
        )
        job = job_of(self._jobs, request.user)
        if job is not None:
            request = request.model_copy(update={"job_id": job.id})
        return ArchiveStart(instance_id=instance_id_for(job.id if job else request.user, request.start, request.end),
                            request=request)

    def for_job(self, job: ArchiveJob, date_expression: str = "yesterday",
                approved_keys: list[str] | None = None) -> ArchiveStart:
        request = build_request(
            user=job.user, date_expression=date_expression, now=self._clock(), source=job.source_calendar,
            archive=job.archive_calendar, timezone=job.timezone, strict=job.strict, job_id=job.id,
            approved_keys=approved_keys,
        )
        return ArchiveStart(instance_id=instance_id_for(job.id, request.start, request.end), request=request)

    def for_jobs(self, jobs: Iterable[ArchiveJob], date_expression: str) -> tuple[list[ArchiveStart], list[BrokenJob]]:
        """Every job's run; a job whose settings cannot be archived is skipped, audited, and the rest go on."""
        starts: list[ArchiveStart] = []
        broken: list[BrokenJob] = []
        for job in jobs:
            try:
                starts.append(self.for_job(job, date_expression))
            except InvalidInput as error:
                broken.append(self._skip(job, error.detail))
        return starts, broken

    async def start_due(self, client: StartingClient) -> TimerTick:
        """The timer's tick: each enabled job whose local run hour has come gets its local yesterday archived once."""
        tick = TimerTick()
        now = self._clock()
        for job in self._jobs.list(enabled_only=True):
            try:
                due = due_days([job], now)
                if not due:
                    continue
                start = self.for_job(job, due[0][1].isoformat())
            except (InvalidInput, UnknownTimeZoneError) as error:
                tick.broken.append(self._skip(job, str(error)))
                continue
            existing = await client.get_status(start.instance_id)
            if existing and existing.runtime_status in DONE_OR_RUNNING:
                tick.archived.append(start.instance_id)
                continue
            # Another start (a second host instance's tick, an HTTP start) may have come in since the status check.
            if await start_archive(client, start.instance_id, start.request):
                tick.started.append(start.instance_id)
                log.info("started archive %s", start.instance_id)
            else:
                tick.running.append(start.instance_id)
                log.info("skipped archive %s: already running", start.instance_id)
        return tick

    def _skip(self, job: ArchiveJob, reason: str) -> BrokenJob:
        broken = BrokenJob(job.id, job.user, reason)
        log.warning("%s", broken.describe())
        self._audit.record(action="archive", operation="start", resource=f"jobs/{job.id}", status="failure",
                           message=broken.describe(), user=job.user)
        return broken
