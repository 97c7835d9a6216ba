from __future__ import annotations

import datetime as dt

from shared.domain.appointment import Appointment
from shared.domain.model_input import model_item
from shared.domain.suggestion_rules import RuleConditions, SuggestionRule
from shared.domain.suggestions import canonical_category, known_categories, needs_suggestion, suggestion_id
from tests.unit.domain.factories import all_day_event, appt

NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def test_only_appointments_without_a_valid_category_need_one() -> None:
    assert needs_suggestion(appt("a", "10:00", "11:00", categories=[]), [])
    assert needs_suggestion(appt("b", "10:00", "11:00", categories=["Invalid"]), [])
    assert not needs_suggestion(appt("c", "10:00", "11:00", categories=["Acme - billable"]), [])
    assert not needs_suggestion(appt("d", "10:00", "11:00", categories=[], isCancelled=True), [])
    assert not needs_suggestion(Appointment.from_graph(all_day_event("e", "Holiday", categories=[])), [])


def test_obviously_personal_appointments_get_none() -> None:
    dentist = SuggestionRule(id="abcdef12", user="u", position=0, category="personal",
                             conditions=RuleConditions(subject_words=["dentist"]), created_at=NOW)
    assert not needs_suggestion(appt("a", "10:00", "11:00", "Dentist", categories=[]), [dentist])
    made_private = appt("b", "10:00", "11:00", categories=[], sensitivity="private")
    assert not needs_suggestion(made_private, [])  # the user's own choice
    assert needs_suggestion(made_private, [], privatised_by_us={"b"})  # our privacy rule did it


def test_known_categories_are_valid_unique_master_first() -> None:
    known = known_categories(["Acme - billable", "Red category", "Online"], ["acme  - BILLABLE", "Globex - billable"])
    assert known == ["Acme - billable", "Online", "Globex - billable"]
    assert canonical_category("ACME - billable", known) == "Acme - billable"
    assert canonical_category("Evil Corp - billable", known) is None


def test_ids_are_stable_per_user_and_event() -> None:
    first = suggestion_id("U@x.example", "e1")
    assert first == suggestion_id("u@x.example", "e1") != suggestion_id("u@x.example", "e2")


def test_the_model_item_holds_no_names_addresses_or_body() -> None:
    a = appt("a", "09:07", "09:52", "Sync with Jane Doe jane@acme.com", categories=[],
             body={"contentType": "text", "content": "secret body"},
             attendees=[{"emailAddress": {"name": "Jane Doe", "address": "jane@acme.com"}, "type": "required"}],
             location={"displayName": "Call +1 555 123 4567"})
    item = model_item(a, "1", "Europe/Amsterdam")
    text = item.model_dump_json()
    for leaked in ("Jane", "Doe", "jane@", "secret body", "555"):
        assert leaked not in text
    assert (item.subject, item.attendee_domains, item.duration_minutes, item.time_of_day) == (
        "Sync with", ["acme.com"], 45, "10:00")
