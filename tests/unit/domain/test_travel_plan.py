"""Planning a day's travel: legs, times, categories, alerts, re-plan diffs and out-of-office (pure rules)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.domain.appointment import Appointment
from shared.domain.online import is_online
from shared.domain.places import Place, TravelSettings, UserPlaces
from shared.domain.travel import plan_day
from shared.domain.travel_schedule import LegDuration, rounded_minutes, schedule
from shared.domain.travel_sync import ExistingTravel, oof_marks, travel_changes
from tests.factories import stored_event

DAY = date(2030, 1, 7)  # a Monday
HOME = Place(name="Home", address="1 Home Street, Reading", kind="home")
OFFICE = Place(name="Office", address="10 Thames Valley Park, Reading", kind="office")
SITE_A = Place(name="Contoso HQ", address="Contoso HQ, Slough", aliases=("Contoso Slough",))
SITE_B = Place(name="Fabrikam Plant", address="Fabrikam Plant, Bracknell")
PLACES = UserPlaces(places=(HOME, OFFICE, SITE_A, SITE_B))


def appt(event_id: str, start: str, end: str, location: str = "", *, categories: list[str] | None = None,
         **extra: Any) -> Appointment:
    event = stored_event(event_id, DAY, start, end, f"Meeting {event_id}", categories=categories,
                         location={"displayName": location}, **extra)
    return Appointment.from_graph(event)


def plan(appointments: list[Appointment], places: UserPlaces = PLACES) -> Any:
    return plan_day(DAY, appointments, places, local_date=lambda moment: moment.astimezone(UTC).date())


def at(hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{DAY}T{hhmm}:00+00:00")


def durations(day_plan: Any, minutes: int = 30, source: Any = "traffic") -> dict[str, LegDuration]:
    return {leg.key: LegDuration(minutes=minutes, source=source) for leg in day_plan.legs}


def test_home_site_a_site_b_home_gives_three_trips_with_times_and_categories() -> None:
    a = appt("a", "09:00", "10:00", "Contoso HQ", categories=["Contoso - billable"])
    b = appt("b", "11:00", "12:00", "Fabrikam Plant, Bracknell", categories=["Billable - Fabrikam"])
    day_plan = plan([a, b])

    travel, alerts = schedule(DAY, day_plan.legs, durations(day_plan, 25))

    assert [(t.subject, t.start, t.end, t.category, t.origin, t.destination) for t in travel] == [
        ("Travel to Contoso HQ", at("08:35"), at("09:00"), "Contoso - billable", "Home", "Contoso HQ"),
        ("Travel to Fabrikam Plant", at("10:00"), at("10:25"), "Fabrikam - billable", "Contoso HQ", "Fabrikam Plant"),
        ("Travel to Home", at("12:00"), at("12:25"), "Fabrikam - billable", "Fabrikam Plant", "Home"),
    ]
    assert alerts == []
    body = travel[0].graph_body()
    assert body["showAs"] == "oof" and body["sensitivity"] == "private"
    assert body["location"] == {"displayName": ""}
    assert body["singleValueExtendedProperties"][0]["value"] == "ical-a#to"


def test_online_meetings_and_same_place_neighbours_need_no_travel() -> None:
    a1 = appt("a1", "09:00", "10:00", "Contoso HQ")
    teams = appt("t", "10:00", "10:30", "Microsoft Teams Meeting")
    link = appt("z", "10:30", "11:00", "https://contoso.zoom.us/j/123")
    flagged = appt("f", "11:00", "11:30", "Room 4", onlineMeeting={"joinUrl": "https://teams.microsoft.com/l/x"})
    online_cat = appt("o", "11:30", "12:00", "Somewhere", categories=["Online"])
    a2 = appt("a2", "13:00", "14:00", "contoso slough")  # an alias of the same place
    day_plan = plan([a1, teams, link, flagged, online_cat, a2])

    assert [(leg.origin.name, leg.destination.name) for leg in day_plan.legs] == [
        ("Home", "Contoso HQ"), ("Contoso HQ", "Home")]
    assert day_plan.legs[1].depart_at == at("14:00")
    assert all(is_online(x) for x in (teams, link, flagged, online_cat, appt("e", "08:00", "08:30")))


def test_a_day_at_home_and_cancelled_or_all_day_items_need_no_travel() -> None:
    home_meeting = appt("h", "09:00", "10:00", "1 home street, reading")
    cancelled = appt("c", "11:00", "12:00", "Contoso HQ", isCancelled=True)
    assert plan([home_meeting, cancelled]).legs == ()


def test_an_all_day_event_at_a_place_is_the_base_of_the_day() -> None:
    event = stored_event("hotel", DAY, "00:00", "00:00", "Leeds week", isAllDay=True,
                         location={"displayName": "Hotel Leeds"})
    event["start"] = {"dateTime": "2030-01-06T00:00:00", "timeZone": "UTC"}
    event["end"] = {"dateTime": "2030-01-09T00:00:00", "timeZone": "UTC"}
    hotel = Appointment.from_graph(event)
    a = appt("a", "09:00", "10:00", "Contoso HQ")
    day_plan = plan([hotel, a])
    assert [(leg.origin.name, leg.destination.name) for leg in day_plan.legs] == [
        ("Hotel Leeds", "Contoso HQ"), ("Contoso HQ", "Hotel Leeds")]


def test_weekday_start_and_end_places_replace_home() -> None:
    settings = TravelSettings(start_places={"monday": "Office"}, end_places={"Monday": "Office"})
    places = UserPlaces(settings=settings, places=PLACES.places)
    day_plan = plan([appt("a", "09:00", "10:00", "Contoso HQ")], places)
    assert [(leg.origin.name, leg.destination.name) for leg in day_plan.legs] == [
        ("Office", "Contoso HQ"), ("Contoso HQ", "Office")]


def test_travel_that_does_not_fit_gives_an_alert_naming_both_and_moves_nothing() -> None:
    a = appt("a", "09:00", "10:00", "Contoso HQ")
    b = appt("b", "10:15", "11:00", "Fabrikam Plant")
    day_plan = plan([a, b])
    travel, alerts = schedule(DAY, day_plan.legs, durations(day_plan, 40))

    assert len(alerts) == 1
    alert = alerts[0]
    assert (alert.before_subject, alert.after_subject, alert.needed_minutes, alert.available_minutes) == (
        "Meeting a", "Meeting b", 40, 15)
    assert "needs 40 min but only 15 min" in alert.message
    assert travel[1].start == at("10:00")  # the trip still starts at the previous end; meetings stay put


def test_trip_back_of_an_appointment_without_customer_has_no_category_and_default_is_estimated() -> None:
    a = appt("a", "09:00", "10:00", "Contoso HQ", categories=[])
    day_plan = plan([a])
    travel, _ = schedule(DAY, day_plan.legs, durations(day_plan, 30, "default"))
    assert [t.category for t in travel] == [None, None]
    assert all(t.estimated for t in travel)
    assert travel[0].graph_body()["categories"] == []


def test_durations_round_up_to_five_minutes() -> None:
    assert [rounded_minutes(s) for s in (0, 59, 60, 301, 1500, 1501)] == [5, 5, 5, 10, 25, 30]


def test_replan_updates_moved_travel_deletes_orphans_and_keeps_identical_ones() -> None:
    a = appt("a", "09:00", "10:00", "Contoso HQ")
    first = plan([a])
    travel, _ = schedule(DAY, first.legs, durations(first))
    existing = [ExistingTravel(key=t.key, appointment=Appointment.from_graph(
        stored_event(f"tr-{t.kind}", DAY, t.start.strftime("%H:%M"), t.end.strftime("%H:%M"), t.subject,
                     categories=[t.category] if t.category else [], showAs="oof", sensitivity="private",
                     location={"displayName": ""}))) for t in travel]

    assert travel_changes(travel, existing).unchanged == 2

    moved = plan([appt("a", "13:00", "14:00", "Contoso HQ")])
    moved_travel, _ = schedule(DAY, moved.legs, durations(moved))
    changes = travel_changes(moved_travel, existing)
    assert [event_id for event_id, _ in changes.updates] == ["tr-to", "tr-back"]
    assert changes.creates == [] and changes.deletes == []

    assert sorted(travel_changes([], existing).deletes) == ["tr-back", "tr-to"]


def test_out_of_office_marks_places_away_from_home_and_office_only() -> None:
    away = appt("a", "09:00", "10:00", "Contoso HQ")
    office = appt("o", "11:00", "12:00", "Office")
    already = appt("x", "13:00", "14:00", "Fabrikam Plant", showAs="oof")
    stops = plan([away, office, already]).stops
    assert [(m.event_id, m.old) for m in oof_marks(stops, PLACES)] == [("a", "busy")]
    off = UserPlaces(settings=TravelSettings(out_of_office=False), places=PLACES.places)
    assert oof_marks(stops, off) == []
