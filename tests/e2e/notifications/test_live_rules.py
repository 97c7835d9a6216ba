"""Per-event processing: the simulator notifies, the queue worker applies the rules against the simulator."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
import requests

from shared.bootstrap import container
from shared.cli import main
from shared.domain.conflicts import Conflict
from tests.e2e.notifications.conftest import Stack, event, tomorrow, yesterday
from tests.polling import wait_for


def _archive(stack: Stack, day: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """The nightly archive of a day, run for real (same code as the timer's orchestration)."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(["archive", "--user", stack.user, "--date", day, "--json"])
    assert done.value.code == 0
    return json.loads(capsys.readouterr().out)


def _archive_copies(stack: Stack) -> list[dict[str, Any]]:
    [archive] = [c for c in stack.sim.calendars(stack.user) if c["name"] == "Archive"]
    return stack.sim.events(stack.user, archive["id"])


def test_an_uncategorised_event_is_patched_private_exactly_once(stack: Stack) -> None:
    personal = stack.add_event(tomorrow(), "10:00", "11:00", "Dentist", categories=[])
    record = stack.subscribe()
    stack.sim.clear_requests()

    stack.sim.send_notifications(record.id, [("created", personal["id"])])
    stack.host.drain_queues(timeout=15)

    [patch] = stack.patches_of(personal["id"])
    assert patch.body == {"sensitivity": "private"}
    assert stack.sim.event(stack.user, personal["id"])["sensitivity"] == "private"
    [change] = container().privacy_log.for_user(stack.user)
    assert (change.event_id, change.old, change.new, change.changed_by) == (personal["id"], "normal", "private", "live")
    [row] = stack.audit("privacy")
    assert (row.operation, row.status) == ("mark_private", "success")


def test_the_same_notification_delivered_three_times_patches_once(stack: Stack) -> None:
    personal = stack.add_event(tomorrow(), "12:00", "13:00", "Flight to Oslo", categories=["Acme Corp - billable"])
    record = stack.subscribe()
    stack.sim.clear_requests()

    stack.sim.send_notifications(record.id, [("updated", personal["id"])] * 3)  # three in one delivery
    for _ in range(2):  # and the delivery itself again, twice (the etag is unchanged until we patch)
        stack.sim.send_notifications(record.id, [("updated", personal["id"])])
    stack.host.drain_queues(timeout=15)

    assert len(stack.patches_of(personal["id"])) == 1
    assert len(stack.requests_to(personal["id"], "GET")) == 1  # the duplicates never reached the worker
    assert stack.sim.event(stack.user, personal["id"])["sensitivity"] == "private"  # travel counts as private


def test_the_same_bytes_posted_three_times_patch_once(stack: Stack) -> None:
    personal = stack.add_event(tomorrow(), "16:00", "17:00", "Piano lesson", categories=[])
    record = stack.subscribe()
    resource = f"Users/{stack.user}/Events/{personal['id']}"
    body = json.dumps({"value": [{
        "subscriptionId": record.id, "subscriptionExpirationDateTime": record.expiration.isoformat(),
        "changeType": "created", "resource": resource, "clientState": record.client_state,
        "tenantId": stack.sim.tenant_id,
        "resourceData": {"@odata.type": "#Microsoft.Graph.Event", "@odata.id": resource,
                         "@odata.etag": personal["@odata.etag"], "id": personal["id"]},
    }]}).encode()
    stack.sim.clear_requests()

    answers = [requests.post(stack.notification_url, data=body, headers={"Content-Type": "application/json"},
                             timeout=10).status_code for _ in range(3)]
    stack.host.drain_queues(timeout=15)

    assert answers == [202, 202, 202]  # a redelivery is acknowledged like the first, or Graph keeps retrying
    assert len(stack.patches_of(personal["id"])) == 1
    assert stack.sim.event(stack.user, personal["id"])["sensitivity"] == "private"


def _daily(start: date) -> dict[str, Any]:
    return {"recurrence": {"pattern": {"type": "daily", "interval": 1},
                           "range": {"type": "numberOfOccurrences", "startDate": start.isoformat(),
                                     "numberOfOccurrences": 5}},
            "categories": []}


def test_an_uncategorised_series_is_made_private_only_in_the_source_calendar(stack: Stack) -> None:
    ours = stack.add_event(tomorrow(), "07:00", "08:00", "Gym", **_daily(tomorrow()))
    family = stack.sim.add_calendar(stack.user, "Family")
    theirs = stack.sim.add_event(stack.user, event(tomorrow(), "07:30", "08:00", "School run",
                                                   **_daily(tomorrow())), family)
    record = stack.subscribe()
    stack.sim.clear_requests()

    stack.sim.send_notifications(record.id, [("updated", ours["id"]), ("updated", theirs["id"])])
    stack.host.drain_queues(timeout=15)

    assert [p.body for p in stack.patches_of(ours["id"])] == [{"sensitivity": "private"}]
    assert stack.patches_of(theirs["id"]) == []


class BrokenQueue:
    def send_many(self, messages: object) -> None:
        raise ConnectionError("queue service unavailable")


def test_a_delivery_that_cannot_be_queued_is_503_and_its_redelivery_is_not_a_duplicate(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    personal = stack.add_event(tomorrow(), "12:00", "13:00", "Dentist", categories=[])
    record = stack.subscribe()
    working = container().notification_queue
    monkeypatch.setattr(container(), "notification_queue", BrokenQueue())

    assert stack.sim.send_notifications(record.id, [("updated", personal["id"])]) == 503

    monkeypatch.setattr(container(), "notification_queue", working)
    assert stack.sim.send_notifications(record.id, [("updated", personal["id"])]) == 202
    stack.host.drain_queues(timeout=15)
    assert len(stack.patches_of(personal["id"])) == 1


def test_work_appointments_are_left_alone_and_invalid_categories_become_issues(stack: Stack) -> None:
    work = stack.add_event(tomorrow(), "09:00", "10:00", "Planning", categories=["Acme Corp - billable"])
    odd = stack.add_event(tomorrow(), "14:00", "15:00", "Review", categories=["Invalid Category"])
    already = stack.add_event(tomorrow(), "16:00", "17:00", "Gym", categories=[], sensitivity="private")
    record = stack.subscribe()
    stack.sim.clear_requests()

    stack.sim.send_notifications(record.id, [("created", work["id"]), ("created", odd["id"]),
                                             ("created", already["id"])])
    stack.host.drain_queues(timeout=15)

    assert [r for r in stack.sim.requests if r.method == "PATCH"] == []
    [issues] = container().issue_log.for_user(stack.user, tomorrow(), tomorrow())
    assert issues.source == "live"
    assert any("Missing ' - ' separator in category: Invalid Category" in issue for issue in issues.issues)


def test_an_unresolvable_overlap_becomes_the_days_conflict_row_with_the_archives_key(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    first = stack.add_event(tomorrow(), "10:00", "11:00", "Client call")
    second = stack.add_event(tomorrow(), "10:30", "11:30", "Steering group")
    record = stack.subscribe()

    stack.sim.send_notifications(record.id, [("created", second["id"])])
    stack.host.drain_queues(timeout=15)

    [conflict] = container().conflicts.query(user=stack.user, start=tomorrow(), end=tomorrow()).items
    assert {item.event_id for item in conflict.items} == {first["id"], second["id"]}
    assert conflict.id == Conflict.make_id(stack.user, tomorrow(), conflict.group_key)
    _archive(stack, tomorrow().isoformat(), capsys)
    # The nightly archive finds the very same row (same id), it does not add a second one.
    [after_archive] = container().conflicts.query(user=stack.user, start=tomorrow(), end=tomorrow()).items
    assert after_archive.id == conflict.id


def test_a_changed_past_appointment_updates_its_archive_copy(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    meeting = stack.add_event(yesterday(), "09:00", "10:00", "Quarterly review")
    _archive(stack, yesterday().isoformat(), capsys)
    [copy] = _archive_copies(stack)
    record = stack.subscribe()
    stack.sim.update_event(stack.user, meeting["id"], {"subject": "Quarterly review (moved room)"})
    stack.sim.clear_requests()

    stack.sim.send_notifications(record.id, [("updated", meeting["id"])])
    stack.host.drain_queues(timeout=15)

    assert len(stack.patches_of(copy["id"])) == 1
    [updated] = _archive_copies(stack)
    assert (updated["id"], updated["subject"]) == (copy["id"], "Quarterly review (moved room)")
    assert [r.operation for r in stack.audit("archive") if r.resource.endswith(copy["id"])] == ["update_copy"]


def test_an_unchanged_past_appointment_leaves_its_copy_alone(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    meeting = stack.add_event(yesterday(), "09:00", "10:00", "Quarterly review")
    _archive(stack, yesterday().isoformat(), capsys)
    [copy] = _archive_copies(stack)
    record = stack.subscribe()
    stack.sim.clear_requests()

    stack.sim.send_notifications(record.id, [("updated", meeting["id"])])
    stack.host.drain_queues(timeout=15)

    assert stack.patches_of(copy["id"]) == []


def test_a_deleted_appointment_is_noted_on_its_archive_copys_audit_trail(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    meeting = stack.add_event(yesterday(), "13:00", "14:00", "Workshop")
    _archive(stack, yesterday().isoformat(), capsys)
    [copy] = _archive_copies(stack)
    record = stack.subscribe()  # after the archive, and no change of the meeting is seen before its deletion

    stack.sim.delete_event(stack.user, meeting["id"])
    stack.sim.send_notifications(record.id, [("deleted", meeting["id"])])
    stack.host.drain_queues(timeout=15)

    noted = [r for r in stack.audit("archive") if r.operation == "source_deleted"]
    assert [r.resource for r in noted] == [f"{stack.user}/archive/{copy['id']}"]
    assert noted[0].details["source_event_id"] == meeting["id"]
    assert [c["id"] for c in _archive_copies(stack)] == [copy["id"]]  # the archive copy is kept


def test_a_message_that_keeps_failing_ends_in_the_poison_queue_with_its_reason(stack: Stack) -> None:
    started = datetime.now(UTC)
    stack.enqueue_raw('{"kind": "change", "user": "x@contoso.example"}')

    stack.host.drain_queues(timeout=20)

    poisoned = wait_for(lambda: stack.queue("-poison").peek_messages(max_messages=5), timeout=10)
    assert len(poisoned) == 1
    rows = stack.audit("notification", any_user=True)
    [row] = [r for r in rows if r.operation == "poison" and r.timestamp >= started]
    assert row.status == "failure"
    assert "5 attempts" in row.message and "ValidationError" in row.message
