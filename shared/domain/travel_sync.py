"""What a re-plan changes in the calendar: travel to create, update in place or delete, and out-of-office marks."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from shared.domain.appointment import Appointment
from shared.domain.places import UserPlaces
from shared.domain.travel import Stop
from shared.domain.travel_schedule import OOF, PRIVATE, PlannedTravel


class ExistingTravel(BaseModel):
    """A travel appointment found in the calendar, with the key of its extended property."""

    model_config = ConfigDict(frozen=True)

    key: str
    appointment: Appointment


class TravelChanges(BaseModel):
    creates: list[PlannedTravel] = []
    updates: list[tuple[str, PlannedTravel]] = []  # (event id, wanted)
    deletes: list[str] = []  # event ids
    unchanged: int = 0


class OofMark(BaseModel):
    model_config = ConfigDict(frozen=True)

    event_id: str
    subject: str
    old: str


def travel_changes(planned: Sequence[PlannedTravel], existing: Sequence[ExistingTravel]) -> TravelChanges:
    """Keys tie plans to events: same key → update when different; no plan → delete; duplicates of a key → delete."""
    changes = TravelChanges()
    by_key: dict[str, ExistingTravel] = {}
    for item in sorted(existing, key=lambda e: e.appointment.id):
        if item.key.casefold() in by_key:
            changes.deletes.append(item.appointment.id)
        else:
            by_key[item.key.casefold()] = item
    for plan in planned:
        found = by_key.pop(plan.key.casefold(), None)
        if found is None:
            changes.creates.append(plan)
        elif _same(found.appointment, plan):
            changes.unchanged += 1
        else:
            changes.updates.append((found.appointment.id, plan))
    changes.deletes.extend(item.appointment.id for item in by_key.values())
    return changes


def _same(appt: Appointment, plan: PlannedTravel) -> bool:
    return (
        appt.subject == plan.subject
        and appt.start == plan.start
        and appt.end == plan.end
        and list(appt.categories) == ([plan.category] if plan.category else [])
        and appt.show_as == OOF
        and appt.sensitivity == PRIVATE
        and not appt.location.strip()
    )


def oof_marks(stops: Sequence[Stop], places: UserPlaces) -> list[OofMark]:
    """Appointments away from home and office that are not yet shown as out of office (when the user wants it)."""
    if not places.settings.out_of_office:
        return []
    marks = []
    for stop in stops:
        appt = stop.appointment
        if places.is_home_or_office(stop.place) or appt.show_as == OOF:
            continue
        marks.append(OofMark(event_id=appt.id, subject=appt.subject, old=appt.show_as))
    return marks
