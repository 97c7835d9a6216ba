"""Legs plus durations → travel appointments (times, category, Show As, privacy) and gap alerts (pure)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from shared.domain.graph_time import format_graph_datetime
from shared.domain.travel import Leg, LegKind

# Fixed GUID (our property set) and a name of its own: travel appointments are not archive copies.
TRAVEL_KEY_PROPERTY_ID = "String {2f5c8f8e-3b4a-4c55-9d2a-6a1e0c2b7d41} Name AdminAssistantTravelKey"
# The id of the appointment a trip belongs to: a `deleted` notification names only that id, so the integrator finds
# the trip (and the day to re-plan) by it.
TRAVEL_ORIGIN_PROPERTY_ID = "String {2f5c8f8e-3b4a-4c55-9d2a-6a1e0c2b7d41} Name AdminAssistantTravelOrigin"
OOF = "oof"
PRIVATE = "private"
ROUND_TO_MINUTES = 5

DurationSource = Literal["traffic", "typical", "default"]


class LegDuration(BaseModel):
    model_config = ConfigDict(frozen=True)

    minutes: int
    source: DurationSource

    @property
    def estimated(self) -> bool:
        return self.source == "default"


def rounded_minutes(seconds: float) -> int:
    """Up to the next 5 minutes, never below 5: a trip is never shorter in the calendar than on the road."""
    minutes = math.ceil(max(seconds, 0.0) / 60)
    return max(ROUND_TO_MINUTES, math.ceil(minutes / ROUND_TO_MINUTES) * ROUND_TO_MINUTES)


class PlannedTravel(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    kind: LegKind
    subject: str
    start: datetime
    end: datetime
    origin: str
    destination: str
    minutes: int
    estimated: bool
    source: DurationSource
    category: str | None
    appointment_id: str

    def graph_body(self) -> dict[str, Any]:
        """The event as created: empty location, out of office, private, no reminder, keyed for re-plans."""
        return {**self.graph_patch(), "isReminderOn": False,
                "singleValueExtendedProperties": [{"id": TRAVEL_KEY_PROPERTY_ID, "value": self.key},
                                                  {"id": TRAVEL_ORIGIN_PROPERTY_ID, "value": self.appointment_id}]}

    def graph_patch(self) -> dict[str, Any]:
        note = f"From {self.origin} to {self.destination}: {self.minutes} minutes"
        return {
            "subject": self.subject,
            "start": format_graph_datetime(self.start),
            "end": format_graph_datetime(self.end),
            "categories": [self.category] if self.category else [],
            "location": {"displayName": ""},
            "showAs": OOF,
            "sensitivity": PRIVATE,
            "body": {"contentType": "text", "content": note + (" (estimated)" if self.estimated else "")},
        }


class TravelAlert(BaseModel):
    """Travel that does not fit between two appointments; nothing was moved."""

    model_config = ConfigDict(frozen=True)

    day: date
    key: str
    before_id: str
    before_subject: str
    after_id: str
    after_subject: str
    origin: str
    destination: str
    needed_minutes: int
    available_minutes: int

    @property
    def message(self) -> str:
        return (f"Travel from {self.origin} to {self.destination} needs {self.needed_minutes} min but only "
                f"{self.available_minutes} min lie between '{self.before_subject}' and '{self.after_subject}'")


def schedule(
    day: date, legs: Sequence[Leg], durations: Mapping[str, LegDuration]
) -> tuple[list[PlannedTravel], list[TravelAlert]]:
    """One travel appointment per leg; an alert wherever a trip between two appointments does not fit."""
    travel: list[PlannedTravel] = []
    alerts: list[TravelAlert] = []
    for leg in legs:
        duration = durations[leg.key]
        length = timedelta(minutes=duration.minutes)
        start = leg.depart_at if leg.depart_at is not None else _arrival(leg) - length
        travel.append(PlannedTravel(
            key=leg.key, kind=leg.kind, subject=leg.subject, start=start, end=start + length,
            origin=leg.origin.name, destination=leg.destination.name, minutes=duration.minutes,
            estimated=duration.estimated, source=duration.source, category=leg.category,
            appointment_id=leg.anchor.id,
        ))
        if leg.previous is not None and leg.following is not None:
            available = int((leg.following.start - leg.previous.end).total_seconds() // 60)
            if duration.minutes > available:
                alerts.append(TravelAlert(
                    day=day, key=leg.key, before_id=leg.previous.id, before_subject=leg.previous.subject,
                    after_id=leg.following.id, after_subject=leg.following.subject, origin=leg.origin.name,
                    destination=leg.destination.name, needed_minutes=duration.minutes,
                    available_minutes=max(available, 0),
                ))
    return travel, alerts


def _arrival(leg: Leg) -> datetime:
    assert leg.arrive_by is not None
    return leg.arrive_by
