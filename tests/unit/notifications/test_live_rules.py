from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.domain.appointment import Appointment
from shared.domain.archive_copy import copy_payload, source_key
from shared.domain.conflicts import Conflict
from shared.domain.jobs import ArchiveJob
from shared.domain.overlaps import group_key
from shared.services.audit import AuditService
from shared.services.live_rules import CopyUpdateError, LiveRules, resync_days
from shared.services.notification_contracts import ChangeMessage, ResyncDayMessage
from shared.storage.source_index import SourceEntry
from tests.factories import stored_event
from tests.fakes.storage import (
    InMemoryAuditLog,
    InMemoryConflictRepository,
    InMemoryIssueLog,
    InMemoryJobRepository,
    InMemoryPrivacyLog,
    MemorySourceIndex,
)
from tests.unit.notifications.fake_calendars import PRIMARY, FakeCalendars

USER = "adele@contoso.example"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
TOMORROW = date(2026, 11, 25)
YESTERDAY = date(2026, 11, 23)


def ev(event_id: str, day: date, start: str, end: str, subject: str = "Meeting", **extra: Any) -> dict[str, Any]:
    return stored_event(event_id, day, start, end, subject, **extra)


def archived_copy(source: dict[str, Any], copy_id: str, **changes: Any) -> dict[str, Any]:
    payload = copy_payload(Appointment.from_graph(source), PRIMARY)
    return {"id": copy_id, **payload, **changes}


class World:
    def __init__(self) -> None:
        self.calendars = FakeCalendars()
        self.jobs = InMemoryJobRepository()
        self.privacy = InMemoryPrivacyLog()
        self.issues = InMemoryIssueLog()
        self.conflicts = InMemoryConflictRepository()
        self.audit_log = InMemoryAuditLog()
        self.index = MemorySourceIndex()
        self.rules = LiveRules(self.calendars, self.jobs, self.privacy, self.issues, self.conflicts,
                               AuditService(self.audit_log), self.index, lambda: NOW)

    def changed(self, event_id: str, change_type: str = "updated") -> Any:
        message = ChangeMessage(subscription_id="sub", user=USER, change_type=change_type,
                                event_id=event_id)
        return self.rules.on_change(message)

    def audit(self, action: str) -> list[Any]:
        return self.audit_log.query(user=USER, action=action).items


@pytest.fixture
def world() -> World:
    return World()


def test_an_uncategorised_appointment_is_made_private_and_logged(world: World) -> None:
    world.calendars.add(ev("dentist", TOMORROW, "10:00", "11:00", "Dentist", categories=[]))

    outcome = world.changed("dentist")

    assert outcome.privacy_changed == ["dentist"]
    assert world.calendars.patches == [("dentist", {"sensitivity": "private"})]
    [change] = world.privacy.for_user(USER)
    assert (change.old, change.new, change.changed_by) == ("normal", "private", "live")
    [row] = world.audit("privacy")
    assert (row.operation, row.resource, row.details["old"]) == ("mark_private", f"{USER}/events/dentist", "normal")


@pytest.mark.parametrize(
    ("extra", "patched"),
    [
        ({"categories": [], "sensitivity": "private"}, False),  # never un-marked, never touched again
        ({"categories": [], "sensitivity": "confidential"}, True),
        ({"subject": "Drive to the airport"}, True),  # travel, although categorised
        ({"subject": "Strip the router"}, False),  # whole words only
        ({"categories": ["Invalid Category"]}, False),  # invalid categories count as work
    ],
)
def test_privacy_follows_the_rules(world: World, extra: dict[str, Any], patched: bool) -> None:
    world.calendars.add(ev("e1", TOMORROW, "10:00", "11:00", **extra))

    world.changed("e1")

    assert bool(world.calendars.patches) is patched


def test_a_notification_concerns_only_its_own_appointment_but_a_resync_does_the_whole_day(world: World) -> None:
    world.calendars.add(ev("a", TOMORROW, "09:00", "10:00", categories=[]))
    world.calendars.add(ev("b", TOMORROW, "11:00", "12:00", categories=[]))

    world.changed("a")
    assert [p[0] for p in world.calendars.patches] == ["a"]

    outcome = world.rules.resync_day(ResyncDayMessage(user=USER, day=TOMORROW, reason="missed"))
    assert outcome.privacy_changed == ["b"]


def test_invalid_categories_are_recorded_for_the_local_day_of_the_job(world: World) -> None:
    world.jobs.save(ArchiveJob(user=USER, timezone="Europe/Berlin"))
    world.calendars.add(ev("late", TODAY, "23:30", "23:45", "Late review", categories=["Too - Many - Dashes"]))

    outcome = world.changed("late")

    assert outcome.day == TOMORROW  # 00:30 in Berlin
    [record] = world.issues.for_user(USER)
    assert (record.day, record.source) == (TOMORROW, "live")
    assert any("Too many ' - ' separators" in issue for issue in record.issues)


