"""The archive's rules applied as a calendar changes: privacy, category issues, conflicts, changed archive copies.

The day of the changed appointment is planned exactly as the nightly archive plans it (same markers, same overlap
groups, same keys), so a conflict row or an archive copy written here is the one the archive would write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field

from shared.domain.appointment import Appointment, AppointmentParseError
from shared.domain.archive_copy import owning_day, source_key
from shared.domain.archive_plan import DayPlan, plan_day
from shared.domain.conflicts import Conflict, ConflictGroup, ConflictItem
from shared.domain.dates import local_day_window
from shared.domain.extended_properties import source_key_of
from shared.domain.graph_time import GraphTimeError, parse_graph_datetime
from shared.domain.jobs import ArchiveJob
from shared.domain.markers import marker_kind
from shared.domain.privacy import PrivacyChange, privacy_change
from shared.domain.suggestions import has_valid_category
from shared.graph.calendars import CalendarNotFoundError
from shared.graph.errors import GraphNotFoundError
from shared.graph.event_writes import EventWriteRequest
from shared.graph.protocols import CalendarGateway
from shared.services.audit import AuditService
from shared.services.notification_contracts import ChangeMessage, ResyncDayMessage
from shared.storage.models import PrivacyChangeRecord
from shared.storage.protocols import ConflictRepository, IssueLog, JobRepository, PrivacyLog
from shared.storage.source_index import SourceEntry, SourceIndex

log = logging.getLogger(__name__)

LIVE = "live"  # issue source and privacy-log author of what this module does
PRIVACY_REASON = "personal or travel appointment"
# Without a record of what was missed, resync what can still matter: the days not yet archived and the week ahead.
RESYNC_DAYS_BACK = 2
RESYNC_DAYS_AHEAD = 7
# Where to look for a series' occurrences: its first week and a day, so a weekly series shows even without its first.
SERIES_LOOKAHEAD = timedelta(days=8)


class CopyUpdateError(RuntimeError):
    """Graph refused an archive copy update; the message is retried from the queue."""


class LiveOutcome(BaseModel):
    event_id: str | None = None
    day: date | None = None
    skipped: str | None = None
    privacy_changed: list[str] = Field(default_factory=list)
    conflicts: int = 0
    issues: int = 0
    copies_updated: list[str] = Field(default_factory=list)
    deletion_noted: bool = False


def resync_days(today: date) -> list[date]:
    return [today + timedelta(days=offset) for offset in range(-RESYNC_DAYS_BACK, RESYNC_DAYS_AHEAD + 1)]


@dataclass
class LiveRules:
    calendars: CalendarGateway
    jobs: JobRepository
    privacy_log: PrivacyLog
    issue_log: IssueLog
    conflicts: ConflictRepository
    audit: AuditService
    index: SourceIndex
    clock: Callable[[], datetime]
    # A category suggestion for a created appointment that has none (the suggestion use case's `suggest`).
    suggest: Callable[..., Any] | None = None

    def now(self) -> datetime:
        return self.clock()

    def job_for(self, user: str, job_id: str | None) -> ArchiveJob:
        """The user's archive job (calendars, time zone, mode), or the defaults when there is none."""
        job = self.jobs.get(job_id) if job_id else None
        if job is None:
            wanted = user.strip().lower()
            job = next((j for j in self.jobs.list() if j.user.strip().lower() == wanted), None)
        return job or ArchiveJob(user=user)

    def on_change(self, message: ChangeMessage) -> LiveOutcome:
        job = self.job_for(message.user, message.job_id)
        if message.change_type == "deleted":
            return self._note_deletion(job, message.user, message.event_id)
        try:
            event = self.calendars.get_event(message.user, message.event_id)
        except GraphNotFoundError:
            return LiveOutcome(event_id=message.event_id, skipped="the event no longer exists")
        if source_key_of(event):
            return LiveOutcome(event_id=message.event_id, skipped="an archive copy, not a source appointment")
        try:
            focus = Appointment.from_graph(event)
        except AppointmentParseError as error:
            log.warning("live rules skipped an unreadable event: %s", error)
            return LiveOutcome(event_id=message.event_id, skipped=f"unreadable: {error}")
        source_id = self.calendars.resolve(message.user, job.source_calendar).id
        if focus.type == "seriesMaster":
            # calendarView never returns masters; marking the master private marks every occurrence.
            outcome = LiveOutcome(event_id=focus.id)
            change = privacy_change(focus)
            if change is None:
                return outcome
            if not self._series_in(message.user, source_id, focus, job.timezone):
                outcome.skipped = "not in the source calendar"
                return outcome
            self._make_private(message.user, [change], outcome)
            return outcome
        outcome = self._apply_day(job, message.user, source_id, owning_day(focus, job.timezone), focus)
        if message.change_type == "created" and not outcome.skipped:
            self._suggest_for(message.user, focus, job.timezone)
        return outcome

    def _suggest_for(self, user: str, focus: Appointment, timezone: str) -> None:
        """One appointment, bounded by the model's timeout and daily cap; a failure must not cost the live rules
        (the use case records it), so it is logged and swallowed."""
        if self.suggest is None or has_valid_category(focus):
            return
        try:
            self.suggest(user, [focus], timezone=timezone)
        except Exception:
            log.exception("a live category suggestion failed")

    def resync_day(self, message: ResyncDayMessage) -> LiveOutcome:
        job = self.job_for(message.user, message.job_id)
        source_id = self.calendars.resolve(message.user, job.source_calendar).id
        return self._apply_day(job, message.user, source_id, message.day, None)

    def _series_in(self, user: str, source_id: str, master: Appointment, tz: str) -> bool:
        """Whether the source calendar shows occurrences of the series in its first days (a master has no calendar
        of its own in the event we read). A series none of whose first occurrences remain is left to the archive."""
        start, _ = local_day_window(owning_day(master, tz), tz)
        events = self.calendars.read_window(user, source_id, start, start + SERIES_LOOKAHEAD)
        return any(master.id in (event.get("id"), event.get("seriesMasterId")) for event in events)

    # -- one day ---------------------------------------------------------------------------------------------------

    def _apply_day(
        self, job: ArchiveJob, user: str, source_id: str, day: date, focus: Appointment | None
    ) -> LiveOutcome:
        """All rules for the day's appointments, or, with a `focus`, those that concern that one appointment."""
        start, end = local_day_window(day, job.timezone)
        events = self.calendars.read_window(user, source_id, start, end)
        outcome = LiveOutcome(event_id=focus.id if focus else None, day=day)
        if focus is not None and all(event.get("id") != focus.id for event in events):
            outcome.skipped = "not in the source calendar"
            return outcome
        now = self.clock()
        is_marker = focus is not None and marker_kind(focus.subject) is not None
        wants_copies = start < now if focus is None else (focus.end <= now or is_marker)
        archive_id = self._archive_id(user, job) if wants_copies else None
        copies = []
        if archive_id is not None:
            # Markers may move a copy across midnight: look a day either side, as the archive does.
            copies = self.calendars.read_window(user, archive_id, start - timedelta(days=1), end + timedelta(days=1))
        plan = plan_day(events, copies, day, job.timezone, source_id, job.strict)

        focus_id = focus.id if focus else None
        changes = [c for c in plan.privacy_changes if focus_id is None or c.event_id == focus_id]
        self._make_private(user, changes, outcome)
        self.issue_log.record(user, day, plan.issues, source=LIVE)
        outcome.issues = len(plan.issues)
        # A marker is merged into its meeting and never in a group itself: the whole day's groups concern it.
        group_focus = None if is_marker else focus_id
        groups = [g for g in plan.conflicts
                  if group_focus is None or any(i.event_id == group_focus for i in [*g.items, *g.auto_dropped])]
        if groups:
            self.conflicts.upsert_many([_conflict(user, day, group) for group in groups])
            outcome.conflicts = len(groups)
        if archive_id is not None:
            focus_key = None if focus is None or is_marker else source_key(source_id, focus)
            self._update_copies(user, archive_id, plan, focus_key, now, outcome)
        if focus is not None:
            self.index.remember(SourceEntry(user=user, event_id=focus.id, source_key=source_key(source_id, focus),
                                             day=day))
        return outcome

    def _make_private(self, user: str, changes: list[PrivacyChange], outcome: LiveOutcome) -> None:
        for change in changes:
            with self.audit.audited("privacy", "mark_private", f"{user}/events/{change.event_id}",
                                     user=user) as scope:
                scope.details.update({"old": change.old, "new": change.new, "reason": PRIVACY_REASON,
                                      "trigger": LIVE})
                self.calendars.patch_event(user, change.event_id, {"sensitivity": change.new})
                self.privacy_log.record(PrivacyChangeRecord(
                    user=user, event_id=change.event_id, subject=change.subject, old=change.old, new=change.new,
                    changed_at=self.clock(), changed_by=LIVE, reason=PRIVACY_REASON,
                ))
                scope.message = f"marked private (was {change.old})"
            outcome.privacy_changed.append(change.event_id)

    def _update_copies(
        self, user: str, archive_id: str, plan: DayPlan, focus_key: str | None, now: datetime, outcome: LiveOutcome
    ) -> None:
        """Rewrite copies of appointments that are over and already archived but no longer match their source."""
        writes = [
            w for w in plan.writes
            if w.kind == "update" and w.copy_id and _ended(w.payload, now)
            and (focus_key is None or w.source_key == focus_key)
        ]
        if not writes:
            return
        requests = [EventWriteRequest(key=w.source_key, copy_id=w.copy_id, payload=w.payload) for w in writes]
        results = self.calendars.write_events(user, archive_id, requests)
        failed = []
        for write, result in zip(writes, results, strict=True):
            self.audit.record(
                action="archive", operation="update_copy", resource=f"{user}/archive/{write.copy_id}",
                status="success" if result.ok else "failure",
                message="archive copy updated from its changed source" if result.ok
                else f"archive copy update failed: {result.error or result.status}",
                details={"source_key": write.source_key, "day": plan.day.isoformat(), "trigger": LIVE}, user=user,
            )
            if result.ok:
                outcome.copies_updated.append(str(write.copy_id))
            else:
                failed.append(f"{write.copy_id}: {result.error or result.status}")
        if failed:
            raise CopyUpdateError("archive copy updates failed: " + "; ".join(failed))

    # -- deletions -------------------------------------------------------------------------------------------------

    def _note_deletion(self, job: ArchiveJob, user: str, event_id: str) -> LiveOutcome:
        """The archive keeps its copy; the copy's audit trail records that the source went away."""
        entry = self.index.get(user, event_id)
        copy: dict[str, Any] | None = None
        archive_id = self._archive_id(user, job)
        if archive_id is not None:
            copy = self.calendars.find_by_source_event(user, archive_id, event_id)
            if copy is None and entry is not None:  # a copy written before copies named their source event
                copy = self.calendars.find_by_source_key(user, archive_id, entry.source_key)
        copy_id = str(copy["id"]) if copy and copy.get("id") else None
        self.audit.record(
            action="archive", operation="source_deleted",
            resource=f"{user}/archive/{copy_id}" if copy_id else f"{user}/events/{event_id}",
            status="success",
            message="source appointment deleted; its archive copy is kept" if copy_id
            else "source appointment deleted; no archive copy of it is known",
            details={"source_event_id": event_id, "copy_id": copy_id,
                     "source_key": entry.source_key if entry else None,
                     "day": entry.day.isoformat() if entry else None},
            user=user,
        )
        if entry is not None:
            self.index.forget(user, event_id)
        return LiveOutcome(event_id=event_id, day=entry.day if entry else None, deletion_noted=True)

    def _archive_id(self, user: str, job: ArchiveJob) -> str | None:
        try:
            return self.calendars.resolve(user, job.archive_calendar).id
        except CalendarNotFoundError:
            return None  # nothing archived yet for this user


def _ended(payload: dict[str, Any], now: datetime) -> bool:
    try:
        return parse_graph_datetime(payload.get("end"), floating=bool(payload.get("isAllDay"))) <= now
    except GraphTimeError:
        return False


def _conflict(user: str, day: date, group: ConflictGroup) -> Conflict:
    return Conflict(
        id=Conflict.make_id(user, day, group.group_key),
        user=user,
        date=day,
        group_key=group.group_key,
        items=[ConflictItem.model_validate(item.model_dump()) for item in group.items],
    )
