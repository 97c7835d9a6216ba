from __future__ import annotations

import json
from datetime import date
from typing import Any

from shared.domain.appointment import Appointment
from shared.domain.archive_copy import source_key
from shared.domain.archive_plan import DayPlan, EventWrite, plan_day

from .factories import DAY, graph_event

CALENDAR = "source-calendar-id"
TZ = "Europe/Berlin"  # UTC+1 in November: the UTC times below are one hour behind local time


def day_events() -> list[dict[str, Any]]:
    broken = graph_event("broken", "No start", "08:00", "09:00")
    del broken["start"]
    return [
        graph_event("prev", "Yesterday late", "22:30", "23:00", day=date(2026, 11, 23)),  # touches the window only
        graph_event("next", "Tomorrow early", "23:00", "23:30"),  # 00:00 local on the 25th
        graph_event("late", "Late call", "22:30", "22:45"),  # 23:30 local: still the 24th
        graph_event("m1", "Client Meeting", "09:00", "10:00"),
        graph_event("ext", "Extended", "10:00", "10:30"),
        graph_event("gone", "Cancelled sync", "11:00", "11:30", isCancelled=True),
        graph_event("dentist", "Dentist", "12:00", "13:00", categories=[]),
        graph_event("badcat", "Odd categories", "14:00", "14:30", categories=["Client - invalid"]),
        graph_event("c1", "Board", "15:00", "16:00", importance="high"),
        graph_event("c2", "Customer escalation", "15:30", "16:30", importance="high"),
        graph_event("c3", "Maybe lunch", "15:45", "16:15", show_as="tentative"),
        graph_event("free", "Focus time", "15:00", "16:00", show_as="free"),
        graph_event("orphan", "Late start", "18:00", "18:10"),
        broken,
    ]


def key_of(event_id: str) -> str:
    event = next(e for e in day_events() if e["id"] == event_id)
    return source_key(CALENDAR, Appointment.from_graph(event))


def plan(
    events: list[dict[str, Any]] | None = None, existing: list[dict[str, Any]] | None = None, **kwargs: Any
) -> DayPlan:
    return plan_day(
        day_events() if events is None else events,
        existing or [],
        DAY,
        kwargs.pop("tz", TZ),
        CALENDAR,
        kwargs.pop("strict", False),
        **kwargs,
    )


def written_subjects(result: DayPlan) -> list[str]:
    return sorted(write.subject for write in result.writes)


def stored(writes: list[EventWrite]) -> list[dict[str, Any]]:
    """Copies as Graph would return them after the writes: with ids and seven-digit times."""
    copies = []
    for index, write in enumerate(writes):
        copy = json.loads(json.dumps(write.payload))
        copy["id"] = write.copy_id or f"copy-{index}"
        for field in ("start", "end"):
            copy[field]["dateTime"] += ".0000000"
        copies.append(copy)
    return copies


def test_default_mode_archives_every_non_cancelled_appointment_of_the_day() -> None:
    result = plan()
    assert result.day == DAY
    assert result.fetched == 11  # owned by the local day, markers and the cancelled one included
    assert result.cancelled == 1
    assert written_subjects(result) == sorted(
        [
            "Late call",
            "Client Meeting",
            "Dentist",
            "Odd categories",
            "Board",
            "Customer escalation",
            "Maybe lunch",
            "Focus time",
        ]
    )
    assert {write.kind for write in result.writes} == {"create"}
    assert result.already_archived == 0
    assert result.held_back == [] and result.dropped == []


def test_marker_is_merged_not_archived() -> None:
    write = next(w for w in plan().writes if w.subject == "Client Meeting")
    assert write.payload["end"] == {"dateTime": "2026-11-24T10:30:00", "timeZone": "UTC"}
    assert write.source_key == key_of("m1")


def test_issues_name_what_went_wrong() -> None:
    issues = plan().issues
    assert "Unreadable event skipped: event 'broken': missing start" in issues
    assert "Modification marker 'Late start' at 19:00 matched no meeting" in issues
    assert "'Odd categories' (15:00): Invalid billing type in category: Client - invalid" in issues
    assert len(issues) == 3


def test_personal_appointment_is_made_private_in_source_and_copy() -> None:
    result = plan()
    assert [(c.event_id, c.old, c.new) for c in result.privacy_changes] == [("dentist", "normal", "private")]
    write = next(w for w in result.writes if w.subject == "Dentist")
    assert write.payload["sensitivity"] == "private"


def test_unresolved_overlap_becomes_a_conflict() -> None:
    (conflict,) = plan().conflicts
    assert [item.event_id for item in conflict.items] == ["c1", "c2"]
    assert [item.event_id for item in conflict.auto_dropped] == ["c3"]
    assert conflict.items[0].importance == "high" and conflict.items[0].show_as == "busy"
    assert conflict.items[0].source_key == key_of("c1")
    assert conflict.group_key == plan().conflicts[0].group_key
    assert not conflict.approved


