"""Whether an appointment happens somewhere you must travel to (a physical location) or online."""

from __future__ import annotations

import re

from shared.domain.appointment import Appointment
from shared.domain.categories import ONLINE

# Meeting links people paste into the location field instead of a place.
_MEETING_LINK = re.compile(
    r"(teams\.microsoft\.com|teams\.live\.com|\bzoom\.us\b|\.zoom\.us|meet\.google\.com|\.webex\.com|"
    r"\bmicrosoft teams meeting\b|\bzoom meeting\b|\bgoogle meet\b|\bwebex\b)",
    re.IGNORECASE,
)


def is_meeting_link(location: str) -> bool:
    return _MEETING_LINK.search(location) is not None


def is_online(appt: Appointment, *, online_meeting_flag: bool = False) -> bool:
    """Online meeting flag or join URL, a meeting link as location, the `Online` category, or no location at all."""
    if online_meeting_flag or appt.online_meeting_url:
        return True
    if any(c.strip().casefold() == ONLINE.casefold() for c in appt.categories):
        return True
    location = appt.location.strip()
    return not location or is_meeting_link(location)


def physical_location(appt: Appointment, *, online_meeting_flag: bool = False) -> str | None:
    """The location text to travel to, or None for online (or location-less) appointments."""
    if is_online(appt, online_meeting_flag=online_meeting_flag):
        return None
    return appt.location.strip()
