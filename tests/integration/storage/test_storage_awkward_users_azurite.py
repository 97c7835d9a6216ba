"""Users whose names hold characters Azure forbids in keys (`/ \\ # ?`) round-trip through every repository keyed
by user, and are found by user and date. Subscriptions, dedup and the key helper have their own such tests."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.storage import ArchiveJob, AuditEntry, AuditLog, Conflict, ConflictItem, ConflictRepository, JobRepository

AWKWARD = ["a/b#c@contoso.com", "q?r\\s@contoso.com"]
DAY = dt.date(2025, 3, 10)
T0 = dt.datetime(2025, 3, 10, 9, tzinfo=dt.UTC)


@pytest.mark.parametrize("user", AWKWARD)
def test_audit_rows_of_an_awkward_user(audit_log: AuditLog, user: str) -> None:
    for day in range(3):
        audit_log.record(AuditEntry(timestamp=T0 + dt.timedelta(days=day), user=user, action="archive",
                                    operation="archive_day", resource="r", status="success", message="ok"))
    audit_log.record(AuditEntry(timestamp=T0, user="a@contoso.com", action="archive", operation="archive_day",
                                resource="r", status="success", message="ok"))

    found = audit_log.query(user=user, start=dt.date(2025, 3, 11), end=dt.date(2025, 3, 12)).items

    assert [(e.user, e.timestamp.date()) for e in found] == [(user, dt.date(2025, 3, 11)), (user, dt.date(2025, 3, 12))]


@pytest.mark.parametrize("user", AWKWARD)
def test_conflicts_of_an_awkward_user(conflicts: ConflictRepository, user: str) -> None:
    start = dt.datetime.combine(DAY, dt.time(10), tzinfo=dt.UTC)
    items = [ConflictItem(event_id=e, subject=e, start=start, end=start + dt.timedelta(hours=1)) for e in "ab"]
    stored = conflicts.upsert(Conflict(user=user, date=DAY, group_key="g", items=items))

    assert conflicts.get(stored.id) is not None
    assert [c.user for c in conflicts.query(user=user, start=DAY, end=DAY).items] == [user]
    assert conflicts.query(user=user, start=DAY + dt.timedelta(days=1)).items == []


@pytest.mark.parametrize("user", AWKWARD)
def test_the_job_of_an_awkward_user(jobs: JobRepository, user: str) -> None:
    saved = jobs.save(ArchiveJob(user=user))

    fetched = jobs.get(saved.id)

    assert fetched is not None and fetched.user == user
    assert jobs.delete(saved.id) is True and jobs.get(saved.id) is None
