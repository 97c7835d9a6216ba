from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.conflicts import Conflict, ConflictItem
from shared.domain.errors import InvalidInput, NotFound, StateConflict
from shared.domain.jobs import ArchiveJob
from shared.services.archive.requests import instance_id_for
from shared.services.archive.starts import ArchiveStarts
from shared.services.audit import AuditService
from shared.services.conflict_resolution import ConflictResolution
from shared.storage.models import AuditEntry
from tests.fakes.storage import InMemoryAuditLog, InMemoryConflictRepository, InMemoryJobRepository

USER = "Adele.Vance@contoso.com"
DAY = dt.date(2026, 11, 18)
NOW = dt.datetime(2026, 11, 19, 8, 30, tzinfo=dt.UTC)


@pytest.fixture
def conflicts() -> InMemoryConflictRepository:
    return InMemoryConflictRepository()


@pytest.fixture
def jobs() -> InMemoryJobRepository:
    return InMemoryJobRepository()


@pytest.fixture
def audit_log() -> InMemoryAuditLog:
    return InMemoryAuditLog()


@pytest.fixture
def resolution(
    conflicts: InMemoryConflictRepository, jobs: InMemoryJobRepository, audit_log: InMemoryAuditLog
) -> ConflictResolution:
    audit = AuditService(audit_log, clock=lambda: NOW)
    return ConflictResolution(conflicts, jobs, audit, ArchiveStarts(jobs, audit, lambda: NOW), clock=lambda: NOW)


@pytest.fixture
def stored(conflicts: InMemoryConflictRepository) -> Conflict:
    start = dt.datetime.combine(DAY, dt.time(10), tzinfo=dt.UTC)
    items = [ConflictItem(event_id=e, subject=e, start=start, end=start + dt.timedelta(hours=1)) for e in "abc"]
    return conflicts.upsert(Conflict(user=USER, date=DAY, group_key="g", items=items, instance_id="run-1"))


def test_the_plan_archives_the_day_strictly_with_the_kept_events_in_utc_without_a_job(
    resolution: ConflictResolution, stored: Conflict
) -> None:
    plan = resolution.plan(stored.id, ["b", "a", "b"], note="why")

    assert plan.keep == ["b", "a"]
    assert plan.instance_id == "archive-adele-vance-contoso-com-76c208b5-2026-11-18"
    assert plan.archive is not None
    assert plan.archive.model_dump() == {
        "user": USER, "start": DAY, "end": DAY, "source": None, "archive": "Archive", "timezone": "UTC",
        "strict": True, "job_id": None, "approved_keys": ["b", "a"],
    }


def test_the_plan_takes_calendars_and_time_zone_from_the_users_job(
    resolution: ConflictResolution, jobs: InMemoryJobRepository, stored: Conflict
) -> None:
    jobs.save(ArchiveJob(id="adele", user=USER.lower(), source_calendar="Work", archive_calendar="Kept",
                         timezone="Europe/Amsterdam"))

    plan = resolution.plan(stored.id, ["a"])

    assert plan.archive is not None
    assert (plan.archive.source, plan.archive.archive, plan.archive.timezone, plan.archive.job_id) == (
        "Work", "Kept", "Europe/Amsterdam", "adele")


def test_keeping_nothing_plans_no_archive(resolution: ConflictResolution, stored: Conflict) -> None:
    plan = resolution.plan(stored.id, [])

    assert plan.archive is None and plan.instance_id is None


def test_unknown_conflicts_unknown_events_and_resolved_conflicts_are_refused(
    resolution: ConflictResolution, stored: Conflict
) -> None:
    with pytest.raises(NotFound):
        resolution.plan("20261118-0123456789abcdef0123", ["a"])
    with pytest.raises(InvalidInput) as bad:
        resolution.plan(stored.id, ["a", "zzz"])
    assert bad.value.errors[0][0] == "keep" and "zzz" in bad.value.detail
    resolution.commit(resolution.plan(stored.id, ["a"]), by="ann")
    with pytest.raises(StateConflict, match="already resolved by ann"):
        resolution.plan(stored.id, ["a"])


