"""Resolving a held-back overlap: a person picks the events to keep, and that day is archived again with them.

`resolve` runs the steps around the orchestration client: `plan` (validate), a check that the day's archive is not
running, `commit` (mark resolved with an ETag check, so a concurrent second resolution loses, and audit it), then the
start of the archive; `reopen` undoes the commit when the archive could not be started, so the client can retry.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from shared.domain.conflicts import Conflict
from shared.domain.errors import InvalidInput, NotFound, StateConflict, Unavailable
from shared.services.archive.contracts import ArchiveRequest
from shared.services.archive.requests import job_of
from shared.services.archive.starts import ArchiveStarts, StartingClient, is_running, start_archive
from shared.services.audit import AuditService
from shared.storage.errors import EntityNotFoundError, StaleEntityError
from shared.storage.models import AuditStatus
from shared.storage.protocols import ConflictRepository, JobRepository
from shared.storage.query import MAX_PAGE_SIZE

ACTION = "conflict"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResolutionPlan:
    conflict: Conflict
    keep: list[str]
    note: str | None
    archive: ArchiveRequest | None  # None when nothing is kept: there is nothing to archive
    instance_id: str | None


@dataclass
class ConflictResolution:
    conflicts: ConflictRepository
    jobs: JobRepository
    audit: AuditService
    starts: ArchiveStarts
    clock: Callable[[], dt.datetime]


    async def resolve(
        self, client: StartingClient, conflict_id: str, keep: list[str], note: str | None, by: str
    ) -> tuple[Conflict, str | None]:
        """The resolved conflict and the instance id of the archive that writes what was kept (None: nothing kept)."""
        plan = self.plan(conflict_id, keep, note)
        if plan.archive is not None and plan.instance_id is not None and await is_running(client, plan.instance_id):
            raise StateConflict(f"the archive {plan.instance_id} of that day is running; resolve when it has finished")
        resolved = self.commit(plan, by)
        if plan.archive is None or plan.instance_id is None:
            return resolved, None
        try:
            started = await start_archive(client, plan.instance_id, plan.archive)
        except Exception as error:
            log.exception("could not start archive %s after resolving a conflict", plan.instance_id)
            self.reopen(plan, resolved, type(error).__name__)
            raise Unavailable("the archive of the kept events could not be started; the conflict is open again, "
                              "retry the resolution") from None
        if not started:
            self.reopen(plan, resolved, "the archive of that day started meanwhile")
            raise StateConflict(f"the archive {plan.instance_id} of that day is running; resolve when it has finished")
        return resolved, plan.instance_id

    def plan(self, conflict_id: str, keep: list[str], note: str | None = None) -> ResolutionPlan:
        conflict = self.conflicts.get(conflict_id)
        if conflict is None:
            raise NotFound(f"no conflict '{conflict_id}'")
        if conflict.status == "resolved":
            raise StateConflict(
                f"conflict '{conflict_id}' was already resolved by {conflict.resolved_by or 'someone'}"
                f" at {conflict.resolved_at.isoformat() if conflict.resolved_at else 'an unknown time'}"
            )
        known = [item.event_id for item in conflict.items]
        kept = list(dict.fromkeys(keep))
        unknown = [event_id for event_id in kept if event_id not in known]
        if unknown:
            raise InvalidInput(
                "keep", f"not items of this conflict: {', '.join(unknown)} (its items are: {', '.join(known)})"
            )
        if not kept:
            return ResolutionPlan(conflict, kept, note, None, None)
        job = job_of(self.jobs, conflict.user)
        # The day is archived again as a whole: what earlier resolutions of that day kept stays approved.
        approved = list(dict.fromkeys([*kept, *self._kept_earlier(conflict)]))
        day = conflict.date.isoformat()
        # The timer's instance id for a job's day, so a scheduled archive of that day still running is seen.
        start = (self.starts.for_job(job.model_copy(update={"strict": True}), day, approved) if job
                 else self.starts.for_user(conflict.user, day, strict=True, approved_keys=approved))
        archive, instance_id = start.request, start.instance_id
        return ResolutionPlan(conflict, kept, note, archive, instance_id)

    def commit(self, plan: ResolutionPlan, by: str) -> Conflict:
        resolved = plan.conflict.resolved(by=by, kept=plan.keep, note=plan.note, at=self.clock())
        try:
            saved = self.conflicts.save(resolved)
        except (StaleEntityError, EntityNotFoundError):
            raise StateConflict(f"conflict '{plan.conflict.id}' changed while it was being resolved") from None
        dropped = [item.event_id for item in plan.conflict.items if item.event_id not in plan.keep]
        try:
            self._record(plan, "success", f"resolved by {by}: {len(plan.keep)} kept, {len(dropped)} left out",
                         {"kept": plan.keep, "dropped": dropped, "note": plan.note,
                          "date": plan.conflict.date.isoformat(), "archive_instance_id": plan.instance_id})
        except Exception:
            # An unaudited resolution must not stand (its archive would never start): open the conflict again,
            # so the client's retry resolves it instead of being refused as a second resolution.
            self.conflicts.save(plan.conflict.model_copy(update={"etag": saved.etag}))
            raise
        return saved

    def reopen(self, plan: ResolutionPlan, resolved: Conflict, reason: str) -> None:
        """Undo `commit` after the archive failed to start, and say so in the audit trail."""
        reopened = resolved.model_copy(
            update={"status": "open", "resolved_by": None, "resolved_at": None, "kept": [], "note": None,
                    "updated_at": self.clock()}
        )
        self.conflicts.save(reopened)
        self._record(plan, "failure",
                     f"the archive of the kept events could not be started; the conflict is open again: {reason}")

    def _record(self, plan: ResolutionPlan, status: AuditStatus, message: str,
                details: dict[str, object] | None = None) -> None:
        self.audit.record(action=ACTION, operation="resolve", resource=f"conflicts/{plan.conflict.id}", status=status,
                          message=message, details=details, correlation_id=plan.instance_id, user=plan.conflict.user)

    def _kept_earlier(self, conflict: Conflict) -> list[str]:
        resolved = self.conflicts.query(
            user=conflict.user, start=conflict.date, end=conflict.date, status="resolved", page_size=MAX_PAGE_SIZE
        )
        return [event_id for other in resolved.items for event_id in other.kept]
