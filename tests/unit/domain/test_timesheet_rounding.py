from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from shared.domain.rounding import CustomerSettings, round_minutes, rounded_hours, travel_billable
from shared.domain.timesheet import build_timesheets
from shared.domain.timesheet_models import Period


@pytest.mark.parametrize(
    ("minutes", "hours"),
    [(14, "0"), (15, "0.5"), (44, "0.5"), (45, "1"), (75, "1.5"), (0, "0"), (30, "0.5"), (89, "1.5"), (90, "1.5")],
)
def test_the_rules_rounding_table_with_the_defaults(minutes: int, hours: str) -> None:
    assert rounded_hours(minutes, CustomerSettings()) == Decimal(hours)


@pytest.mark.parametrize(
    ("minutes", "increment", "mode", "expected"),
    [
        (7, 15, "nearest", 0), (8, 15, "nearest", 15), (3, 6, "nearest", 6), (2, 6, "nearest", 0),
        (1, 60, "up", 60), (60, 60, "up", 60), (61, 30, "up", 90),
        (59, 60, "down", 0), (119, 60, "down", 60), (29, 15, "down", 15),
        (30, 60, "nearest", 60), (29, 60, "nearest", 0),
    ],
)
def test_increments_and_modes(minutes: int, increment: int, mode: str, expected: int) -> None:
    assert round_minutes(minutes, increment, mode) == expected  # type: ignore[arg-type]


def test_travel_is_billed_at_half_by_default() -> None:
    assert travel_billable(Decimal("0.5"), CustomerSettings()) == Decimal("0.25")
    assert travel_billable(Decimal("1.5"), CustomerSettings(travel_rate=Decimal("0.8"))) == Decimal("1.2")


@pytest.mark.parametrize(
    ("field", "value"),
    [("increment", 20), ("increment", 0), ("rounding", "ceiling"), ("travel_rate", Decimal("1.5")),
     ("travel_rate", Decimal("-0.1")), ("colour", "red")],
)
def test_settings_refuse_values_outside_the_rules(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        CustomerSettings.model_validate({field: value})
    assert caught.value.errors()[0]["loc"][0] == field


def test_rounding_refuses_unknown_increments_and_negative_minutes() -> None:
    with pytest.raises(ValueError, match="increment"):
        round_minutes(10, 20, "nearest")
    with pytest.raises(ValueError, match="negative"):
        round_minutes(-1, 30, "nearest")


_durations = st.lists(
    st.tuples(st.integers(min_value=1, max_value=600), st.booleans(), st.booleans()), min_size=1, max_size=25
)
_settings = st.builds(
    CustomerSettings,
    increment=st.sampled_from([6, 15, 30, 60]),
    rounding=st.sampled_from(["nearest", "up", "down"]),
    travel_rate=st.decimals(min_value=0, max_value=1, places=2),
)


@settings(max_examples=60, deadline=None)
@given(durations=_durations, customer_settings=_settings)
def test_totals_are_sums_of_rounded_entries_and_billable_never_exceeds_effort(
    durations: list[tuple[int, bool, bool]], customer_settings: CustomerSettings
) -> None:
    events = []
    cursor = datetime(2025, 4, 21, 0, 0, tzinfo=UTC)
    for index, (minutes, billable, travel) in enumerate(durations):
        end = cursor + timedelta(minutes=minutes)
        events.append({
            "id": f"e{index}",
            "subject": f"{'Travel to site' if travel else 'Work'} {index}",
            "start": {"dateTime": cursor.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
            "end": {"dateTime": end.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
            "categories": [f"Acme - {'billable' if billable else 'non-billable'}"],
        })
        cursor = end  # back to back: touching ends never overlap
    build = build_timesheets(events, period=Period(start=date(2025, 4, 21), end=date(2025, 5, 31)),
                             timezone="UTC", settings_by_customer={"ACME": customer_settings})
    [sheet] = build.timesheets
    for section, totals in ((sheet.effort, sheet.effort_total), (sheet.travel, sheet.travel_total)):
        assert totals.effort_hours == sum((e.effort_hours for e in section), Decimal(0))
        assert totals.billable_hours == sum((e.billable_hours for e in section), Decimal(0))
    assert sheet.grand_total.effort_hours == sheet.effort_total.effort_hours + sheet.travel_total.effort_hours
    assert sheet.grand_total.billable_hours == sheet.effort_total.billable_hours + sheet.travel_total.billable_hours
    by_id = {e.event_id: e for e in sheet.entries}
    assert len(by_id) == len(durations)
    for index, (minutes, _, _) in enumerate(durations):
        entry = by_id[f"e{index}"]
        assert entry.raw_minutes == minutes
        assert 0 <= entry.billable_hours <= entry.effort_hours
        rounded = round_minutes(minutes, customer_settings.increment, customer_settings.rounding)
        assert entry.effort_hours * 60 == rounded