def test_commit_stores_who_and_when_and_audits_the_resolution(
    resolution: ConflictResolution, conflicts: InMemoryConflictRepository, audit_log: InMemoryAuditLog,
    stored: Conflict,
) -> None:
    resolved = resolution.commit(resolution.plan(stored.id, ["c"], note="moved"), by="planner@contoso.com")

    again = conflicts.get(stored.id)
    assert again is not None and again.status == "resolved"
    assert (again.resolved_by, again.resolved_at, again.kept, again.note) == ("planner@contoso.com", NOW, ["c"],
                                                                                 "moved")
    assert resolved.etag == again.etag
    [row] = audit_log.query().items
    assert (row.action, row.operation, row.status, row.user) == ("conflict", "resolve", "success", USER)
    assert row.details["kept"] == ["c"] and row.details["dropped"] == ["a", "b"]
    assert row.correlation_id == "archive-adele-vance-contoso-com-76c208b5-2026-11-18"


def test_a_concurrent_second_resolution_loses(resolution: ConflictResolution, stored: Conflict) -> None:
    first = resolution.plan(stored.id, ["a"])
    second = resolution.plan(stored.id, ["b"])
    resolution.commit(first, by="ann")

    with pytest.raises(StateConflict):
        resolution.commit(second, by="bob")


def test_reopen_undoes_the_resolution_and_records_the_failure(
    resolution: ConflictResolution, conflicts: InMemoryConflictRepository, audit_log: InMemoryAuditLog,
    stored: Conflict,
) -> None:
    plan = resolution.plan(stored.id, ["a"])
    resolved = resolution.commit(plan, by="ann")

    resolution.reopen(plan, resolved, "ConnectionError")

    again = conflicts.get(stored.id)
    assert again is not None and (again.status, again.resolved_by, again.kept) == ("open", None, [])
    assert sorted(row.status for row in audit_log.query().items) == ["failure", "success"]
    assert resolution.plan(stored.id, ["a"]).keep == ["a"]  # the client can simply retry


def test_resolving_a_second_conflict_of_the_day_keeps_what_the_first_resolution_kept_approved(
    resolution: ConflictResolution, conflicts: InMemoryConflictRepository, stored: Conflict
) -> None:
    start = dt.datetime.combine(DAY, dt.time(15), tzinfo=dt.UTC)
    later = conflicts.upsert(Conflict(user=USER, date=DAY, group_key="g2", items=[
        ConflictItem(event_id=e, subject=e, start=start, end=start + dt.timedelta(hours=1)) for e in "xy"]))
    other = conflicts.upsert(Conflict(user="someone@contoso.com", date=DAY, group_key="g3", items=stored.items))
    conflicts.save(other.resolved(by="ann", kept=["c"]))
    resolution.commit(resolution.plan(stored.id, ["a"]), by="ann")

    plan = resolution.plan(later.id, ["y"])

    # Re-archiving the day without "a" approved would hold it back again although its conflict is resolved.
    assert plan.archive is not None and plan.archive.approved_keys == ["y", "a"]
    assert plan.keep == ["y"]


def test_a_jobs_day_is_resolved_under_the_timers_instance_id(
    resolution: ConflictResolution, jobs: InMemoryJobRepository, stored: Conflict
) -> None:
    jobs.save(ArchiveJob(id="job-7", user=USER))

    plan = resolution.plan(stored.id, ["a"])

    # The same id as the timer's run of that day: a scheduled archive still running is found, not run twice.
    assert plan.instance_id == instance_id_for("job-7", DAY, DAY) == "archive-job-7-2026-11-18"


class BrokenAuditLog(InMemoryAuditLog):
    def record(self, entry: AuditEntry) -> None:
        raise ConnectionError("audit table unreachable")


def test_a_resolution_that_cannot_be_audited_does_not_stand(
    conflicts: InMemoryConflictRepository, jobs: InMemoryJobRepository, stored: Conflict
) -> None:
    audit = AuditService(BrokenAuditLog(), clock=lambda: NOW)
    broken = ConflictResolution(conflicts, jobs, audit, ArchiveStarts(jobs, audit, lambda: NOW), clock=lambda: NOW)

    with pytest.raises(ConnectionError):
        broken.commit(broken.plan(stored.id, ["a"]), by="ann")

    again = conflicts.get(stored.id)
    assert again is not None and (again.status, again.resolved_by, again.kept) == ("open", None, [])
    assert broken.plan(stored.id, ["a"]).keep == ["a"]  # the retry is a resolution, not a 409
