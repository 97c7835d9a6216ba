"""Which trips a day needs: from the day's base to each new physical place, and back after the last one (pure).

Durations are not known here; `shared/domain/travel_schedule.py` turns legs and durations into travel appointments
and alerts. Keeping the two apart lets the use case ask the routing service only for the legs that exist."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from shared.domain.appointment import Appointment
from shared.domain.categories import classify_categories
from shared.domain.online import physical_location
from shared.domain.places import Place, UserPlaces, normalized

LegKind = Literal["to", "back"]
TRAVEL_SUBJECT = "Travel to {place}"


class Stop(BaseModel):
    """A timed appointment at a physical place."""

    model_config = ConfigDict(frozen=True)

    appointment: Appointment
    place: Place


class Leg(BaseModel):
    """One trip. `depart_at` is set when it starts at the previous end, `arrive_by` for the day's first trip."""

    model_config = ConfigDict(frozen=True)

    key: str
    kind: LegKind
    origin: Place
    destination: Place
    anchor: Appointment  # travelled to (kind "to") or from (kind "back"): its identity keys the trip
    category: str | None
    depart_at: datetime | None = None
    arrive_by: datetime | None = None
    previous: Appointment | None = None  # the appointment the trip starts after
    following: Appointment | None = None  # the appointment the trip must reach in time

    @property
    def subject(self) -> str:
        return TRAVEL_SUBJECT.format(place=self.destination.name)

    def departure_estimate(self, minutes: int) -> datetime:
        """When the trip leaves, for asking the routing service; the first trip leaves `minutes` before arrival."""
        if self.depart_at is not None:
            return self.depart_at
        assert self.arrive_by is not None
        return self.arrive_by - timedelta(minutes=minutes)


class DayPlan(BaseModel):
    model_config = ConfigDict(frozen=True)

    day: date
    base_start: Place
    base_end: Place
    stops: tuple[Stop, ...]
    legs: tuple[Leg, ...]


def travel_key(appointment: Appointment, kind: LegKind) -> str:
    """Stable across re-plans: the appointment's identity (iCalUId, per occurrence) and the leg."""
    return f"{appointment.identity}#{kind}"


def billable_category(appointment: Appointment) -> str | None:
    outcome = classify_categories(list(appointment.categories))
    if outcome.customer is None or outcome.special:
        return None
    return f"{outcome.customer} - billable"


def same_place(a: Place, b: Place) -> bool:
    return bool(a.spellings() & b.spellings())


def plan_day(
    day: date,
    appointments: Sequence[Appointment],
    places: UserPlaces,
    *,
    local_date: Callable[[datetime], date],
    online_flags: frozenset[str] = frozenset(),
) -> DayPlan:
    """The legs of `day`. `appointments` are the day's calendar without our travel appointments; `local_date`
    gives the user's local date of an instant; `online_flags` holds ids of events Graph marks as online meetings."""
    live = [a for a in appointments if not a.is_cancelled]
    base = _all_day_base(day, live, places, online_flags)
    start_place = base or places.day_start(day.weekday())
    end_place = base or places.day_end(day.weekday())
    stops = _stops(day, live, places, local_date, online_flags)
    return DayPlan(day=day, base_start=start_place, base_end=end_place, stops=tuple(stops),
                   legs=tuple(_legs(stops, start_place, end_place)))


def _all_day_base(
    day: date, appointments: Sequence[Appointment], places: UserPlaces, online_flags: frozenset[str]
) -> Place | None:
    """A multi-day trip: an all-day event with a physical location makes that place the day's base."""
    for appt in appointments:
        if not appt.is_all_day or not appt.start.date() <= day < max(appt.end.date(), appt.start.date() + _ONE_DAY):
            continue
        location = physical_location(appt, online_meeting_flag=appt.id in online_flags)
        if location:
            return places.resolve(location)
    return None


_ONE_DAY = timedelta(days=1)


def _stops(
    day: date, appointments: Sequence[Appointment], places: UserPlaces, local_date: Callable[[datetime], date],
    online_flags: frozenset[str],
) -> list[Stop]:
    stops = []
    for appt in appointments:
        if appt.is_all_day or local_date(appt.start) != day:
            continue
        location = physical_location(appt, online_meeting_flag=appt.id in online_flags)
        if location:
            stops.append(Stop(appointment=appt, place=places.resolve(location)))
    return sorted(stops, key=lambda s: (s.appointment.start, s.appointment.end, s.appointment.id))


def _legs(stops: Sequence[Stop], start_place: Place, end_place: Place) -> list[Leg]:
    legs: list[Leg] = []
    here = start_place
    previous: Appointment | None = None
    for stop in stops:
        appt = stop.appointment
        if not same_place(here, stop.place):
            legs.append(Leg(
                key=travel_key(appt, "to"), kind="to", origin=here, destination=stop.place, anchor=appt,
                category=billable_category(appt),
                depart_at=previous.end if previous else None, arrive_by=None if previous else appt.start,
                previous=previous, following=appt,
            ))
        here, previous = stop.place, appt
    if previous is not None and not same_place(here, end_place):
        legs.append(Leg(
            key=travel_key(previous, "back"), kind="back", origin=here, destination=end_place, anchor=previous,
            category=billable_category(previous), depart_at=previous.end, previous=previous,
        ))
    return legs


def location_key(place: Place) -> str:
    """The routing identity of a place (what the cache and the routing service see)."""
    return normalized(place.route_address)
