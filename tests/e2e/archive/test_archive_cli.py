"""The archive through the CLI, against the Graph simulator and Azurite."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from devtools.graph_simulator import GraphSimulator
from shared.bootstrap import reset_container
from shared.domain.archive_copy import SOURCE_KEY_PROPERTY_ID
from tests.stack import USER, audit_rows, event, slot

DAY = "2026-11-24"


def archive_copies(sim: GraphSimulator) -> list[dict]:
    archive = next(c for c in sim.calendars(USER) if c["name"] == "Archive")
    return sim.events(USER, archive["id"])


def realistic_day(sim: GraphSimulator) -> dict[str, dict]:
    attendees = [
        {"type": "required", "emailAddress": {"name": "Lee Gu", "address": "lee@contoso.example"}},
        {"type": "optional", "emailAddress": {"name": "Adele Vance", "address": "adele@contoso.example"}},
    ]
    seeded = {
        "meeting": event(DAY, "09:00", "10:00", "Acme planning", attendees=attendees, isOnlineMeeting=True,
                         onlineMeeting={"joinUrl": "https://teams.example/join/1"}),
        "marker": event(DAY, "10:00", "10:30", "Extended"),
        "personal": event(DAY, "12:00", "13:00", "Dentist", categories=[]),
        "travel": event(DAY, "07:00", "08:00", "Drive to Acme"),
        "cancelled": event(DAY, "14:00", "15:00", "Cancelled sync", isCancelled=True),
        "all_day": {**event(DAY, "00:00", "00:00", "Conference", isAllDay=True, showAs="free"),
                    "end": {"dateTime": "2026-11-25T00:00:00", "timeZone": "UTC"}},
        "busy": event(DAY, "15:00", "16:00", "Design review"),
        "tentative": event(DAY, "15:30", "16:30", "Optional talk", showAs="tentative"),
        "yesterday": event("2026-11-23", "23:00", "23:59", "Late call"),
    }
    return {name: sim.add_event(USER, body) for name, body in seeded.items()}


def test_a_realistic_day_is_archived_completely_with_safe_copies(stack, cli):
    source = realistic_day(stack)

    run = cli("archive", "--user", USER, "--date", DAY, "--json")

    assert run.code == 0, run.stderr
    result = run.json()
    assert set(result) >= {"fetched", "archived", "already_archived", "conflicts", "failed", "instance_id"}
    # Everything of the day but the marker (merged) and the cancelled meeting; the late call belongs to the 23rd.
    assert (result["fetched"], result["archived"], result["failed"], result["conflicts"]) == (8, 6, 0, 0)
    copies = {c["subject"]: c for c in archive_copies(stack)}
    assert set(copies) == {"Acme planning", "Dentist", "Drive to Acme", "Conference", "Design review", "Optional talk"}
    meeting = copies["Acme planning"]
    assert not meeting.get("attendees")
    assert not meeting.get("isOnlineMeeting")
    assert "Lee Gu" in meeting["body"]["content"] and "https://teams.example/join/1" in meeting["body"]["content"]
    assert meeting["end"]["dateTime"].startswith(f"{DAY}T10:30"), "the Extended marker lengthens the meeting"
    assert copies["Dentist"]["sensitivity"] == "private"
    assert copies["Drive to Acme"]["sensitivity"] == "private"
    assert copies["Design review"].get("sensitivity", "normal") == "normal"
    for copy in copies.values():
        props = {p["id"]: p["value"] for p in copy.get("singleValueExtendedProperties", [])}
        assert props.get(SOURCE_KEY_PROPERTY_ID), copy["subject"]
    # The personal and travel appointments are made private on the source calendar too.
    assert stack.event(USER, source["personal"]["id"])["sensitivity"] == "private"
    assert stack.event(USER, source["travel"]["id"])["sensitivity"] == "private"
    assert stack.event(USER, source["busy"]["id"]).get("sensitivity", "normal") == "normal"


def test_a_rerun_creates_nothing(stack, cli):
    realistic_day(stack)
    first = cli("archive", "--user", USER, "--date", DAY, "--json").json()
    stack.clear_requests()

    second = cli("archive", "--user", USER, "--date", DAY, "--json")

    assert second.code == 0
    again = second.json()
    assert again["archived"] == 0
    assert again["already_archived"] == first["archived"]
    assert len(archive_copies(stack)) == first["archived"]
    assert not [r for r in stack.requests if r.method in ("POST", "PATCH") and r.batch_item]


def test_a_changed_source_event_updates_exactly_its_copy(stack, cli):
    source = realistic_day(stack)
    cli("archive", "--user", USER, "--date", DAY, "--json")
    before = {c["id"]: c["subject"] for c in archive_copies(stack)}
    stack.update_event(USER, source["busy"]["id"], {"subject": "Design review (moved room)"})
    stack.clear_requests()

    run = cli("archive", "--user", USER, "--date", DAY, "--json")

    assert run.json()["archived"] == 1
    writes = [r for r in stack.requests if r.batch_item and r.method in ("POST", "PATCH")]
    assert [r.method for r in writes] == ["PATCH"]
    after = {c["id"]: c["subject"] for c in archive_copies(stack)}
    assert set(after) == set(before)
    changed = {i for i in after if after[i] != before[i]}
    assert len(changed) == 1 and after[changed.pop()] == "Design review (moved room)"


def test_a_day_in_auckland_asks_graph_for_local_midnight_to_midnight(stack, cli):
    stack.add_event(USER, event("2026-11-23", "11:30", "12:30", "Early Tuesday in Auckland"))

    run = cli("archive", "--user", USER, "--date", DAY, "--timezone", "Pacific/Auckland", "--json")

    assert run.code == 0
    assert run.json()["archived"] == 1
    views = [r for r in stack.requests if r.path.endswith("/calendarView") and "Archive" not in r.path]
    first = views[0].query
    auckland = ZoneInfo("Pacific/Auckland")
    assert datetime.fromisoformat(first["startDateTime"]) == datetime(2026, 11, 24, tzinfo=auckland)
    assert datetime.fromisoformat(first["endDateTime"]) == datetime(2026, 11, 25, tzinfo=auckland)
    offset = datetime.fromisoformat(first["startDateTime"]).utcoffset()
    assert offset is not None and offset.total_seconds() == 13 * 3600


def test_throttling_and_random_faults_lose_and_duplicate_nothing(stack, cli, monkeypatch):
    # A batch attempt fails for an item when the envelope or the item draws a fault (1 - 0.8 x 0.8 = 36 %); with 12
    # attempts an item is lost once in ~200,000, so a failure here is a real defect, not bad luck.
    monkeypatch.setenv("GRAPH_MAX_ATTEMPTS", "12")
    reset_container()
    for i in range(30):
        stack.add_event(USER, slot(DAY, i, f"Call {i}"))
    stack.faults.throttle_first(3, retry_after="0.05")
    stack.faults.random_errors(probability=0.2, seed=11, statuses=(429, 503), retry_after="0.05")

    run = cli("archive", "--user", USER, "--date", DAY, "--json")

    assert run.code == 0, run.stdout + run.stderr
    assert (run.json()["archived"], run.json()["failed"]) == (30, 0)
    assert sum(1 for r in stack.requests if r.status in (429, 503)) >= 3
    subjects = sorted(c["subject"] for c in archive_copies(stack))
    assert subjects == sorted(f"Call {i}" for i in range(30))
    again = cli("archive", "--user", USER, "--date", DAY, "--json").json()
    assert (again["archived"], again["already_archived"]) == (0, 30)
    assert len(archive_copies(stack)) == 30


def test_a_poison_event_is_reported_not_lost(stack, cli):
    day = "2026-10-07"  # a day no other test archives, so its audit rows are this run's alone
    stack.add_event(USER, event(day, "09:00", "10:00", "Poison"))
    stack.add_event(USER, event(day, "11:00", "12:00", "Healthy"))
    stack.faults.fail_writes_for(lambda body: isinstance(body, dict) and body.get("subject") == "Poison")

    run = cli("archive", "--user", USER, "--date", day, "--json")

    assert run.code == 1
    result = run.json()
    assert (result["archived"], result["failed"]) == (1, 1)
    assert result["days"][0]["failures"][0]["subject"] == "Poison"
    rows = [r for r in audit_rows(USER) if r.action == "archive" and r.correlation_id == result["instance_id"]]
    assert [r.status for r in rows] == ["partial"]
    assert "Poison" in str(rows[0].details["failures"])


def test_bad_input_exits_2_with_one_line(stack, cli):
    run = cli("archive", "--user", USER, "--date", "next blursday")
    assert run.code == 2
    assert run.stderr.count("\n") == 1 and "next blursday" in run.stderr

    zone = cli("archive", "--user", USER, "--timezone", "Mars/Olympus")
    assert zone.code == 2 and "Mars/Olympus" in zone.stderr

    neither = cli("archive")
    assert neither.code == 2 and "--user" in neither.stderr


def test_an_unknown_calendar_or_mailbox_is_bad_input(stack, cli):
    calendar = cli("archive", "--user", USER, "--date", DAY, "--source", "Holidays")
    assert calendar.code == 2
    assert calendar.stderr.count("\n") == 1 and "Holidays" in calendar.stderr

    mailbox = cli("archive", "--user", "nobody@contoso.example", "--date", DAY)
    assert mailbox.code == 2 and mailbox.stderr.startswith("error:")


def test_the_readable_summary_names_conflicts(stack, cli):
    stack.add_event(USER, event(DAY, "10:00", "11:00", "Board meeting", importance="high"))
    stack.add_event(USER, event(DAY, "10:30", "11:30", "Customer escalation", importance="high"))

    run = cli("archive", "--user", USER, "--date", DAY)

    assert run.code == 0
    assert "Board meeting" in run.stdout and "Customer escalation" in run.stdout
