from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from shared.domain.rounding import CustomerSettings
from shared.domain.timesheet import build_timesheets
from shared.domain.timesheet_changes import snapshot_entries
from shared.domain.timesheet_models import (
    PRIVATE_SUBJECT,
    ConflictItemView,
    ConflictView,
    IssuedSnapshot,
    Period,
    Timesheet,
)
from tests.timesheet_fixtures import ACME, GLOBEX, WEEK, ZONE, all_day, ev, week_events


def build(events: list[dict], **options: object) -> list[Timesheet]:
    options.setdefault("period", WEEK)
    options.setdefault("timezone", ZONE)
    return build_timesheets(events, **options).timesheets  # type: ignore[arg-type]


def only(events: list[dict], **options: object) -> Timesheet:
    [sheet] = build(events, **options)
    return sheet


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (ev("c", 21, "09:00", "10:00", "Call", isCancelled=True), "cancelled"),
        (ev("f", 21, "09:00", "10:00", "Focus", showAs="Free"), "free"),
        (ev("p", 21, "09:00", "10:00", "Dentist", []), "personal"),
        (ev("o", 21, "09:00", "10:00", "Webinar", ["ONLINE"]), "online"),
        (ev("i", 21, "09:00", "10:00", "Odd", ["Too - Many - Dashes", "Client - invalid"]), "invalid_category"),
        (all_day("d", 21, "Holiday"), "all_day"),
        (ev("b", 21, "12:00", "12:30", "Break", ["Break - non-billable"]), "internal"),
    ],
)
def test_every_exclusion_is_counted_with_its_reason(event: dict, reason: str) -> None:
    result = build_timesheets([event], period=WEEK, timezone=ZONE)
    assert result.timesheets == []
    assert [(item.event_id, item.reason) for item in result.excluded] == [(event["id"], reason)]
    assert result.excluded_counts == {reason: 1}


def test_the_week_gives_one_timesheet_per_customer_with_its_totals() -> None:
    result = build_timesheets(week_events(), period=WEEK, timezone=ZONE)
    acme, globex = result.timesheets
    assert (acme.customer, globex.customer) == ("Acme Corp", "Globex")
    assert acme.effort_total.effort_hours == Decimal("10.5")
    assert acme.effort_total.billable_hours == Decimal("8")
    assert acme.travel_total.effort_hours == Decimal("2")
    assert acme.travel_total.billable_hours == Decimal("1")
    assert acme.grand_total.billable_hours == Decimal("9")
    assert globex.grand_total.effort_hours == Decimal("4.5")
    assert result.excluded_counts == {"personal": 1, "cancelled": 1, "free": 1, "online": 1,
                                      "invalid_category": 1, "all_day": 1, "internal": 1, "overlap_dropped": 1}
    assert "o1" not in {e.event_id for s in result.timesheets for e in s.entries}  # Sunday: outside the week


def test_times_and_dates_are_local_to_the_users_zone() -> None:
    sheet = only([ev("a", 21, "23:30", "23:59", "Late call")], timezone=ZONE)
    [entry] = sheet.effort
    assert (entry.date, entry.start.strftime("%H:%M")) == (date(2025, 4, 21), "23:30")


def test_travel_goes_to_its_section_at_the_customers_rate() -> None:
    events = [
        ev("t1", 21, "08:00", "08:30", "Drive to client"),
        ev("t2", 21, "09:00", "10:00", "Train journey", ["Acme Corp - non-billable"]),
        ev("w1", 21, "11:00", "11:30", "Strip down the router presentation"),  # no whole travel word
    ]
    sheet = only(events)
    assert [(e.event_id, e.effort_hours, e.billable_hours) for e in sheet.travel] == [
        ("t1", Decimal("0.5"), Decimal("0.25")), ("t2", Decimal("1"), Decimal("0"))]
    assert [e.event_id for e in sheet.effort] == ["w1"]
    rate = only(events, settings_by_customer={" acme corp ": CustomerSettings(travel_rate=Decimal("1"))})
    assert rate.travel[0].billable_hours == Decimal("0.5")


def test_private_items_count_and_hide_their_subject_only_when_the_user_hid_them() -> None:
    sheet = only([
        ev("u", 21, "09:00", "10:00", "Board confidential", sensitivity="private"),
        ev("r", 21, "10:00", "11:00", "Flight to Paris", sensitivity="private"),  # made private by the travel rule
    ])
    assert [(e.event_id, e.subject) for e in sheet.entries] == [("u", PRIVATE_SUBJECT), ("r", "Flight to Paris")]
    assert sheet.grand_total.billable_hours == Decimal("1.5")


def test_customers_compare_case_insensitively_and_trimmed() -> None:
    sheet = only([ev("a", 21, "09:00", "10:00", "A", ["Acme Corp - billable"]),
                  ev("b", 22, "09:00", "10:00", "B", ["  ACME CORP  - Billable"]),
                  ev("c", 23, "09:00", "10:00", "C", ["billable - acme corp"])])
    assert len(sheet.effort) == 3