def test_strict_mode_holds_back_conflicts_and_leaves_out_dropped_items() -> None:
    result = plan(strict=True)
    assert sorted(result.held_back) == ["c1", "c2"]
    assert result.dropped == ["c3"]
    assert written_subjects(result) == sorted(
        ["Late call", "Client Meeting", "Dentist", "Odd categories", "Focus time"]
    )
    assert len(result.conflicts) == 1


def test_strict_mode_archives_approved_items_and_drops_the_rest_of_their_group() -> None:
    result = plan(strict=True, approved_keys=frozenset({key_of("c1")}))
    assert result.held_back == []
    assert sorted(result.dropped) == ["c2", "c3"]
    assert "Board" in written_subjects(result) and "Customer escalation" not in written_subjects(result)
    assert result.conflicts[0].approved


def test_strict_mode_accepts_approval_by_event_id() -> None:
    result = plan(strict=True, approved_keys=frozenset({"c1"}))
    assert sorted(result.dropped) == ["c2", "c3"]
    assert "Board" in written_subjects(result)


def test_strict_mode_can_approve_an_auto_dropped_item() -> None:
    result = plan(strict=True, approved_keys=frozenset({key_of("c3")}))
    assert "Maybe lunch" in written_subjects(result)
    assert sorted(result.held_back) == ["c1", "c2"]


def test_rerun_against_its_own_copies_writes_nothing() -> None:
    first = plan()
    second = plan(existing=stored(first.writes))
    assert second.writes == []
    assert second.already_archived == len(first.writes) == 8


def test_changed_source_updates_the_copy_in_place() -> None:
    copies = stored(plan().writes)
    events = day_events()
    next(e for e in events if e["id"] == "m1")["subject"] = "Client Meeting (agenda changed)"
    result = plan(events, copies)
    (write,) = result.writes
    assert write.kind == "update"
    assert write.subject == "Client Meeting (agenda changed)"
    assert write.copy_id == next(c["id"] for c in copies if c["subject"] == "Client Meeting")
    assert result.already_archived == 7


def test_marker_added_later_updates_instead_of_duplicating() -> None:
    without_marker = [e for e in day_events() if e["id"] != "ext"]
    copies = stored(plan(without_marker).writes)
    (write,) = plan(existing=copies).writes
    assert (write.kind, write.subject) == ("update", "Client Meeting")
    assert write.payload["end"]["dateTime"] == "2026-11-24T10:30:00"


def test_copies_not_made_by_us_are_ignored_and_duplicates_reported() -> None:
    copies = stored(plan().writes)
    foreign = {"id": "hand-made", "subject": "Client Meeting", "start": copies[0]["start"], "end": copies[0]["end"]}
    duplicate = dict(copies[0], id="dup")
    result = plan(existing=[*copies, foreign, duplicate])
    assert result.writes == []
    assert any("Duplicate archive copies" in issue for issue in result.issues)


def test_plan_travels_as_json() -> None:
    result = plan(strict=True)
    revived = DayPlan.model_validate(json.loads(json.dumps(result.model_dump(mode="json"))))
    assert revived == result


def test_day_is_local_on_a_25_hour_dst_day() -> None:
    day = date(2026, 10, 25)
    events = [
        graph_event("early", "Just after midnight BST", "23:30", "23:45", day=date(2026, 10, 24)),  # 00:30 BST
        graph_event("late", "Late GMT", "23:30", "23:45", day=day),  # 23:30 GMT
        graph_event("after", "Next day", "00:00", "00:30", day=date(2026, 10, 26)),
        graph_event("before", "Day before", "22:30", "23:00", day=date(2026, 10, 24)),  # 23:30 BST on the 24th
    ]
    result = plan_day(events, [], day, "Europe/London", CALENDAR, False)
    assert written_subjects(result) == ["Just after midnight BST", "Late GMT"]


def test_all_day_event_is_archived_on_its_date() -> None:
    event = graph_event(
        "holiday", "Public holiday", "00:00", "00:00", isAllDay=True, categories=["Admin - non-billable"]
    )
    event["end"] = {"dateTime": "2026-11-25T00:00:00.0000000", "timeZone": "UTC"}
    events = [
        event,
        graph_event("m", "Meeting", "09:00", "10:00"),  # 22:00 in Auckland: the 24th
        graph_event("n", "Next day", "12:00", "13:00"),  # 01:00 in Auckland: the 25th
    ]
    result = plan_day(events, [], DAY, "Pacific/Auckland", CALENDAR, True)
    # All-day events never take part in overlaps, so strict mode holds nothing back.
    assert written_subjects(result) == ["Meeting", "Public holiday"]
    assert result.held_back == [] and result.conflicts == []
