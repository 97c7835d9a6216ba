"""Which appointments must be private: personal ones (no categories) and travel."""

from __future__ import annotations

import re

from pydantic import BaseModel

from shared.domain.appointment import Appointment

PRIVATE = "private"

TRAVEL_WORDS = (
    "travel",
    "drive",
    "driving",
    "flight",
    "flying",
    "commute",
    "commuting",
    "transit",
    "journey",
    "trip",
    "departure",
    "arrival",
    "airport",
)
# Whole words only: substrings would match "strip", "router" or "presentation".
_TRAVEL = re.compile(r"\b(?:" + "|".join(TRAVEL_WORDS) + r")\b", re.IGNORECASE)


class PrivacyChange(BaseModel):
    event_id: str
    subject: str
    old: str
    new: str


def is_travel(subject: str | None) -> bool:
    return bool(subject) and _TRAVEL.search(subject or "") is not None


def privacy_target(appt: Appointment) -> str | None:
    """The sensitivity to set ("private") when the appointment must be private and is not yet, else None.

    Never un-marks anything.

    Only `private` hides details from delegates and shared-calendar viewers, so `personal` and `confidential`
    appointments that must be private are still changed.
    """
    if appt.sensitivity == PRIVATE:
        return None
    if not appt.categories or is_travel(appt.subject):
        return PRIVATE
    return None


def privacy_change(appt: Appointment) -> PrivacyChange | None:
    target = privacy_target(appt)
    if target is None:
        return None
    return PrivacyChange(event_id=appt.id, subject=appt.subject, old=appt.sensitivity, new=target)
