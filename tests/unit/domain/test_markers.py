from __future__ import annotations

import pytest

from shared.domain.markers import MarkerKind, apply_markers, marker_kind

from .factories import appt, hm

CLIENT = ["Client ABC - billable"]


@pytest.mark.parametrize(
    ("subject", "kind"),
    [
        ("Extended", MarkerKind.EXTENDED),
        ("extension", MarkerKind.EXTENDED),
        ("  EXTENDED ", MarkerKind.EXTENDED),
        ("Extended meeting", None),
        ("Meeting shortened", MarkerKind.SHORTENED),
        ("SHORTENED", MarkerKind.SHORTENED),
        ("unshortened notes", None),
        ("Early start", MarkerKind.EARLY_START),
        ("Client call - early START", MarkerKind.EARLY_START),
        ("Late Start", MarkerKind.LATE_START),
        ("late   start for standup", MarkerKind.LATE_START),
        ("Nearly starting", None),
        ("Shortened because of a late start", MarkerKind.SHORTENED),
        ("Early start, then late start", MarkerKind.EARLY_START),
        ("Client Meeting", None),
        ("", None),
        (None, None),
    ],
)
def test_marker_detection(subject: str | None, kind: MarkerKind | None) -> None:
    assert marker_kind(subject) is kind


@pytest.mark.parametrize(
    ("meeting_times", "marker_subject", "marker_times", "marker_categories", "expected"),
    [
        (("10:00", "11:00"), "Extended", ("11:00", "11:30"), CLIENT, ("10:00", "11:30")),
        (("10:00", "11:00"), "Shortened", ("10:45", "11:00"), CLIENT, ("10:00", "10:45")),
        (("10:00", "11:00"), "Early Start", ("09:50", "10:00"), CLIENT, ("09:50", "11:00")),
        (("10:00", "11:00"), "Late Start", ("10:00", "10:15"), CLIENT, ("10:15", "11:00")),
        (("10:00", "10:30"), "Shortened", ("10:00", "10:45"), CLIENT, ("10:00", "10:01")),
        (("10:00", "10:30"), "Late Start", ("10:00", "10:45"), CLIENT, ("10:29", "10:30")),
        (("10:00", "11:00"), "Extended", ("11:00", "11:30"), ["Different Client - billable"], None),
    ],
)
def test_rules_examples(
    meeting_times: tuple[str, str],
    marker_subject: str,
    marker_times: tuple[str, str],
    marker_categories: list[str],
    expected: tuple[str, str] | None,
) -> None:
    meeting = appt("meeting", *meeting_times, "Client Meeting", categories=CLIENT)
    marker = appt("marker", *marker_times, marker_subject, categories=marker_categories)
    outcome = apply_markers([meeting, marker])
    assert [a.id for a in outcome.appointments] == ["meeting"]
    result = outcome.appointments[0]
    if expected is None:
        assert (hm(result.start), hm(result.end)) == meeting_times
        assert [o.id for o in outcome.orphans] == ["marker"]
        assert outcome.issues == [f"Modification marker {marker_subject!r} at {marker_times[0]} matched no meeting"]
    else:
        assert (hm(result.start), hm(result.end)) == expected
        assert outcome.orphans == [] and outcome.issues == []
        assert [(m.marker_id, m.meeting_id) for m in outcome.applied] == [("marker", "meeting")]


def test_marker_without_categories_matches_any_meeting() -> None:
    outcome = apply_markers(
        [appt("m", "10:00", "11:00", categories=CLIENT), appt("x", "11:00", "11:30", "Extended", categories=[])]
    )
    assert (hm(outcome.appointments[0].start), hm(outcome.appointments[0].end)) == ("10:00", "11:30")


def test_category_comparison_ignores_order_and_case() -> None:
    meeting = appt("m", "10:00", "11:00", categories=["A - billable", "Online"])
    marker = appt("x", "11:00", "11:30", "Extended", categories=["online", "a - billable"])
    assert hm(apply_markers([meeting, marker]).appointments[0].end) == "11:30"


def test_extended_tolerance_is_five_minutes() -> None:
    assert apply_markers([appt("m", "10:00", "11:00"), appt("x", "11:05", "11:30", "Extended")]).issues == []
    outcome = apply_markers([appt("m", "10:00", "11:00"), appt("x", "11:06", "11:30", "Extended")])
    assert [o.id for o in outcome.orphans] == ["x"]


def test_extended_closest_meeting_wins() -> None:
    first = appt("first", "09:00", "10:58")
    second = appt("second", "10:30", "11:01")
    outcome = apply_markers([first, second, appt("x", "11:00", "11:30", "Extended")])
    ends = {a.id: hm(a.end) for a in outcome.appointments}
    assert ends == {"first": "10:58", "second": "11:31"}


def test_shortened_largest_overlap_wins() -> None:
    small = appt("small", "10:00", "10:20")
    large = appt("large", "10:10", "11:00")
    outcome = apply_markers([small, large, appt("x", "10:10", "10:40", "Shortened")])
    ends = {a.id: hm(a.end) for a in outcome.appointments}
    assert ends == {"small": "10:20", "large": "10:30"}


def test_shortened_matches_on_its_end_inside_the_meeting() -> None:
    outcome = apply_markers([appt("m", "10:00", "11:00"), appt("x", "09:30", "10:15", "Shortened")])
    assert hm(outcome.appointments[0].end) == "10:15"


def test_early_start_must_end_near_the_meeting_start() -> None:
    outcome = apply_markers([appt("m", "10:00", "11:00"), appt("x", "09:30", "09:54", "Early start")])
    assert [o.id for o in outcome.orphans] == ["x"]
    outcome = apply_markers([appt("m", "10:00", "11:00"), appt("x", "09:30", "09:55", "Early start")])
    assert hm(outcome.appointments[0].start) == "09:30"


def test_several_markers_on_one_meeting_all_apply_in_start_order() -> None:
    meeting = appt("m", "10:00", "11:00", categories=CLIENT)
    markers = [
        appt("ext2", "11:30", "12:00", "Extended", categories=CLIENT),
        appt("late", "10:00", "10:15", "Late start", categories=CLIENT),
        appt("ext1", "11:00", "11:30", "Extended", categories=CLIENT),
    ]
    outcome = apply_markers([*markers, meeting])
    result = outcome.appointments[0]
    assert (hm(result.start), hm(result.end)) == ("10:15", "12:00")
    assert [m.marker_id for m in outcome.applied] == ["late", "ext1", "ext2"]
    assert outcome.issues == []


def test_markers_are_never_returned_as_appointments() -> None:
    outcome = apply_markers([appt("x", "11:00", "11:30", "Extended"), appt("y", "12:00", "12:30", "Late start")])
    assert outcome.appointments == []
    assert [o.id for o in outcome.orphans] == ["x", "y"]
    assert len(outcome.issues) == 2


def test_orphan_issue_uses_local_time() -> None:
    outcome = apply_markers([appt("x", "11:00", "11:30", "Extended")], tz="Pacific/Auckland")
    assert outcome.issues == ["Modification marker 'Extended' at 00:00 matched no meeting"]


def test_all_day_events_are_not_modified() -> None:
    holiday = appt("h", "00:00", "00:00", "Holiday", isAllDay=True)
    outcome = apply_markers([holiday, appt("x", "00:00", "00:30", "Extended")])
    assert outcome.appointments == [holiday]
    assert [o.id for o in outcome.orphans] == ["x"]
