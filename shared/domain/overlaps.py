"""Overlapping appointments: grouping and automatic resolution."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter

from shared.domain.appointment import Appointment

IMPORTANCE_SCORES = {"high": 3, "normal": 2, "low": 1}
_DEFAULT_SCORE = 2
FREE = "free"
TENTATIVE = "tentative"
_START = attrgetter("start")
_GROUP_ORDER = attrgetter("start", "end", "id")


@dataclass(frozen=True)
class GroupResolution:
    """`kept`: the winner (plus any `free` items, which block no time); `unresolved`: left for a person.

    A plain dataclass rather than a pydantic model: it never crosses a boundary and is built once per group.
    """

    kept: list[Appointment]
    dropped: list[Appointment]
    unresolved: list[Appointment]

    @property
    def resolved(self) -> bool:
        return not self.unresolved


def blocks_time(appt: Appointment) -> bool:
    # `free` blocks no time by definition, nor does an appointment of zero length. All-day events are left out
    # too: they mark a day (a holiday, an out-of-office, a deadline) rather than book hours, and would otherwise
    # overlap every meeting of the day.
    return not appt.is_all_day and appt.show_as != FREE and appt.end > appt.start


def overlap_groups(appts: Iterable[Appointment]) -> list[list[Appointment]]:
    """Groups of two or more appointments connected by overlaps, in start order.

    Each candidate is compared with the running maximum end of its group, so a long meeting links every shorter
    one inside it (09:00-12:00, 09:30-10:00, 11:00-11:30 is one group). Touching ends do not overlap.
    """
    # blocks_time, inlined: this is the hot loop of a 100,000-appointment calendar.
    candidates = [a for a in appts if not a.is_all_day and a.show_as != FREE and a.end > a.start]
    # Sorting on the start alone is enough (items of positive length starting together always overlap) and much
    # faster than a tuple key; each group is put in full (start, end, id) order afterwards.
    candidates.sort(key=_START)
    groups: list[list[Appointment]] = []
    current: list[Appointment] = []
    group_end = None
    for appt in candidates:
        if group_end is not None and appt.start < group_end:
            current.append(appt)
            if appt.end > group_end:
                group_end = appt.end
            continue
        if len(current) > 1:
            groups.append(current)
        current = [appt]
        group_end = appt.end
    if len(current) > 1:
        groups.append(current)
    for group in groups:
        group.sort(key=_GROUP_ORDER)
    return groups


def importance_score(appt: Appointment) -> int:
    return IMPORTANCE_SCORES.get(appt.importance, _DEFAULT_SCORE)


def resolve_group(group: list[Appointment]) -> GroupResolution:
    """Drop tentative items when firm ones exist, then let a single most important item win."""
    free: list[Appointment] = []
    tentative: list[Appointment] = []
    firm: list[Appointment] = []
    for appt in _ordered(group):
        show_as = appt.show_as
        (free if show_as == FREE else tentative if show_as == TENTATIVE else firm).append(appt)

    if firm and tentative:
        remaining, dropped = firm, tentative
    else:
        remaining, dropped = firm or tentative, []
    if len(remaining) <= 1:
        return GroupResolution(kept=_ordered(remaining + free), dropped=dropped, unresolved=[])

    scores = [importance_score(a) for a in remaining]
    top = max(scores)
    if scores.count(top) == 1:
        winner = remaining[scores.index(top)]
        dropped = _ordered(dropped + [a for a in remaining if a is not winner])
        return GroupResolution(kept=_ordered([winner, *free]), dropped=dropped, unresolved=[])
    return GroupResolution(kept=free, dropped=dropped, unresolved=remaining)


def group_key(group: list[Appointment]) -> str:
    """Stable id of a group: a short hash of its earliest item (start, then id), so a re-run gives the same key."""
    if not group:
        raise ValueError("an overlap group cannot be empty")
    first = min(group, key=lambda a: (a.start, a.id))
    identity = first.source_key or f"{first.identity}|{first.start.isoformat()}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:20]


def _ordered(appts: list[Appointment]) -> list[Appointment]:
    return sorted(appts, key=lambda a: (a.start, a.id))
