"""`python -m shared suggest` and `rules`, and the archive with the model failing, against the Graph simulator,
Azurite and the OpenAI simulator (configured through the settings, as in production)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from devtools.graph_simulator import GraphSimulator
from devtools.openai_simulator import OpenAISimulator
from devtools.openai_simulator.pytest_plugin import openai_sim  # noqa: F401
from shared.bootstrap import container
from tests.factories import graph_event
from tests.stack import CliRun, app_pointed_at

CATEGORY = "Acme Corp - billable"
OTHER = "Globex - non-billable"
TODAY = dt.datetime.now(dt.UTC).date()
YESTERDAY = TODAY - dt.timedelta(days=1)
ATTENDEES = [{"type": "required", "emailAddress": {"name": "Lee Gu", "address": "lee@acme.example"}}]

Cli = Callable[..., CliRun]


@pytest.fixture
def user(stack: GraphSimulator) -> str:
    """A mailbox of its own (rows, cache and daily cap of other tests never match), with two master categories."""
    mailbox = f"user-{uuid.uuid4().hex[:10]}@contoso.example"
    stack.add_user(mailbox)
    for name in (CATEGORY, OTHER):
        container().master_categories.create(mailbox, name)
    return mailbox


@pytest.fixture
def model_on(openai_sim: OpenAISimulator, stack: GraphSimulator, storage_connection_string: str,  # noqa: F811
             monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAISimulator]:
    with app_pointed_at(monkeypatch, storage_connection_string, stack.base_url, OPENAI_BASE_URL=openai_sim.base_url,
                        OPENAI_API_KEY="sk-sim"):
        yield openai_sim


def _add(graph: GraphSimulator, user: str, day: dt.date, subject: str, **extra: Any) -> dict[str, Any]:
    return graph.add_event(user, graph_event(day, "10:00", "10:30", subject, **extra))


def _suggest(cli: Cli, user: str, *options: str) -> dict[str, Any]:
    run = cli("suggest", "--user", user, "--json", *options)
    assert run.code == 0, run.stderr
    assert run.stdout.count("\n") == 1, run.stdout  # exactly one JSON object
    document = run.json()
    assert set(document) == {"model", "suggestions", "issues"}, document
    for item in document["suggestions"]:
        assert set(item) == {"id", "event_id", "subject", "category", "source", "confidence", "reason"}, item
    return document


def test_without_a_model_the_run_says_off_and_rules_still_answer(stack: GraphSimulator, cli: Cli, user: str) -> None:
    added = cli("rules", "add", "--user", user, "--category", CATEGORY, "--subject-word", "acme")
    assert added.code == 0, added.stderr
    event = _add(stack, user, YESTERDAY, "Acme roadmap", categories=[])
    _add(stack, user, YESTERDAY, "Dentist", categories=[], sensitivity="private")  # the user's own: left alone

    document = _suggest(cli, user)

    assert document["model"] == "off"
    assert [(s["event_id"], s["category"], s["source"]) for s in document["suggestions"]] == [
        (event["id"], CATEGORY, "rule")]
    assert stack.event(user, event["id"])["categories"] == []  # nothing written to the calendar


def test_the_model_answers_through_the_configured_endpoint(model_on: OpenAISimulator, stack: GraphSimulator,
                                                           cli: Cli, user: str) -> None:
    model_on.set_keywords({"globex": OTHER})
    _add(stack, user, YESTERDAY, "Globex quarterly", categories=[])

    document = _suggest(cli, user)

    assert document["model"] == "on"
    assert [(s["category"], s["source"]) for s in document["suggestions"]] == [(OTHER, "model")]
    assert all(r.status == 200 for r in model_on.requests) and model_on.requests


def test_history_is_read_from_the_source_calendar(stack: GraphSimulator, cli: Cli, user: str) -> None:
    """Archive copies keep neither attendees nor the series: the same meeting is recognised on the appointments."""
    for days_ago in (8, 15):
        _add(stack, user, TODAY - dt.timedelta(days=days_ago), "RE: Acme steering", attendees=ATTENDEES,
             categories=[CATEGORY])
    _add(stack, user, TODAY - dt.timedelta(days=9), "Acme steering", categories=[OTHER])  # other people: no match
    event = _add(stack, user, YESTERDAY, "Acme steering", attendees=ATTENDEES, categories=[])

    [suggestion] = _suggest(cli, user)["suggestions"]

    assert (suggestion["event_id"], suggestion["category"], suggestion["source"]) == (event["id"], CATEGORY,
                                                                                      "history")
    assert suggestion["confidence"] == 1.0 and "same subject and attendee domains" in suggestion["reason"]


def test_a_series_is_recognised_in_the_source_calendar(stack: GraphSimulator, cli: Cli, user: str) -> None:
    first = YESTERDAY - dt.timedelta(days=14)
    moved = [{"originalStart": day.isoformat(), "subject": "Weekly (moved)", "categories": [OTHER],
              "start": {"dateTime": f"{day.isoformat()}T11:00:00", "timeZone": "UTC"},
              "end": {"dateTime": f"{day.isoformat()}T11:30:00", "timeZone": "UTC"}}
             for day in (first, first + dt.timedelta(days=7))]
    recurrence = {"pattern": {"type": "weekly", "interval": 1, "daysOfWeek": [first.strftime("%A").lower()]},
                  "range": {"type": "endDate", "startDate": first.isoformat(), "endDate": YESTERDAY.isoformat()}}
    master = _add(stack, user, first, "Weekly", categories=[], recurrence=recurrence, exceptionOccurrences=moved)

    [suggestion] = _suggest(cli, user)["suggestions"]

    # Only the series ties yesterday's "Weekly" to the two moved (and categorised) occurrences.
    assert (suggestion["subject"], suggestion["category"], suggestion["source"]) == ("Weekly", OTHER, "history")
    assert "same series: 2 of 2" in suggestion["reason"]
    assert stack.event(user, master["id"])["categories"] == []


def test_rules_are_listed_and_removed(stack: GraphSimulator, cli: Cli, user: str) -> None:
    assert cli("rules", "add", "--user", user, "--category", OTHER, "--attendee-domain", "globex.example",
               "--min-minutes", "15").code == 0
    [rule] = cli("rules", "list", "--user", user, "--json").json_list()
    assert rule["conditions"]["attendee_domains"] == ["globex.example"] and rule["category"] == OTHER

    assert cli("rules", "remove", "--user", user, "--id", rule["id"]).code == 0
    assert cli("rules", "list", "--user", user, "--json").json_list() == []


@pytest.mark.parametrize(("args", "words"), [
    (["suggest", "--user", "nobody", "--json"], "user"),
    (["suggest", "--user", "{user}", "--date", "the other day"], "date"),
    (["rules", "add", "--user", "{user}", "--category", CATEGORY], "condition"),
    (["rules", "add", "--user", "{user}", "--category", "Unknown - billable", "--subject-word", "x"], "category"),
    (["rules", "remove", "--user", "{user}", "--id", "0000000000000000"], "no rule"),
])
def test_bad_input_is_one_line_and_exit_2(cli: Cli, user: str, args: list[str], words: str) -> None:
    run = cli(*[a.format(user=user) for a in args])

    assert run.code == 2, run.stdout
    assert len(run.stderr.strip().splitlines()) == 1 and words in run.stderr, run.stderr


@pytest.mark.parametrize("fault", ["server_error", "insufficient_quota"])
def test_the_archive_succeeds_when_the_model_fails(model_on: OpenAISimulator, stack: GraphSimulator, cli: Cli,
                                                   user: str, fault: Any) -> None:
    model_on.fail_next(fault, times=10)
    _add(stack, user, YESTERDAY, "Globex quarterly", categories=[])
    _add(stack, user, YESTERDAY, "Acme review", categories=[CATEGORY])

    run = cli("archive", "--user", user, "--date", YESTERDAY.isoformat(), "--json")

    assert run.code == 0, run.stderr
    result = run.json()
    assert (result["archived"], result["failed"]) == (2, 0), result
    assert any("the model is unavailable" in issue for issue in result["issues"]), result["issues"]



@pytest.mark.parametrize("fault", [None, "server_error"])
def test_a_created_appointment_gets_its_suggestion_live(model_on: OpenAISimulator, stack: GraphSimulator,
                                                        user: str, fault: Any) -> None:
    """As the notification worker calls the live rules; a failing model costs the live rules nothing."""
    from shared.services.notification_contracts import ChangeMessage

    if fault:
        model_on.fail_next(fault, times=10)
    model_on.set_keywords({"globex": OTHER})
    event = _add(stack, user, TODAY, "Globex onboarding", categories=[])
    deps = container()

    outcome = deps.live_rules.on_change(ChangeMessage(subscription_id="sub-1", user=user, change_type="created",
                                                      event_id=event["id"]))

    assert outcome.skipped is None and outcome.privacy_changed == [event["id"]]
    listed = deps.suggestions().list(user)
    assert [(s.event_id, s.category) for s in listed] == ([] if fault else [(event["id"], OTHER)])
