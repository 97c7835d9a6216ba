"""The places and travel routes as a flow calls them: places CRUD, planning a day (dry run and for real), gap alerts,
bad input naming the field and an unknown place. No routing key is configured here: trips take the user's default."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from devtools.graph_simulator import GraphSimulator
from tests.e2e.api.conftest import Call, assert_problem
from tests.factories import graph_event

DAY = dt.date(2030, 1, 7)
CONTOSO = "Contoso - billable"


@pytest.fixture
def user(graph: GraphSimulator, call: Call, mailbox: str) -> str:
    graph.add_user(mailbox)
    assert call("PUT", "places/home", json={"user": mailbox, "address": "1 Home Street, Reading"}).status_code == 200
    assert call("PUT", "places/office", json={"user": mailbox, "address": "10 Thames Valley Park, Reading",
                                              "aliases": ["TVP"]}).status_code == 200
    added = call("POST", "places", json={"user": mailbox, "name": "Contoso HQ", "address": "Contoso HQ, Slough",
                                         "aliases": ["Contoso Slough"]})
    assert added.status_code == 201, added.text
    return mailbox


def _meeting(start: str, end: str, subject: str, location: str) -> dict[str, Any]:
    return graph_event(DAY, start, end, subject, categories=[CONTOSO], location={"displayName": location})


def test_places_are_listed_replaced_and_removed(call: Call, user: str) -> None:
    listed = call("GET", "places", params={"user": user})

    assert listed.status_code == 200, listed.text
    assert [(p["name"], p["kind"], p["aliases"]) for p in listed.json()["places"]] == [
        ("Home", "home", []), ("Office", "office", ["TVP"]), ("Contoso HQ", "named", ["Contoso Slough"])]
    assert listed.json()["settings"]["default_minutes"] == 30
    assert call("DELETE", "places/Contoso HQ", params={"user": user}).status_code == 204
    assert [p["name"] for p in call("GET", "places", params={"user": user}).json()["places"]] == ["Home", "Office"]
    assert_problem(call("DELETE", "places/Contoso HQ", params={"user": user}), 404)


def test_bad_input_names_the_field(call: Call, user: str) -> None:
    assert_problem(call("PUT", "places/home", json={"user": user}), 400, "address")
    assert_problem(call("PUT", "places/office", json={"user": user, "address": "x", "extra": 1}), 400, "extra")
    assert_problem(call("POST", "places", json={"user": user, "name": "Elsewhere", "address": "TVP Reading",
                                                "aliases": ["tvp"]}), 400, "aliases")
    assert_problem(call("POST", "travel/plan", json={"user": "not a mailbox"}), 400, "user")
    assert_problem(call("POST", "travel/plan", json={"user": user, "date": "the day after never"}), 400, "date")
    assert_problem(call("POST", "travel/plan", json={"user": user, "dry_run": "yes"}), 400, "dry_run")
    assert_problem(call("GET", "travel/alerts", params={"user": user, "from": "2030-01-08", "to": "2030-01-07"}),
                   400, "to")
    assert_problem(call("GET", "places"), 400, "user")


def test_a_day_is_planned_and_its_gap_alert_listed(call: Call, graph: GraphSimulator, user: str) -> None:
    graph.add_event(user, _meeting("09:00", "10:00", "Workshop", "Contoso HQ"))
    graph.add_event(user, _meeting("10:10", "11:00", "Team sync", "Office"))  # 30 minutes needed, 10 there

    dry = call("POST", "travel/plan", json={"user": user, "date": DAY.isoformat(), "dry_run": True})
    assert dry.status_code == 200, dry.text
    assert not [e for e in graph.events(user) if e["subject"].startswith("Travel to")]
    planned = call("POST", "travel/plan", json={"user": user, "date": DAY.isoformat()})
    alerts = call("GET", "travel/alerts", params={"user": user, "from": DAY.isoformat(), "to": DAY.isoformat()})

    assert planned.status_code == 200, planned.text
    run = planned.json()
    assert (run["user"], run["dry_run"], dry.json()["dry_run"]) == (user, False, True)
    [day] = run["days"]
    assert [(t["subject"], t["from"], t["to"], t["minutes"], t["estimated"]) for t in day["travel"]] == [
        ("Travel to Contoso HQ", "Home", "Contoso HQ", 30, True),
        ("Travel to Office", "Contoso HQ", "Office", 30, True), ("Travel to Home", "Office", "Home", 30, True)]
    assert day["created"] == 3 and dry.json()["days"][0]["created"] == 3
    assert alerts.status_code == 200, alerts.text
    [alert] = alerts.json()["items"]
    assert (alert["before"], alert["after"], alert["needed_minutes"], alert["available_minutes"]) == (
        "Workshop", "Team sync", 30, 10)
    assert day["alerts"] == alerts.json()["items"]