def test_unresolved_overlaps_are_listed_for_review_and_not_billed_twice() -> None:
    events = [ev("a", 23, "10:00", "11:00", "Status"), ev("b", 23, "10:30", "11:30", "Architecture", [GLOBEX])]
    conflict = ConflictView(id="20250423-0123456789abcdef0123", resolved=False, items=[
        ConflictItemView(event_id="src-a", subject="Status", start=datetime(2025, 4, 23, 9, 0, tzinfo=UTC),
                         end=datetime(2025, 4, 23, 10, 0, tzinfo=UTC)),
    ])
    acme, globex = build(events, unresolved_conflicts=[conflict])
    for sheet, other in ((acme, "Architecture"), (globex, "Status")):
        [entry] = sheet.effort
        assert entry.needs_review and entry.billable_hours == 0 and entry.effort_hours == 1
        assert other in entry.comments
        [review] = sheet.needs_review
        assert review.entry_keys == [entry.key]
    assert acme.needs_review[0].conflict_id == conflict.id
    assert "(conflict 20250423-0123456789abcdef0123)" in acme.effort[0].comments


def test_after_a_resolution_only_the_kept_items_count() -> None:
    events = [ev("a", 23, "10:00", "11:00", "Status"), ev("b", 23, "10:30", "11:30", "Architecture")]
    items = [
        ConflictItemView(event_id="src-a", subject="Status", start=datetime(2025, 4, 23, 9, 0, tzinfo=UTC),
                         end=datetime(2025, 4, 23, 10, 0, tzinfo=UTC)),
        ConflictItemView(event_id="src-b", subject="Architecture", start=datetime(2025, 4, 23, 9, 30, tzinfo=UTC),
                         end=datetime(2025, 4, 23, 10, 30, tzinfo=UTC)),
    ]
    resolved = ConflictView(id="20250423-aaaaaaaaaaaaaaaaaaaa", resolved=True, items=items, kept_event_ids=["src-b"])
    result = build_timesheets(events, period=WEEK, timezone=ZONE, unresolved_conflicts=[resolved])
    [sheet] = result.timesheets
    assert [e.event_id for e in sheet.effort] == ["b"] and sheet.needs_review == []
    assert [(x.event_id, x.reason) for x in result.excluded] == [("a", "overlap_dropped")]


def test_auto_resolution_drops_the_tentative_item() -> None:
    sheet = only([ev("a", 24, "12:30", "14:00", "Planning"), ev("b", 24, "13:00", "13:30", "Sync",
                                                                   showAs="tentative")])
    assert [e.event_id for e in sheet.effort] == ["a"]
    assert sheet.needs_review == []


def test_an_empty_period_gives_no_timesheet() -> None:
    result = build_timesheets([], period=WEEK, timezone=ZONE)
    assert result.timesheets == [] and result.excluded == [] and result.customers == []


def test_changes_to_an_issued_period_are_listed_in_the_next_timesheet() -> None:
    april = [ev("a", 21, "09:00", "10:00", "Workshop"), ev("b", 22, "09:00", "10:00", "Review")]
    [issued_sheet] = build(april)
    snapshot = IssuedSnapshot(timesheet_id="ts-1", customer="acme corp", period=WEEK,
                              entries=snapshot_entries(issued_sheet.entries))
    later = [
        ev("a", 21, "09:00", "11:00", "Workshop"),  # extended by an hour after issuing
        ev("c", 23, "15:00", "15:30", "Forgotten call"),  # added to the issued week
        ev("n", 28, "09:00", "10:00", "Next week work"),
    ]
    next_week = Period(start=date(2025, 4, 28), end=date(2025, 5, 2))
    [sheet] = build(later, period=next_week, issued=[snapshot])
    assert [e.event_id for e in sheet.effort] == ["n"]  # the issued days are locked, not billed again
    changes = {(c.key, c.kind): (c.issued_hours, c.current_hours, c.difference_hours)
               for c in sheet.changed_since_issued}
    assert changes == {
        ("a", "changed"): (Decimal(1), Decimal(2), Decimal(1)),
        ("c", "added"): (Decimal(0), Decimal("0.5"), Decimal("0.5")),
        ("b", "removed"): (Decimal(1), Decimal(0), Decimal(-1)),
    }
    assert sheet.effort_total.effort_hours == Decimal(1)


def test_rebuilding_an_issued_period_bills_nothing_again_and_shows_no_change_when_none() -> None:
    [first] = build([ev("a", 21, "09:00", "10:00", "Workshop")])
    snapshot = IssuedSnapshot(timesheet_id="ts-1", customer="Acme Corp", period=WEEK,
                              entries=snapshot_entries(first.entries))
    assert build([ev("a", 21, "09:00", "10:00", "Workshop")], issued=[snapshot]) == []


def test_json_dump_gives_numbers_for_hours() -> None:
    dumped = only([ev("a", 21, "09:00", "09:45", "Workshop", [ACME])]).model_dump(mode="json")
    assert dumped["effort"][0]["effort_hours"] == 1.0
    assert dumped["grand_total"] == {"effort_hours": 1.0, "billable_hours": 1.0}
    assert dumped["period"] == {"start": "2025-04-21", "end": "2025-04-25"}