def test_fixing_the_categories_clears_the_days_live_issues(world: World) -> None:
    world.calendars.add(ev("x", TOMORROW, "10:00", "11:00", categories=["Client - invalid"]))
    world.changed("x")
    assert world.issues.for_user(USER)

    world.calendars.events[PRIMARY]["x"]["categories"] = ["Client - billable"]
    world.changed("x")

    assert world.issues.for_user(USER) == []


def test_an_unresolvable_overlap_becomes_a_conflict_keyed_like_the_archive(world: World) -> None:
    first = world.calendars.add(ev("first", TOMORROW, "10:00", "11:00"))
    second = world.calendars.add(ev("second", TOMORROW, "10:30", "11:30"))
    world.calendars.add(ev("apart", TOMORROW, "15:00", "16:00"))

    assert world.changed("apart").conflicts == 0
    outcome = world.changed("second")

    appointments = [Appointment.from_graph(e).model_copy(update={"source_key": source_key(PRIMARY,
                    Appointment.from_graph(e))}) for e in (first, second)]
    expected_id = Conflict.make_id(USER, TOMORROW, group_key(appointments))
    [conflict] = world.conflicts.query(user=USER).items
    assert outcome.conflicts == 1 and conflict.id == expected_id
    assert [item.event_id for item in conflict.items] == ["first", "second"]


def test_a_marker_that_makes_its_meeting_overlap_another_records_the_conflict(world: World) -> None:
    world.calendars.add(ev("meeting", TOMORROW, "10:00", "11:00", "Client Meeting"))
    world.calendars.add(ev("steering", TOMORROW, "11:15", "12:00", "Steering group"))
    world.calendars.add(ev("marker", TOMORROW, "11:00", "11:30", "Extended"))

    outcome = world.changed("marker")

    [conflict] = world.conflicts.query(user=USER).items
    assert outcome.conflicts == 1
    assert [item.event_id for item in conflict.items] == ["meeting", "steering"]


def test_an_appointment_the_rules_drop_from_an_unresolved_overlap_still_records_it(world: World) -> None:
    maybe = world.calendars.add(ev("maybe", TOMORROW, "09:30", "10:15", showAs="tentative"))
    first = world.calendars.add(ev("first", TOMORROW, "10:00", "11:00"))
    second = world.calendars.add(ev("second", TOMORROW, "10:30", "11:30"))

    outcome = world.changed("maybe")

    appointments = [Appointment.from_graph(e).model_copy(update={"source_key": source_key(PRIMARY,
                    Appointment.from_graph(e))}) for e in (maybe, first, second)]
    [conflict] = world.conflicts.query(user=USER).items
    assert outcome.conflicts == 1
    assert conflict.id == Conflict.make_id(USER, TOMORROW, group_key(appointments))
    assert [item.event_id for item in conflict.items] == ["first", "second"]


def test_an_overlap_the_rules_resolve_is_no_conflict(world: World) -> None:
    world.calendars.add(ev("firm", TOMORROW, "10:00", "11:00"))
    world.calendars.add(ev("maybe", TOMORROW, "10:30", "11:30", showAs="tentative"))

    world.changed("maybe")

    assert world.conflicts.query(user=USER).items == []


def test_a_changed_past_appointment_updates_its_copy_and_an_unchanged_one_does_not(world: World) -> None:
    archive = world.calendars.add_calendar("Archive")
    moved = world.calendars.add(ev("moved", YESTERDAY, "09:00", "10:00", "Review"))
    same = world.calendars.add(ev("same", YESTERDAY, "11:00", "12:00", "Standup"))
    world.calendars.add(archived_copy(moved, "copy-moved", subject="Old subject"), archive)
    world.calendars.add(archived_copy(same, "copy-same"), archive)

    assert world.changed("same").copies_updated == []
    outcome = world.changed("moved")

    assert outcome.copies_updated == ["copy-moved"]
    assert [w.copy_id for w in world.calendars.copy_writes] == ["copy-moved"]
    assert world.calendars.events[archive]["copy-moved"]["subject"] == "Review"
    [row] = [r for r in world.audit("archive") if r.operation == "update_copy"]
    assert row.resource == f"{USER}/archive/copy-moved"


def test_a_marker_updates_the_copy_of_the_meeting_it_modifies(world: World) -> None:
    archive = world.calendars.add_calendar("Archive")
    meeting = world.calendars.add(ev("meeting", YESTERDAY, "10:00", "11:00", "Client Meeting"))
    world.calendars.add(archived_copy(meeting, "copy-meeting"), archive)
    world.calendars.add(ev("marker", YESTERDAY, "11:00", "11:30", "Extended"))

    outcome = world.changed("marker")

    assert outcome.copies_updated == ["copy-meeting"]
    assert world.calendars.events[archive]["copy-meeting"]["end"]["dateTime"].startswith(f"{YESTERDAY}T11:30")


def test_appointments_not_over_yet_never_touch_the_archive(world: World) -> None:
    archive = world.calendars.add_calendar("Archive")
    later = world.calendars.add(ev("later", TODAY, "15:00", "16:00", "Afternoon"))
    world.calendars.add(archived_copy(later, "copy-later", subject="Stale"), archive)

    world.changed("later")

    assert world.calendars.copy_writes == []


