"""The suggestion and rule routes as a flow calls them: rules CRUD, list, accept (category on the appointment and its
archive copy, sensitivity restored), reject, deciding twice, bad input and unknown ids; and an archive run's result
listing the suggestions for its day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from devtools.graph_simulator import GraphSimulator
from shared.bootstrap import Container
from shared.domain.extended_properties import SOURCE_EVENT_PROPERTY_ID
from shared.services.suggestion_ports import SuggestionRun
from shared.storage.models import PrivacyChangeRecord
from tests.e2e.api.archive_flow import wait_for_archive
from tests.e2e.api.conftest import Call, assert_problem
from tests.factories import graph_event

CATEGORY = "Acme Corp - billable"
OTHER = "Globex - non-billable"
YESTERDAY = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
RULE = {"category": CATEGORY, "conditions": {"subject_words": ["acme"]}}


@pytest.fixture
def user(graph: GraphSimulator, deps: Container, mailbox: str) -> str:
    """A mailbox with two valid master categories and an Archive calendar."""
    graph.add_user(mailbox)
    for name in (CATEGORY, OTHER):
        deps.master_categories.create(mailbox, name)
    graph.add_calendar(mailbox, "Archive")
    return mailbox


def _uncategorised(graph: GraphSimulator, user: str, subject: str, **extra: Any) -> dict[str, Any]:
    return graph.add_event(user, graph_event(YESTERDAY, "10:00", "10:30", subject, categories=[], **extra))


def _suggest(deps: Container, user: str) -> SuggestionRun:
    return deps.suggestion_days.suggest(user, YESTERDAY.isoformat())


def test_rules_are_created_read_replaced_and_deleted(call: Call, user: str) -> None:
    created = call("POST", "rules", json={"user": user, **RULE})

    assert created.status_code == 201, created.text
    rule = created.json()
    assert (rule["category"], rule["conditions"]["subject_words"], rule["position"]) == (CATEGORY, ["acme"], 0)
    assert call("GET", f"rules/{rule['id']}", params={"user": user}).json() == rule
    replaced = call("PUT", f"rules/{rule['id']}", json={"user": user, "category": OTHER.lower(),
                                                         "conditions": {"attendee_domains": ["globex.com"]}})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["category"] == OTHER  # the master category's spelling
    assert [r["id"] for r in call("GET", "rules", params={"user": user}).json()["items"]] == [rule["id"]]
    assert call("DELETE", f"rules/{rule['id']}", params={"user": user}).status_code == 204
    assert_problem(call("GET", f"rules/{rule['id']}", params={"user": user}), 404)
    assert call("GET", "rules", params={"user": user}).json()["items"] == []
    audit = call("GET", "audit", params={"user": "api", "action": "rules"}).json()["items"]
    assert {"create", "update", "delete"} <= {row["operation"] for row in audit}


@pytest.mark.parametrize(("body", "field"), [
    ({"category": CATEGORY, "conditions": {}}, "conditions"),  # no specific condition
    ({"category": "Not known - billable", "conditions": {"subject_words": ["x"]}}, "category"),
    ({"category": CATEGORY, "conditions": {"subject_words": ["two words"]}}, "conditions.subject_words"),
    ({"category": CATEGORY, "conditions": {"subject_words": ["x"]}, "colour": "red"}, "colour"),
    ({"category": CATEGORY, "conditions": {"subject_words": ["x"]}, "position": "1"}, "position"),
])
def test_bad_rules_are_refused_naming_the_field(call: Call, user: str, body: dict[str, Any], field: str) -> None:
    assert_problem(call("POST", "rules", json={"user": user, **body}), 400, field)


def test_a_suggestion_is_listed_accepted_once_and_written_to_both_events(
    call: Call, user: str, graph: GraphSimulator, deps: Container
) -> None:
    assert call("POST", "rules", json={"user": user, **RULE}).status_code == 201
    source = _uncategorised(graph, user, "Acme roadmap", sensitivity="private")
    archive_id = next(c["id"] for c in graph.calendars(user) if c["name"] == "Archive")
    copy = graph.add_event(user, {**graph_event(YESTERDAY, "10:00", "10:30", "Acme roadmap", categories=[]),
                                  "sensitivity": "private", "singleValueExtendedProperties": [
                                      {"id": SOURCE_EVENT_PROPERTY_ID, "value": source["id"]}]}, archive_id)
    # Our privacy rule made it private because it had no category: accepting a category undoes that.
    deps.privacy_log.record(PrivacyChangeRecord(user=user, event_id=source["id"], subject="Acme roadmap",
                                                old="normal", new="private", changed_by="archive"))

    [shown] = _suggest(deps, user).suggestions
    listed = call("GET", "suggestions", params={"user": user, "from": YESTERDAY.isoformat(), "status": "open"})
    assert [(s["id"], s["category"], s["source"]) for s in listed.json()["items"]] == [(shown.id, CATEGORY, "rule")]
    accepted = call("POST", f"suggestions/{shown.id}/accept", json={},
                    headers={"x-ms-client-principal-name": "ann@contoso.com"})

    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["sensitivity_restored"] == "normal" and accepted.json()["archive_copy_updated"]
    for event_id in (source["id"], copy["id"]):
        event = graph.event(user, event_id)
        assert (event["categories"], event["sensitivity"]) == ([CATEGORY], "normal")
    assert_problem(call("POST", f"suggestions/{shown.id}/accept"), 409)
    assert_problem(call("POST", f"suggestions/{shown.id}/reject"), 409)
    assert call("GET", "suggestions", params={"user": user, "status": "open"}).json()["items"] == []
    audit = call("GET", "audit", params={"user": "ann@contoso.com", "action": "suggestions"}).json()["items"]
    assert [row["operation"] for row in audit] == ["accept"]


def test_a_rejected_suggestion_leaves_the_calendar_alone(
    call: Call, user: str, graph: GraphSimulator, deps: Container
) -> None:
    call("POST", "rules", json={"user": user, **RULE})
    source = _uncategorised(graph, user, "Acme weekly")
    [shown] = _suggest(deps, user).suggestions

    rejected = call("POST", f"suggestions/{shown.id}/reject")

    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected", rejected.text
    assert graph.event(user, source["id"])["categories"] == []
    assert_problem(call("POST", f"suggestions/{shown.id}/reject"), 409)
    assert [s["status"] for s in call("GET", "suggestions", params={"user": user}).json()["items"]] == ["rejected"]


def test_an_accepted_correction_must_be_known_and_can_become_a_rule(
    call: Call, user: str, graph: GraphSimulator, deps: Container
) -> None:
    call("POST", "rules", json={"user": user, **RULE})
    source = _uncategorised(graph, user, "Acme kickoff")
    [shown] = _suggest(deps, user).suggestions

    assert_problem(call("POST", f"suggestions/{shown.id}/accept", json={"category": "Nobody - billable"}), 400,
                   "category")
    accepted = call("POST", f"suggestions/{shown.id}/accept", json={"category": OTHER, "remember": True})

    assert accepted.status_code == 200, accepted.text
    assert graph.event(user, source["id"])["categories"] == [OTHER]
    rules = call("GET", "rules", params={"user": user}).json()["items"]
    assert accepted.json()["rule_id"] in [r["id"] for r in rules]


@pytest.mark.parametrize(("method", "path", "body", "field"), [
    ("POST", "suggestions/{id}/accept", {"categry": CATEGORY}, "categry"),
    ("POST", "suggestions/{id}/accept", {"remember": "yes"}, "remember"),
    ("POST", "suggestions/not-an-id/accept", None, "id"),
    ("GET", "suggestions?user=nobody", None, "user"),
    ("GET", "suggestions?user=a@b.c&status=maybe", None, "status"),
    ("GET", "suggestions?user=a@b.c&from=2026-12-02&to=2026-12-01", None, "to"),
])
def test_bad_input_is_refused_naming_the_field(
    call: Call, user: str, graph: GraphSimulator, deps: Container, method: str, path: str,
    body: dict[str, Any] | None, field: str,
) -> None:
    call("POST", "rules", json={"user": user, **RULE})
    _uncategorised(graph, user, "Acme sync")
    [shown] = _suggest(deps, user).suggestions

    assert_problem(call(method, path.format(id=shown.id), json=body), 400, field)


def test_unknown_ids_are_not_found(call: Call, user: str) -> None:
    assert_problem(call("POST", f"suggestions/{'0' * 24}/accept"), 404)
    assert_problem(call("POST", f"suggestions/{'0' * 24}/reject"), 404)
    assert_problem(call("GET", f"rules/{'a' * 16}", params={"user": user}), 404)
    assert_problem(call("PUT", f"rules/{'a' * 16}", json={"user": user, **RULE}), 404)
    assert_problem(call("DELETE", f"rules/{'a' * 16}", params={"user": user}), 404)


def test_an_archive_run_lists_the_days_suggestions(
    call: Call, api: str, user: str, graph: GraphSimulator
) -> None:
    call("POST", "rules", json={"user": user, **RULE})
    _uncategorised(graph, user, "Acme planning")
    graph.add_event(user, graph_event(YESTERDAY, "12:00", "12:30", "Globex review", categories=[OTHER]))

    started = call("POST", "archive", json={"user": user, "date": YESTERDAY.isoformat()})
    status = wait_for_archive(api, started.json()["id"])

    assert status["runtimeStatus"] == "Completed", status
    issues = status["output"]["issues"]
    assert f"{YESTERDAY.isoformat()}: suggestion: Acme planning → {CATEGORY} (rule, 1.00)" in issues, issues
    listed = call("GET", "suggestions", params={"user": user}).json()["items"]
    assert [(s["subject"], s["category"]) for s in listed] == [("Acme planning", CATEGORY)]
