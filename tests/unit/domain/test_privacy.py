from __future__ import annotations

import pytest

from shared.domain.privacy import PrivacyChange, is_travel, privacy_change, privacy_target

from .factories import appt


@pytest.mark.parametrize(
    ("subject", "travel"),
    [
        ("Travel to client", True),
        ("Drive to Leeds", True),
        ("driving home", True),
        ("Flight LHR-JFK", True),
        ("Flying back", True),
        ("Commute", True),
        ("commuting", True),
        ("Transit via Dubai", True),
        ("Journey home", True),
        ("Trip to Berlin", True),
        ("Departure 07:10", True),
        ("Arrival lounge", True),
        ("Airport pickup", True),
        ("Travel-time buffer", True),
        ("Strip the old server", False),
        ("Router upgrade", False),
        ("Presentation rehearsal", False),
        ("Tripod setup", False),
        ("Travelling salesman talk", False),
        ("Client meeting", False),
        ("", False),
        (None, False),
    ],
)
def test_travel_is_matched_as_whole_words(subject: str | None, travel: bool) -> None:
    assert is_travel(subject) is travel


@pytest.mark.parametrize(
    ("subject", "categories", "sensitivity", "target"),
    [
        ("Dentist", [], "normal", "private"),
        ("Dentist", [], "private", None),
        ("Dentist", [], "personal", "private"),
        ("Dentist", [], "confidential", "private"),
        ("Client meeting", ["Acme - billable"], "normal", None),
        # Never un-mark: a private work appointment stays private (no change proposed either way).
        ("Client meeting", ["Acme - billable"], "private", None),
        ("Flight to client", ["Acme - billable"], "normal", "private"),
        ("Team sync", ["Online"], "normal", None),
        ("Admin", ["Admin - non-billable"], "normal", None),
        ("Odd", ["Invalid Category"], "normal", None),
    ],
)
def test_privacy_target(subject: str, categories: list[str], sensitivity: str, target: str | None) -> None:
    appointment = appt("evt-1", "09:00", "10:00", subject, categories=categories, sensitivity=sensitivity)
    assert privacy_target(appointment) == target


def test_privacy_change_records_old_and_new() -> None:
    appointment = appt("evt-1", "09:00", "10:00", "Dentist", categories=[])
    assert privacy_change(appointment) == PrivacyChange(
        event_id="evt-1", subject="Dentist", old="normal", new="private"
    )
    assert privacy_change(appointment.model_copy(update={"sensitivity": "private"})) is None
