"""`python -m shared places ...` and `travel`, against the Graph simulator, the Routes simulator and Azurite."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from devtools.graph_simulator import GraphSimulator
from devtools.routes_simulator import RoutesSimulator
from shared.bootstrap import container, reset_container
from tests.e2e.travel.conftest import CONTOSO, DAY, site_visit, travel_events
from tests.factories import graph_event
from tests.stack import CliRun

Cli = Callable[..., CliRun]
TRIP_FIELDS = {"subject", "start", "end", "from", "to", "minutes", "estimated", "category"}


def test_places_are_set_added_listed_and_removed(travel_app: RoutesSimulator, graph_sim: GraphSimulator,
                                                 cli: Cli) -> None:
    user = "places-cli@contoso.example"
    assert cli("places", "set", "--user", user, "--home", "1 Home Street, Reading").code == 0
    assert cli("places", "set", "--user", user, "--office", "[bold]Office[/bold] Park").code == 0
    added = cli("places", "add", "--user", user, "--name", "Fabrikam Plant", "--address", "Fabrikam, Bracknell",
                "--alias", "Fabrikam", "--alias", "The plant")
    assert added.code == 0, added.stderr

    listed = cli("places", "list", "--user", user, "--json")
    table = cli("places", "list", "--user", user)
    removed = cli("places", "remove", "--user", user, "--name", "Fabrikam Plant")
    again = cli("places", "remove", "--user", user, "--name", "Fabrikam Plant")

    assert [(p["name"], p["kind"], p["address"], p["aliases"]) for p in listed.json()["places"]] == [
        ("Home", "home", "1 Home Street, Reading", []), ("Office", "office", "[bold]Office[/bold] Park", []),
        ("Fabrikam Plant", "named", "Fabrikam, Bracknell", ["Fabrikam", "The plant"])]
    assert "[bold]Office[/bold] Park" in table.stdout  # printed as text, never read as markup
    assert removed.code == 0 and again.code == 2 and again.stderr.count("\n") == 1 and "Fabrikam" in again.stderr


def test_places_refuse_bad_input_with_one_line(travel_app: RoutesSimulator, cli: Cli) -> None:
    nothing = cli("places", "set", "--user", "someone@contoso.example")
    bad_user = cli("places", "list", "--user", "not a mailbox")
    reserved = cli("places", "add", "--user", "someone@contoso.example", "--name", "home", "--address", "x")

    for run in (nothing, bad_user, reserved):
        assert run.code == 2 and run.stderr.count("\n") == 1 and run.stdout == "", run
    assert "home" in nothing.stderr and "name" in reserved.stderr


def test_travel_json_is_one_object_of_days_and_the_calendar_gets_the_trips(
        travel_app: RoutesSimulator, graph_sim: GraphSimulator, user: str, cli: Cli) -> None:
    graph_sim.add_event(user, site_visit())

    dry = cli("travel", "--user", user, "--date", DAY.isoformat(), "--dry-run", "--json")
    assert dry.code == 0, dry.stderr
    assert travel_events(graph_sim, user) == []
    run = cli("travel", "--user", user, "--date", DAY.isoformat(), "--json")

    assert run.code == 0, run.stderr
    assert run.stdout.count("\n") == 1
    document = run.json()
    assert set(document) == {"days"}
    [day] = document["days"]
    assert set(day) == {"day", "travel", "alerts", "oof_marked"} and day["day"] == DAY.isoformat()
    assert all(set(trip) == TRIP_FIELDS for trip in day["travel"])
    assert [(t["subject"], t["from"], t["to"], t["category"]) for t in day["travel"]] == [
        ("Travel to Contoso HQ", "Home", "Contoso HQ", CONTOSO), ("Travel to Home", "Contoso HQ", "Home", CONTOSO)]
    assert day["oof_marked"] == 1 and dry.json() == document
    assert [e["subject"] for e in travel_events(graph_sim, user)] == ["Travel to Contoso HQ", "Travel to Home"]


def test_a_refused_routing_key_exits_1_with_estimated_trips(
        travel_app: RoutesSimulator, graph_sim: GraphSimulator, user: str, cli: Cli,
        monkeypatch: pytest.MonkeyPatch) -> None:
    site = f"Site {uuid.uuid4().hex[:8]}, Slough"  # an address no earlier run has a cached time for
    container().place_admin.add_place(user, {"name": "New site", "address": site}, by="test")
    graph_sim.add_event(user, graph_event(DAY, "09:00", "10:00", "[red]Workshop[/red]",
                                          location={"displayName": "New site"}))
    monkeypatch.setenv("GOOGLE_MAPS_API_KEY", "not-the-key")
    reset_container()

    run = cli("travel", "--user", user, "--date", DAY.isoformat())

    assert run.code == 1
    assert "Travel to New site" in run.stdout and "estimated" in run.stdout
    assert "issue:" in run.stdout and "not-the-key" not in run.stdout + run.stderr


def test_travel_refuses_a_bad_date_with_one_line(travel_app: RoutesSimulator, user: str, cli: Cli) -> None:
    run = cli("travel", "--user", user, "--date", "the day after never")

    assert run.code == 2 and run.stdout == "" and run.stderr.count("\n") == 1 and "date" in run.stderr


def test_travel_settings_are_set_on_the_command_line(travel_app: RoutesSimulator, cli: Cli) -> None:
    user = "settings-cli@contoso.example"

    changed = cli("places", "set", "--user", user, "--no-out-of-office", "--default-minutes", "45",
                  "--timezone", "Europe/London")
    refused = cli("places", "set", "--user", user, "--default-minutes", "2")

    assert changed.code == 0, changed.stderr
    settings = cli("places", "list", "--user", user, "--json").json()["settings"]
    assert (settings["out_of_office"], settings["default_minutes"], settings["timezone"]) == (False, 45,
                                                                                              "Europe/London")
    assert refused.code == 2 and refused.stderr.count("\n") == 1 and "default_minutes" in refused.stderr