def test_a_failed_copy_update_is_audited_and_raised_for_a_retry(world: World) -> None:
    archive = world.calendars.add_calendar("Archive")
    moved = world.calendars.add(ev("moved", YESTERDAY, "09:00", "10:00", "Review"))
    world.calendars.add(archived_copy(moved, "copy-moved", subject="Old"), archive)
    world.calendars.fail_copy_writes = True

    with pytest.raises(CopyUpdateError, match="copy-moved"):
        world.changed("moved")

    [row] = [r for r in world.audit("archive") if r.operation == "update_copy"]
    assert row.status == "failure"


def test_what_is_not_a_source_appointment_is_skipped(world: World) -> None:
    archive = world.calendars.add_calendar("Archive")
    source = ev("src", TOMORROW, "10:00", "11:00", categories=[])
    world.calendars.add(archived_copy(source, "a-copy", categories=[]), archive)
    other = world.calendars.add_calendar("Holidays")
    world.calendars.add(ev("elsewhere", TOMORROW, "10:00", "11:00", categories=[]), other)

    assert world.changed("a-copy").skipped == "an archive copy, not a source appointment"
    assert world.changed("elsewhere").skipped == "not in the source calendar"
    assert world.changed("vanished").skipped == "the event no longer exists"
    assert world.calendars.patches == []


def test_an_uncategorised_series_master_is_made_private_as_a_whole(world: World) -> None:
    world.calendars.add(ev("master", TOMORROW, "08:00", "08:30", "Gym", categories=[], type="seriesMaster"))

    outcome = world.changed("master")

    assert outcome.privacy_changed == ["master"]


def test_a_series_master_outside_the_source_calendar_is_left_alone(world: World) -> None:
    holidays = world.calendars.add_calendar("Holidays")
    world.calendars.add(ev("school", TOMORROW, "08:00", "08:30", "School run", categories=[], type="seriesMaster"),
                        holidays)

    outcome = world.changed("school")

    assert outcome.skipped == "not in the source calendar"
    assert world.calendars.patches == []


def test_a_series_master_is_found_through_its_occurrences_in_the_source_calendar(world: World) -> None:
    # calendarView returns occurrences, never the master: they name it in seriesMasterId.
    master = ev("gym", TOMORROW, "07:00", "08:00", "Gym", categories=[], type="seriesMaster")
    world.calendars.add(master, world.calendars.add_calendar("Masters"))
    world.calendars.add(ev("gym-2", date(2026, 11, 27), "07:00", "08:00", "Gym", categories=[], type="occurrence",
                           seriesMasterId="gym"))

    assert world.changed("gym").privacy_changed == ["gym"]


def test_a_deletion_is_noted_on_the_archive_copy_which_is_kept(world: World) -> None:
    archive = world.calendars.add_calendar("Archive")
    meeting = world.calendars.add(ev("gone", YESTERDAY, "09:00", "10:00", "Workshop"))
    world.calendars.add(archived_copy(meeting, "copy-gone"), archive)
    del world.calendars.events[PRIMARY]["gone"]

    outcome = world.changed("gone", "deleted")  # never seen before: the copy names its source event

    assert outcome.deletion_noted
    [row] = [r for r in world.audit("archive") if r.operation == "source_deleted"]
    assert row.resource == f"{USER}/archive/copy-gone" and row.details["copy_id"] == "copy-gone"
    assert "copy-gone" in world.calendars.events[archive]


def test_a_deletion_finds_an_older_copy_without_its_source_event_id_by_the_remembered_key(world: World) -> None:
    archive = world.calendars.add_calendar("Archive")
    meeting = world.calendars.add(ev("gone", YESTERDAY, "09:00", "10:00", "Workshop"))
    older = archived_copy(meeting, "copy-gone")
    older["singleValueExtendedProperties"] = older["singleValueExtendedProperties"][:1]  # the source key only
    world.calendars.add(older, archive)
    world.changed("gone")  # seen while it existed: its key is remembered
    del world.calendars.events[PRIMARY]["gone"]

    outcome = world.changed("gone", "deleted")

    assert outcome.deletion_noted
    [row] = [r for r in world.audit("archive") if r.operation == "source_deleted"]
    assert row.resource == f"{USER}/archive/copy-gone"
    assert row.details["source_key"] == source_key(PRIMARY, Appointment.from_graph(meeting))
    assert "copy-gone" in world.calendars.events[archive]
    assert world.index.get(USER, "gone") is None


def test_a_deletion_of_an_unknown_appointment_is_still_noted(world: World) -> None:
    world.index.remember(SourceEntry(user="someone@else.example", event_id="x", source_key="k", day=TODAY))

    world.changed("x", "deleted")

    [row] = [r for r in world.audit("archive") if r.operation == "source_deleted"]
    assert row.resource == f"{USER}/events/x" and "no archive copy" in row.message


def test_the_resync_window_is_two_days_back_and_a_week_ahead() -> None:
    days = resync_days(TODAY)

    assert (days[0], days[-1], len(days)) == (date(2026, 11, 22), date(2026, 12, 1), 10)
