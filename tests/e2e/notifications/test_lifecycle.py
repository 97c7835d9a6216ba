"""Lifecycle notifications and the hourly subscription upkeep, through the local host against the simulator."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import requests

from shared.bootstrap import container
from shared.domain.jobs import ArchiveJob
from shared.domain.subscriptions import SubscriptionRecord
from tests.e2e.notifications.conftest import Stack, run_cli, tomorrow
from tests.polling import wait_for


def _subscription_calls(stack: Stack, method: str, suffix: str = "") -> list[str]:
    return [r.path for r in stack.sim.requests
            if r.method == method and r.path.startswith("/subscriptions") and r.path.endswith(suffix)]


def _records(stack: Stack) -> list[SubscriptionRecord]:
    return container().subscriptions.for_user(stack.user)


def test_reauthorization_required_leads_to_a_reauthorize_call(stack: Stack) -> None:
    record = stack.subscribe()
    stack.sim.clear_requests()

    assert stack.sim.send_lifecycle(record.id, "reauthorizationRequired") == 202
    stack.host.drain_queues(timeout=15)

    assert _subscription_calls(stack, "POST", "/reauthorize") == [f"/subscriptions/{record.id}/reauthorize"]
    assert [r.operation for r in stack.audit("subscription")] == ["create", "reauthorize"]


def test_subscription_removed_leads_to_a_new_subscription_and_a_resync(stack: Stack) -> None:
    missed_change = stack.add_event(tomorrow(), "08:00", "09:00", "School run", categories=[])
    record = stack.subscribe()

    stack.sim.send_lifecycle(record.id, "subscriptionRemoved")
    stack.host.drain_queues(timeout=30)

    [replacement] = stack.sim.subscriptions()
    assert replacement["id"] != record.id
    assert replacement["lifecycleNotificationUrl"] == stack.lifecycle_url
    [stored] = _records(stack)
    assert stored.id == replacement["id"] and stored.client_state != record.client_state
    operations = [r.operation for r in stack.audit("subscription")]
    assert operations == ["create", "recreate"]
    # The resync caught the change made while nothing was listening.
    assert [p.body for p in stack.patches_of(missed_change["id"])] == [{"sensitivity": "private"}]


def test_missed_resyncs_the_window_without_touching_the_subscription(stack: Stack) -> None:
    missed_change = stack.add_event(tomorrow(), "18:00", "19:00", "Drive home", categories=["Acme Corp - billable"])
    record = stack.subscribe()
    stack.sim.clear_requests()

    stack.sim.send_lifecycle(record.id, "missed")
    stack.host.drain_queues(timeout=30)

    assert len(stack.patches_of(missed_change["id"])) == 1
    assert [s["id"] for s in stack.sim.subscriptions()] == [record.id]
    assert _subscription_calls(stack, "POST") == []


def test_a_lifecycle_notification_with_a_wrong_client_state_is_ignored(stack: Stack) -> None:
    record = stack.subscribe()
    container().subscriptions.save(record.model_copy(update={"client_state": "b" * 64}))
    stack.sim.clear_requests()

    stack.sim.send_lifecycle(record.id, "reauthorizationRequired")
    stack.host.drain_queues(timeout=15)

    assert _subscription_calls(stack, "POST") == []


def test_the_hourly_upkeep_creates_renews_recreates_and_deletes(stack: Stack) -> None:
    jobs = container().jobs
    for leftover in jobs.list():  # the upkeep goes over every job: other tests' mailboxes are not in this simulator
        jobs.delete(leftover.id)
    enabled = jobs.save(ArchiveJob(user=stack.user))
    run_upkeep = f"{stack.host.base_url}/admin/functions/renew_subscriptions"

    assert requests.post(run_upkeep, timeout=10).status_code == 202
    [created] = wait_for(lambda: _records(stack), timeout=15)
    assert created.job_id == enabled.id and [s["id"] for s in stack.sim.subscriptions()] == [created.id]

    # Expiring within 48 hours: renewed (Graph still has it for 7 days; our record says otherwise).
    soon = container().subscriptions.save(created.model_copy(update={"expiration": stack_now() + timedelta(hours=3)}))
    requests.post(run_upkeep, timeout=10)
    wait_for(lambda: [r for r in _records(stack) if r.expiration - stack_now() > timedelta(days=6)], timeout=15)
    assert _subscription_calls(stack, "PATCH") == [f"/subscriptions/{soon.id}"]

    # Removed in Graph behind our back: created again.
    stack.sim.remove_subscription(created.id)
    requests.post(run_upkeep, timeout=10)
    [recreated] = wait_for(lambda: [r for r in _records(stack) if r.id != created.id], timeout=15)
    assert [s["id"] for s in stack.sim.subscriptions()] == [recreated.id]

    # The job is disabled: its subscription goes, in Graph and here.
    jobs.save(jobs.get(enabled.id).model_copy(update={"enabled": False}))  # type: ignore[union-attr]
    requests.post(run_upkeep, timeout=10)
    wait_for(lambda: not _records(stack), timeout=15)
    assert stack.sim.subscriptions() == []

    def audited() -> list[str] | None:
        # The record goes first and its audit row right after: wait for the row rather than race it.
        operations = [row.operation for row in stack.audit("subscription")]
        return operations if operations[-1:] == ["delete"] else None

    assert wait_for(audited, timeout=15, what="the delete's audit row") == ["create", "renew", "recreate", "delete"]


def test_the_command_line_lists_renews_and_deletes(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    record = stack.subscribe()

    assert run_cli("subscriptions", "list", "--json") == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["id"] == record.id and listed["user"] == stack.user and "client_state" not in listed
    assert run_cli("subscriptions", "list") == 0
    table = capsys.readouterr().out
    assert stack.user[:8] in table and record.client_state not in table
    assert run_cli("subscriptions", "renew", record.id) == 0
    assert _subscription_calls(stack, "PATCH") == [f"/subscriptions/{record.id}"]
    assert run_cli("subscriptions", "delete", record.id) == 0
    assert stack.sim.subscriptions() == [] and _records(stack) == []
    assert run_cli("subscriptions", "delete", record.id) == 2
    assert "no subscription" in capsys.readouterr().err


def stack_now() -> datetime:
    return container().clock()
