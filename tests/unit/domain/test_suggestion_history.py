from __future__ import annotations

import datetime as dt
from typing import Any

from shared.domain.history import history_answer, normalise_subject
from tests.unit.domain.factories import appt

NOW = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
ACME = [{"emailAddress": {"name": "Jo", "address": "jo@acme.com"}, "type": "required"}]


def past(event_id: str, days_ago: int, subject: str, categories: list[str], **extra: Any):  # type: ignore[no-untyped-def]
    a = appt(event_id, "10:00", "10:30", subject, categories=categories, **extra)
    shift = (a.start - (NOW - dt.timedelta(days=days_ago)))
    return a.model_copy(update={"start": a.start - shift, "end": a.end - shift})


def test_subjects_are_normalised() -> None:
    assert normalise_subject("RE: Fwd:  Weekly   SYNC!!") == "weekly sync"


def test_same_subject_and_domains_give_the_share_as_confidence() -> None:
    new = appt("new", "10:00", "10:30", "Weekly sync", categories=[], attendees=ACME)
    history = [
        past("p1", 7, "Weekly sync", ["Acme - billable"], attendees=ACME),
        past("p2", 14, "weekly sync", ["Acme - billable"], attendees=ACME),
        past("p3", 21, "Weekly Sync", ["Globex - billable"], attendees=ACME),
        past("p4", 28, "Weekly sync", [], attendees=ACME),
        past("other", 7, "Weekly sync", ["Initech - billable"]),  # other domains: not the same meeting
        past("old", 95, "Weekly sync", ["Initech - billable"], attendees=ACME),  # older than 90 days
    ]
    answer = history_answer(new, history, NOW)
    assert answer is not None
    assert (answer.category, answer.confidence, answer.occurrences, answer.by_series) == ("Acme - billable", 0.5, 4,
                                                                                          False)


def test_the_series_wins_over_the_subject() -> None:
    new = appt("new", "10:00", "10:30", "Renamed sync", categories=[], seriesMasterId="S1")
    history = [past("p1", 7, "Old name", ["Acme - billable"], seriesMasterId="S1"),
               past("p2", 8, "Renamed sync", ["Globex - billable"])]
    answer = history_answer(new, history, NOW)
    assert answer is not None and answer.category == "Acme - billable" and answer.by_series


def test_nothing_similar_or_no_valid_category_means_no_answer() -> None:
    new = appt("new", "10:00", "10:30", "Weekly sync", categories=[])
    assert history_answer(new, [past("p1", 3, "Something else", ["Acme - billable"])], NOW) is None
    assert history_answer(new, [past("p1", 3, "Weekly sync", ["Invalid"])], NOW) is None
