"""Meeting modification markers: appointments whose subject says how a real meeting changed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel

from shared.domain.appointment import Appointment
from shared.domain.dates import load_zone

TOLERANCE = timedelta(minutes=5)
MINIMUM_LENGTH = timedelta(minutes=1)


class MarkerKind(StrEnum):
    EXTENDED = "Extended"
    SHORTENED = "Shortened"
    EARLY_START = "Early Start"
    LATE_START = "Late Start"


# Checked in this order; the first match wins.
_DETECTORS: list[tuple[MarkerKind, Callable[[str], object]]] = [
    (MarkerKind.EXTENDED, lambda subject: subject in ("extended", "extension")),
    (MarkerKind.SHORTENED, re.compile(r"\bshortened\b").search),
    (MarkerKind.EARLY_START, re.compile(r"\bearly start\b").search),
    (MarkerKind.LATE_START, re.compile(r"\blate start\b").search),
]


class AppliedMarker(BaseModel):
    marker_id: str
    meeting_id: str
    kind: MarkerKind


class MarkerOutcome(BaseModel):
    appointments: list[Appointment]
    orphans: list[Appointment]
    issues: list[str]
    applied: list[AppliedMarker] = []


def marker_kind(subject: str | None) -> MarkerKind | None:
    text = " ".join((subject or "").lower().split())
    for kind, detect in _DETECTORS:
        if detect(text):
            return kind
    return None


def apply_markers(appointments: Iterable[Appointment], tz: str = "UTC") -> MarkerOutcome:
    """Merge markers into the meetings they modify; `tz` only formats times in the issue messages."""
    meetings: list[Appointment] = []
    markers: list[tuple[Appointment, MarkerKind]] = []
    for appt in appointments:
        kind = marker_kind(appt.subject)
        if kind is None:
            meetings.append(appt)
        else:
            markers.append((appt, kind))
    markers.sort(key=lambda pair: (pair[0].start, pair[0].id))

    orphans: list[Appointment] = []
    issues: list[str] = []
    applied: list[AppliedMarker] = []
    for marker, kind in markers:
        # Matching uses the meetings as already adjusted, so chained markers (two extensions) both apply.
        index = _find_meeting(marker, kind, meetings)
        if index is None:
            orphans.append(marker)
            local = marker.start.astimezone(load_zone(tz)).strftime("%H:%M")
            issues.append(f"Modification marker {marker.subject!r} at {local} matched no meeting")
            continue
        meetings[index] = _apply(marker, kind, meetings[index])
        applied.append(AppliedMarker(marker_id=marker.id, meeting_id=meetings[index].id, kind=kind))
    return MarkerOutcome(appointments=meetings, orphans=orphans, issues=issues, applied=applied)


def _find_meeting(marker: Appointment, kind: MarkerKind, meetings: list[Appointment]) -> int | None:
    best: tuple[tuple[float, datetime, str], int] | None = None
    for index, meeting in enumerate(meetings):
        if meeting.is_all_day or not _categories_agree(marker, meeting):
            continue
        score = _score(marker, kind, meeting)
        if score is None:
            continue
        # Lower is better; ties go to the earlier meeting, then the smaller id, so results are deterministic.
        rank = (score, meeting.start, meeting.id)
        if best is None or rank < best[0]:
            best = (rank, index)
    return None if best is None else best[1]


def _score(marker: Appointment, kind: MarkerKind, meeting: Appointment) -> float | None:
    """How well `marker` fits `meeting` (lower is better), or None when it does not fit at all."""
    if kind is MarkerKind.EXTENDED:
        gap = abs(marker.start - meeting.end)
        return gap.total_seconds() if gap <= TOLERANCE else None
    if kind is MarkerKind.SHORTENED:
        starts_inside = meeting.start <= marker.start < meeting.end
        ends_inside = meeting.start < marker.end <= meeting.end
        if not (starts_inside or ends_inside):
            return None
        overlap = min(marker.end, meeting.end) - max(marker.start, meeting.start)
        return -overlap.total_seconds()
    if kind is MarkerKind.EARLY_START:
        gap = abs(marker.end - meeting.start)
        fits = marker.start <= meeting.start and marker.end <= meeting.end and gap <= TOLERANCE
        return gap.total_seconds() if fits else None
    gap = abs(marker.start - meeting.start)
    return gap.total_seconds() if gap <= TOLERANCE else None


def _apply(marker: Appointment, kind: MarkerKind, meeting: Appointment) -> Appointment:
    length = marker.duration
    if kind is MarkerKind.EXTENDED:
        return meeting.model_copy(update={"end": meeting.end + length})
    if kind is MarkerKind.SHORTENED:
        return meeting.model_copy(update={"end": max(meeting.end - length, meeting.start + MINIMUM_LENGTH)})
    if kind is MarkerKind.EARLY_START:
        return meeting.model_copy(update={"start": marker.start})
    return meeting.model_copy(update={"start": min(meeting.start + length, meeting.end - MINIMUM_LENGTH)})


def _categories_agree(marker: Appointment, meeting: Appointment) -> bool:
    if not marker.categories or not meeting.categories:
        return True
    # Outlook treats categories as a set with case-insensitive names, so order and case do not matter.
    return _normalised(marker.categories) == _normalised(meeting.categories)


def _normalised(categories: list[str]) -> list[str]:
    return sorted(category.strip().casefold() for category in categories)
