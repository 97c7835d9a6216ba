"""Differences between an issued timesheet and what the archive holds now for the same days."""

from __future__ import annotations

from decimal import Decimal

from shared.domain.rounding import ZERO
from shared.domain.timesheet_models import ChangeSinceIssued, IssuedEntry, IssuedSnapshot, TimesheetEntry


def changes_since_issued(snapshot: IssuedSnapshot, current: list[TimesheetEntry]) -> list[ChangeSinceIssued]:
    """Added, removed and changed entries (by key), with the difference in effort and billable hours."""
    issued = {e.key: e for e in snapshot.entries}
    now = {e.key: e for e in current}
    changes: list[ChangeSinceIssued] = []
    for key, entry in now.items():
        before = issued.get(key)
        if before is None:
            changes.append(_change(snapshot, key, "added", entry.date, entry.subject, None, entry))
        elif _differs(before, entry):
            changes.append(_change(snapshot, key, "changed", entry.date, entry.subject, before, entry))
    for key, before in issued.items():
        if key not in now:
            changes.append(_change(snapshot, key, "removed", before.date, before.subject, before, None))
    return sorted(changes, key=lambda c: (c.date, c.subject, c.key))


def snapshot_entries(entries: list[TimesheetEntry]) -> list[IssuedEntry]:
    return [
        IssuedEntry(key=e.key, section=e.section, date=e.date, subject=e.subject, effort_hours=e.effort_hours,
                    billable_hours=e.billable_hours)
        for e in entries
    ]


def _differs(before: IssuedEntry, entry: TimesheetEntry) -> bool:
    return (before.effort_hours, before.billable_hours, before.date, before.subject, before.section) != (
        entry.effort_hours, entry.billable_hours, entry.date, entry.subject, entry.section)


def _change(
    snapshot: IssuedSnapshot,
    key: str,
    kind: str,
    date: object,
    subject: str,
    before: IssuedEntry | None,
    entry: TimesheetEntry | None,
) -> ChangeSinceIssued:
    issued_hours: Decimal = before.effort_hours if before else ZERO
    current_hours: Decimal = entry.effort_hours if entry else ZERO
    issued_billable: Decimal = before.billable_hours if before else ZERO
    current_billable: Decimal = entry.billable_hours if entry else ZERO
    return ChangeSinceIssued.model_validate({
        "timesheet_id": snapshot.timesheet_id, "key": key, "kind": kind, "date": date, "subject": subject,
        "issued_hours": issued_hours, "current_hours": current_hours,
        "difference_hours": current_hours - issued_hours,
        "billable_difference_hours": current_billable - issued_billable,
    })
