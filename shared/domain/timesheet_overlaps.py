"""Overlapping counted entries are never billed twice: resolved conflicts keep their winners, auto-resolution drops
the losers, and whatever is left unresolved is flagged for review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from shared.domain.appointment import Appointment
from shared.domain.overlaps import overlap_groups, resolve_group
from shared.domain.timesheet_models import ConflictItemView, ConflictView

Signature = tuple[datetime, datetime, str]


@dataclass(frozen=True)
class Review:
    conflict_id: str | None
    group: tuple[Appointment, ...]

    @property
    def group_id(self) -> str:
        return self.conflict_id or f"overlap-{self.group[0].id}"


@dataclass
class OverlapOutcome:
    dropped: set[str] = field(default_factory=set)  # event ids
    review: dict[str, Review] = field(default_factory=dict)  # event id -> its unresolved group


def settle_overlaps(counted: Sequence[Appointment], conflicts: Sequence[ConflictView]) -> OverlapOutcome:
    """Conflicts are matched to archive copies by start, end and subject: a stored conflict names the source events,
    while the timesheet reads their copies, which have other ids but the same times and subject."""
    by_signature = _index(conflicts)
    outcome = OverlapOutcome()
    for group in overlap_groups(counted):
        stored = _stored_conflict(group, by_signature)
        if stored is not None and stored.resolved:
            kept = {_signature_of(item) for item in stored.items if item.event_id in stored.kept_event_ids}
            for appt in group:
                if _signature(appt) in by_signature and _signature(appt) not in kept:
                    outcome.dropped.add(appt.id)
            continue
        resolution = resolve_group(group)
        if resolution.resolved:
            outcome.dropped.update(a.id for a in resolution.dropped)
            continue
        outcome.dropped.update(a.id for a in resolution.dropped)
        review = Review(conflict_id=stored.id if stored else None, group=tuple(resolution.unresolved))
        for appt in resolution.unresolved:
            outcome.review[appt.id] = review
    return outcome


def _index(conflicts: Sequence[ConflictView]) -> dict[Signature, ConflictView]:
    index: dict[Signature, ConflictView] = {}
    for conflict in conflicts:
        for item in conflict.items:
            index[_signature_of(item)] = conflict
    return index


def _stored_conflict(group: list[Appointment], index: dict[Signature, ConflictView]) -> ConflictView | None:
    found = [index[s] for s in (_signature(a) for a in group) if s in index]
    # A resolution outranks an open record of the same items (a re-run never reopens a resolved conflict).
    resolved = [c for c in found if c.resolved]
    return resolved[0] if resolved else (found[0] if found else None)


def _signature(appt: Appointment) -> Signature:
    return appt.start, appt.end, appt.subject.strip()


def _signature_of(item: ConflictItemView) -> Signature:
    return item.start, item.end, item.subject.strip()
