from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from shared.domain.suggestion_rules import (
    PERSONAL,
    RuleConditions,
    RuleDraft,
    SuggestionRule,
    describe,
    first_matching_rule,
)
from tests.unit.domain.factories import appt

NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def rule(rule_id: str, category: str, position: int = 0, **conditions: object) -> SuggestionRule:
    return SuggestionRule(id=rule_id, user="u@x.example", position=position, category=category,
                          conditions=RuleConditions.model_validate(conditions), created_at=NOW)


def meeting(subject: str = "Weekly sync", minutes_end: str = "10:30", **extra: Any):  # type: ignore[no-untyped-def]
    return appt("e1", "10:00", minutes_end, subject, categories=[], **extra)


def test_all_conditions_of_a_rule_must_hold() -> None:
    acme = rule("aaaaaaaa", "Acme - billable", subject_words=["sync"],
                attendee_domains=["ACME.com"], max_minutes=60)
    attendees = [{"emailAddress": {"name": "Jo", "address": "jo@acme.com"}, "type": "required"}]
    assert first_matching_rule([acme], meeting(attendees=attendees)) == acme
    assert first_matching_rule([acme], meeting()) is None  # no acme.com attendee
    assert first_matching_rule([acme], meeting(minutes_end="11:30", attendees=attendees)) is None  # too long
    assert first_matching_rule([acme], meeting("Synchronise", attendees=attendees)) is None  # whole words only


def test_rules_apply_in_order() -> None:
    late = rule("bbbbbbbb", "Globex - billable", position=2, subject_words=["sync"])
    early = rule("cccccccc", "Acme - billable", position=1, subject_words=["weekly"])
    assert first_matching_rule([late, early], meeting()) == early


def test_organizer_domain_and_location_words() -> None:
    r = rule("dddddddd", "Acme - billable", organizer_domains=["acme.com"], location_words=["HQ"])
    found = meeting(organizer={"emailAddress": {"name": "A", "address": "a@acme.com"}},
                    location={"displayName": "Acme hq, room 4"})
    assert first_matching_rule([r], found) == r


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": "Acme - billable", "conditions": {}}, "conditions"),
        ({"category": "Acme - billable", "conditions": {"min_minutes": 0}}, "conditions"),
        ({"category": "Acme", "conditions": {"subject_words": ["x"]}}, "category"),
        ({"category": "Acme - billable", "conditions": {"subject_words": ["two words"]}}, "subject_words"),
        ({"category": "Acme - billable", "conditions": {"attendee_domains": ["not a domain"]}}, "attendee_domains"),
        ({"category": "Acme - billable", "conditions": {"min_minutes": 60, "max_minutes": 30}}, "conditions"),
        ({"category": "Acme - billable", "conditions": {"subject_words": ["x"], "colour": "red"}}, "colour"),
    ],
)
def test_bad_rules_are_refused_naming_the_field(body: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        RuleDraft.model_validate(body)
    assert field in str(caught.value)


def test_personal_target_and_description() -> None:
    draft = RuleDraft.model_validate({"category": "Personal", "conditions": {"subject_words": ["dentist"]}})
    assert draft.category == PERSONAL
    text = describe(rule("eeeeeeee", "Acme - billable", subject_words=["sync"], max_minutes=60))
    assert text == 'subject has "sync"; duration 0-60 min → Acme - billable'
