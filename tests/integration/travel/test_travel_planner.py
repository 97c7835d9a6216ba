"""Planning travel into the calendar: Graph simulator, Routes simulator and Azurite, no mocks of our code."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared.domain.appointment import Appointment
from shared.domain.timesheet import build_timesheets
from shared.domain.timesheet_models import Period
from shared.domain.travel_schedule import TRAVEL_KEY_PROPERTY_ID
from tests.factories import graph_event
from tests.integration.travel.conftest import DAY, USER, Stack

CONTOSO = "Contoso - billable"
FABRIKAM = "Billable - Fabrikam"


def meeting(start: str, end: str, subject: str, location: str, categories: list[str] | None = None,
            day: dt.date = DAY, **extra: Any) -> dict[str, Any]:
    return graph_event(day, start, end, subject, categories=[CONTOSO] if categories is None else categories,
                       location={"displayName": location}, **extra)


def times(event: dict[str, Any]) -> tuple[str, str]:
    return event["start"]["dateTime"][11:16], event["end"]["dateTime"][11:16]


def seed_site_day(stack: Stack) -> tuple[dict[str, Any], dict[str, Any]]:
    a = stack.add(meeting("09:00", "10:00", "Workshop at Contoso", "Contoso HQ"))
    b = stack.add(meeting("11:00", "12:00", "Plant tour", "Fabrikam Plant, Bracknell", [FABRIKAM]))
    return a, b


def test_a_day_home_site_a_site_b_home_gets_three_private_out_of_office_trips(travel_stack: Stack) -> None:
    a, b = seed_site_day(travel_stack)

    run = travel_stack.planner.plan(USER, [DAY])

    travel = travel_stack.travel_events()
    assert [(e["subject"], times(e), e["categories"]) for e in travel] == [
        ("Travel to Contoso HQ", ("08:10", "09:00"), [CONTOSO]),  # 32 km at rush hour: 48 min → 50
        ("Travel to Fabrikam Plant", ("10:00", "10:30"), ["Fabrikam - billable"]),  # 22 km × 1.2: 27 min → 30
        ("Travel to Home", ("12:00", "12:25"), ["Fabrikam - billable"]),  # 18 km × 1.2: 22 min → 25
    ]
    assert all(e["showAs"] == "oof" and e["sensitivity"] == "private" for e in travel)
    assert all(e["location"]["displayName"] == "" for e in travel)
    dumped = run.model_dump(mode="json")["days"][0]
    assert dumped["travel"][0] | {"start": None, "end": None} == {
        "subject": "Travel to Contoso HQ", "start": None, "end": None, "from": "Home", "to": "Contoso HQ",
        "minutes": 50, "estimated": False, "category": CONTOSO}
    assert (dumped["created"], dumped["oof_marked"], dumped["alerts"]) == (3, 2, [])
    # Both meetings are away from home and office: out of office, and the old value recorded.
    assert {travel_stack.graph.event(USER, x["id"])["showAs"] for x in (a, b)} == {"oof"}
    records = travel_stack.show_as_log.for_user(USER)
    assert sorted((r.event_id, r.old, r.new) for r in records) == sorted(
        [(a["id"], "busy", "oof"), (b["id"], "busy", "oof")])
    entries = travel_stack.audit.query(USER, action="travel").items
    assert any(e.operation == "plan" and e.details["created"] == 3 for e in entries)


def test_online_meetings_and_same_place_neighbours_need_no_travel(travel_stack: Stack) -> None:
    travel_stack.add(meeting("09:00", "10:00", "Design", "Contoso HQ"))
    travel_stack.add(meeting("10:00", "10:30", "Stand-up", "Microsoft Teams Meeting"))
    travel_stack.add(meeting("10:30", "11:00", "Call", "", isOnlineMeeting=True,
                             onlineMeeting={"joinUrl": "https://teams.microsoft.com/l/meetup-join/x"}))
    travel_stack.add(meeting("11:00", "12:00", "Review", "contoso slough"))  # an alias of Contoso HQ

    travel_stack.planner.plan(USER, [DAY])

    assert [e["subject"] for e in travel_stack.travel_events()] == ["Travel to Contoso HQ", "Travel to Home"]
    assert times(travel_stack.travel_events()[1]) == ("12:00", "12:40")  # 32 km × 1.2: 38.4 min → 40


def test_replanning_moves_travel_in_place_a_rerun_changes_nothing_and_cancelling_removes_it(
    travel_stack: Stack,
) -> None:
    a, _ = seed_site_day(travel_stack)
    travel_stack.planner.plan(USER, [DAY])
    before = {e["subject"]: e["id"] for e in travel_stack.travel_events()}

    again = travel_stack.planner.plan(USER, [DAY])
    assert again.changed == 0 and again.days[0].unchanged == 3

    travel_stack.graph.update_event(USER, a["id"], {
        "start": {"dateTime": f"{DAY}T08:00:00", "timeZone": "UTC"},
        "end": {"dateTime": f"{DAY}T09:00:00", "timeZone": "UTC"}})
    moved = travel_stack.planner.plan(USER, [DAY])
    after = travel_stack.travel_events()
    assert {e["subject"]: e["id"] for e in after} == before  # updated in place, never duplicated
    assert times(after[0])[1] == "08:00" and times(after[1])[0] == "09:00"
    assert moved.days[0].updated == 2 and moved.days[0].created == 0

    travel_stack.graph.delete_event(USER, a["id"])
    travel_stack.planner.plan(USER, [DAY])
    assert [e["subject"] for e in travel_stack.travel_events()] == ["Travel to Fabrikam Plant", "Travel to Home"]
    keys = [p["value"] for e in travel_stack.graph.events(USER)
            for p in e.get("singleValueExtendedProperties", []) if p["id"] == TRAVEL_KEY_PROPERTY_ID]
    assert len(keys) == len(set(keys)) == 2


def test_a_cancelled_meeting_takes_its_travel_with_it(travel_stack: Stack) -> None:
    a = travel_stack.add(meeting("09:00", "10:00", "Workshop", "Contoso HQ"))
    travel_stack.planner.plan(USER, [DAY])
    travel_stack.graph.update_event(USER, a["id"], {"isCancelled": True})
    run = travel_stack.planner.plan(USER, [DAY])
    assert travel_stack.travel_events() == [] and run.days[0].deleted == 2


def test_travel_that_does_not_fit_is_an_alert_naming_both_and_nothing_moves(travel_stack: Stack) -> None:
    travel_stack.add(meeting("09:00", "10:00", "Workshop at Contoso", "Contoso HQ"))
    b = travel_stack.add(meeting("10:10", "11:00", "Plant tour", "Fabrikam Plant"))

    run = travel_stack.planner.plan(USER, [DAY])

    [alert] = run.days[0].alerts
    assert (alert.before, alert.after, alert.needed_minutes, alert.available_minutes) == (
        "Workshop at Contoso", "Plant tour", 30, 10)
    assert times(travel_stack.graph.event(USER, b["id"])) == ("10:10", "11:00")
    stored = travel_stack.planner.list_alerts(USER, DAY, DAY)
    assert [a.message for a in stored] == [alert.message]


def test_one_routing_call_per_distinct_origin_destination_and_hour_then_none(travel_stack: Stack) -> None:
    seed_site_day(travel_stack)
    next_week = DAY + dt.timedelta(days=7)
    travel_stack.add(meeting("09:00", "10:00", "Workshop at Contoso", "Contoso HQ", day=next_week))

    cold = travel_stack.planner.plan(USER, [DAY, next_week])
    assert cold.routing_calls == 4  # home→Contoso (Mon 08h) is shared by both weeks; 3 + Contoso→home (Mon 10h)
    assert len(travel_stack.routes.requests) == 4

    warm = travel_stack.planner.plan(USER, [DAY, next_week], dry_run=True)
    assert warm.routing_calls == 0 and len(travel_stack.routes.requests) == 4


def test_fallbacks_traffic_then_typical_then_the_estimated_default(travel_stack: Stack) -> None:
    travel_stack.add(meeting("09:00", "10:00", "Workshop", "Contoso HQ"))
    travel_stack.add(meeting("13:00", "14:00", "Visit", "Atlantis, Nowhere"))
    travel_stack.routes.fail_next("rate_limit", times=2)  # the traffic call of the first trip fails twice

    run = travel_stack.planner.plan(USER, [DAY], dry_run=True)

    lines = run.days[0].travel
    assert [(t.destination, t.minutes, t.estimated) for t in lines] == [
        ("Contoso HQ", 35, False),  # the typical 32 min (no traffic), rounded up
        ("Atlantis, Nowhere", 30, True),
        ("Home", 30, True),
    ]
    assert any("no route found for Contoso HQ → Atlantis, Nowhere" in i for i in run.issues)


def test_a_bad_key_estimates_every_trip_and_says_so_once(travel_stack: Stack, routes_client_for: Any) -> None:
    seed_site_day(travel_stack)
    travel_stack.planner.routes = routes_client_for(travel_stack.routes, key="AIzaRevoked")

    run = travel_stack.planner.plan(USER, [DAY])

    assert [(t.minutes, t.estimated) for t in run.days[0].travel] == [(30, True)] * 3
    assert len(run.issues) == 1 and "API key" in run.issues[0] and "AIzaRevoked" not in run.issues[0]
    assert len(travel_stack.routes.requests) == 1
    assert travel_stack.audit.query(USER, action="travel").items[-1].status == "partial"
    assert "(estimated)" in travel_stack.travel_events()[0]["body"]["content"]


def test_a_past_day_uses_the_typical_duration(travel_stack: Stack) -> None:
    past = dt.date(2025, 3, 3)
    travel_stack.add(meeting("09:00", "10:00", "Workshop", "Contoso HQ", day=past))
    run = travel_stack.planner.plan(USER, [past], dry_run=True)
    assert [t.minutes for t in run.days[0].travel] == [35, 35]
    assert {r.routing_preference for r in travel_stack.routes.requests} == {"TRAFFIC_UNAWARE"}


def test_out_of_office_can_be_switched_off(travel_stack: Stack) -> None:
    a, _ = seed_site_day(travel_stack)
    travel_stack.admin.set_settings(USER, {"out_of_office": False}, by="test")
    run = travel_stack.planner.plan(USER, [DAY])
    assert run.days[0].oof_marked == 0
    assert travel_stack.graph.event(USER, a["id"])["showAs"] == "busy"
    assert travel_stack.show_as_log.for_user(USER) == []


def test_the_timesheet_bills_planned_travel_at_the_customers_travel_rate(travel_stack: Stack) -> None:
    seed_site_day(travel_stack)
    travel_stack.planner.plan(USER, [DAY])
    events = [Appointment.from_graph(e) for e in travel_stack.graph.events(USER)]

    result = build_timesheets(events, period=Period(start=DAY, end=DAY), timezone="UTC", settings_by_customer={})

    sheets = {s.customer: s for s in result.timesheets}
    contoso_travel = sheets["Contoso"].travel
    assert [(e.subject, e.raw_minutes, float(e.effort_hours), float(e.billable_hours)) for e in contoso_travel] == [
        ("Travel to Contoso HQ", 50, 1.0, 0.5)]
    fabrikam = [(e.subject, float(e.billable_hours)) for e in sheets["Fabrikam"].travel]
    assert fabrikam == [("Travel to Fabrikam Plant", 0.25), ("Travel to Home", 0.25)]


def test_a_meeting_moved_to_another_day_brings_its_travel_along(travel_stack: Stack) -> None:
    a = travel_stack.add(meeting("09:00", "10:00", "Workshop", "Contoso HQ"))
    travel_stack.planner.plan(USER, [DAY])
    ids = sorted(e["id"] for e in travel_stack.travel_events())
    tuesday = DAY + dt.timedelta(days=1)
    travel_stack.graph.update_event(USER, a["id"], {
        "start": {"dateTime": f"{tuesday}T09:00:00", "timeZone": "UTC"},
        "end": {"dateTime": f"{tuesday}T10:00:00", "timeZone": "UTC"}})

    run = travel_stack.planner.plan(USER, [tuesday])  # only the day it moved to

    travel = travel_stack.travel_events()
    assert sorted(e["id"] for e in travel) == ids and run.days[0].updated == 2
    assert {e["start"]["dateTime"][:10] for e in travel} == {str(tuesday)}


def test_the_days_to_replan_after_a_deletion_are_found_by_the_appointment_id(travel_stack: Stack) -> None:
    a = travel_stack.add(meeting("09:00", "10:00", "Workshop", "Contoso HQ"))
    travel_stack.planner.plan(USER, [DAY])
    travel_stack.graph.delete_event(USER, a["id"])

    days = travel_stack.planner.travel_days_of(USER, a["id"])
    travel_stack.planner.plan(USER, days)

    assert days == [DAY] and travel_stack.travel_events() == []


def test_a_replan_replaces_the_alerts_of_the_day(travel_stack: Stack) -> None:
    travel_stack.add(meeting("09:00", "10:00", "Workshop at Contoso", "Contoso HQ"))
    b = travel_stack.add(meeting("10:10", "11:00", "Plant tour", "Fabrikam Plant"))
    travel_stack.planner.plan(USER, [DAY])
    travel_stack.graph.update_event(USER, b["id"], {
        "start": {"dateTime": f"{DAY}T11:00:00", "timeZone": "UTC"},
        "end": {"dateTime": f"{DAY}T12:00:00", "timeZone": "UTC"}})

    run = travel_stack.planner.plan(USER, [DAY])

    assert run.days[0].alerts == [] and travel_stack.planner.list_alerts(USER, DAY, DAY) == []
