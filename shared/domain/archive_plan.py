"""The pure plan of one archive day: what to write, what conflicts, what to make private."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel

from shared.domain.appointment import Appointment, AppointmentParseError
from shared.domain.archive_copy import copy_differs, copy_payload, owning_day, source_key
from shared.domain.categories import classify_categories
from shared.domain.conflicts import ConflictGroup, ConflictItem
from shared.domain.dates import load_zone
from shared.domain.extended_properties import source_key_of
from shared.domain.markers import apply_markers
from shared.domain.overlaps import GroupResolution, group_key, overlap_groups, resolve_group
from shared.domain.privacy import PrivacyChange, privacy_change


class EventWrite(BaseModel):
    kind: Literal["create", "update"]
    source_key: str
    copy_id: str | None = None
    payload: dict[str, Any]
    subject: str


class DayPlan(BaseModel):
    day: date
    fetched: int
    cancelled: int = 0
    markers_folded: int = 0  # merged into the meeting they modify, never archived themselves
    orphan_markers: int = 0  # matched no meeting: reported as issues, not archived
    writes: list[EventWrite]
    already_archived: int
    conflicts: list[ConflictGroup]
    held_back: list[str]
    dropped: list[str] = []
    privacy_changes: list[PrivacyChange]
    issues: list[str]


def plan_day(
    events: list[dict[str, Any]],
    existing_copies: list[dict[str, Any]],
    day: date,
    tz: str,
    source_calendar_id: str,
    strict: bool,
    approved_keys: frozenset[str] = frozenset(),
) -> DayPlan:
    """Plan the archive of `day` (local to `tz`) from the raw calendarView of the source and of the archive.

    In strict mode, an unresolved group with an approved member counts as resolved by a person: approved members
    are archived and the others are dropped. Without approval the group is held back.
    """
    zone = load_zone(tz)
    issues: list[str] = []
    owned: list[Appointment] = []
    for event in events:
        try:
            appt = Appointment.from_graph(event)
        except AppointmentParseError as error:
            issues.append(f"Unreadable event skipped: {error}")
            continue
        if owning_day(appt, tz) != day:
            continue
        # The key is taken before markers move the times, so a marker updates the copy instead of duplicating it.
        owned.append(appt.model_copy(update={"source_key": source_key(source_calendar_id, appt)}))

    active = [appt for appt in owned if not appt.is_cancelled]
    markers = apply_markers(active, tz)
    issues.extend(markers.issues)
    appointments = markers.appointments

    def label(appt: Appointment) -> str:
        when = "all day" if appt.is_all_day else appt.start.astimezone(zone).strftime("%H:%M")
        return f"{appt.subject!r} ({when})"

    privacy_changes: list[PrivacyChange] = []
    for index, appt in enumerate(appointments):
        issues.extend(f"{label(appt)}: {issue}" for issue in classify_categories(appt.categories).issues)
        change = privacy_change(appt)
        if change is not None:
            privacy_changes.append(change)
            appointments[index] = appt.model_copy(update={"sensitivity": change.new})

    conflicts: list[ConflictGroup] = []
    excluded: dict[str, str] = {}  # event id -> "held" | "dropped" (strict mode only)
    for group in overlap_groups(appointments):
        resolution = resolve_group(group)
        if resolution.unresolved:
            conflicts.append(_conflict(group, resolution, approved_keys))
        if strict:
            excluded.update(_strict_exclusions(resolution, approved_keys))

    writes: list[EventWrite] = []
    already_archived = 0
    copies = _copies_by_key(existing_copies, issues)
    for appt in appointments:
        if appt.id in excluded:
            continue
        key = appt.source_key or source_key(source_calendar_id, appt)
        payload = copy_payload(appt, source_calendar_id)
        existing = copies.get(key)
        if existing is None:
            writes.append(EventWrite(kind="create", source_key=key, payload=payload, subject=appt.subject))
        elif copy_differs(existing, payload):
            copy_id = str(existing.get("id", ""))
            writes.append(
                EventWrite(kind="update", source_key=key, copy_id=copy_id, payload=payload, subject=appt.subject)
            )
        else:
            already_archived += 1

    return DayPlan(
        day=day,
        fetched=len(owned),
        cancelled=len(owned) - len(active),
        markers_folded=len(markers.applied),
        orphan_markers=len(markers.orphans),
        writes=writes,
        already_archived=already_archived,
        conflicts=conflicts,
        held_back=[event_id for event_id, why in excluded.items() if why == "held"],
        dropped=[event_id for event_id, why in excluded.items() if why == "dropped"],
        privacy_changes=privacy_changes,
        issues=issues,
    )


def _approved(appt: Appointment, approved_keys: frozenset[str]) -> bool:
    # A person approves an item by its event id (from a conflict row) or by its source key.
    return appt.id in approved_keys or appt.source_key in approved_keys


def _strict_exclusions(resolution: GroupResolution, approved_keys: frozenset[str]) -> dict[str, str]:
    excluded = {a.id: "dropped" for a in resolution.dropped if not _approved(a, approved_keys)}
    if resolution.unresolved:
        approved = any(_approved(a, approved_keys) for a in resolution.unresolved)
        outcome = "dropped" if approved else "held"
        excluded.update({a.id: outcome for a in resolution.unresolved if not _approved(a, approved_keys)})
    return excluded


def _conflict(group: list[Appointment], resolution: GroupResolution, approved_keys: frozenset[str]) -> ConflictGroup:
    return ConflictGroup(
        group_key=group_key(group),
        items=[_conflict_item(a) for a in resolution.unresolved],
        auto_dropped=[_conflict_item(a) for a in resolution.dropped],
        approved=any(_approved(a, approved_keys) for a in resolution.unresolved),
    )


def _conflict_item(appt: Appointment) -> ConflictItem:
    return ConflictItem(
        event_id=appt.id,
        subject=appt.subject,
        start=appt.start,
        end=appt.end,
        show_as=appt.show_as,
        importance=appt.importance,
        categories=list(appt.categories),
        source_key=appt.source_key,
    )


def _copies_by_key(existing_copies: list[dict[str, Any]], issues: list[str]) -> dict[str, dict[str, Any]]:
    copies: dict[str, dict[str, Any]] = {}
    for copy in existing_copies:
        key = source_key_of(copy) if isinstance(copy, dict) else None
        if key is None:
            continue  # not one of our copies (made by hand in the archive calendar)
        if key in copies:
            issues.append(f"Duplicate archive copies for one source event; keeping {copies[key].get('id')!r}")
            continue
        copies[key] = copy
    return copies
