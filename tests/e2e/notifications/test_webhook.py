"""The webhook and lifecycle endpoints through the local host: handshake, input errors, clientState checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from shared.bootstrap import container
from tests.e2e.notifications.conftest import Stack, run_cli, tomorrow
from tests.polling import wait_for

ROOT = Path(__file__).resolve().parents[3]
ENDPOINTS = ("graph/notifications", "graph/lifecycle")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_validation_handshake_answers_the_decoded_token_as_text(stack: Stack, endpoint: str) -> None:
    token = "Validation: Testing client application reachability for subscription Request-Id: 7f3e+a&b=c"

    response = requests.post(f"{stack.api}/{endpoint}", params={"validationToken": token},
                             headers={"Content-Type": "text/plain; charset=utf-8"}, timeout=10)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.text == token


def test_subscribe_command_creates_a_subscription_both_urls_validated(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_cli("subscribe", "--user", stack.user, "--notification-url", stack.notification_url,
                   "--lifecycle-url", stack.lifecycle_url)

    assert code == 0
    [created] = stack.sim.subscriptions()  # the simulator refuses a subscription whose handshakes fail
    assert created["notificationUrl"] == stack.notification_url
    assert created["lifecycleNotificationUrl"] == stack.lifecycle_url
    assert created["changeType"] == "created,updated,deleted"
    assert created["resource"] == f"users/{stack.user}/events"
    [record] = container().subscriptions.for_user(stack.user)
    assert record.id == created["id"]
    assert record.client_state == created["clientState"] and len(record.client_state) >= 32
    assert record.id in capsys.readouterr().out
    [row] = stack.audit("subscription")
    assert (row.operation, row.status) == ("create", "success")
    assert record.client_state not in row.model_dump_json()


def test_the_installed_command_subscribes_and_lists_from_a_fresh_process(stack: Stack, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the stack's settings, as a user's shell would carry them

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "shared", *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=120)

    subscribed = cli("subscribe", "--user", stack.user, "--notification-url", stack.notification_url)
    listed = cli("subscriptions", "list", "--json")

    assert subscribed.returncode == 0, subscribed.stderr
    [created] = stack.sim.subscriptions()
    assert created["lifecycleNotificationUrl"] == stack.lifecycle_url  # defaulted next to the notification URL
    assert subscribed.stdout.startswith(f"subscription {created['id']} for {stack.user} until ")
    assert listed.returncode == 0, listed.stderr
    [row] = [r for r in json.loads(listed.stdout) if r["user"] == stack.user]
    assert row["id"] == created["id"] and "client_state" not in row
    assert created["clientState"] not in subscribed.stdout + subscribed.stderr + listed.stdout + listed.stderr


def test_subscribe_command_without_a_reachable_webhook_fails_with_one_line(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_cli("subscribe", "--user", stack.user, "--notification-url", "http://127.0.0.1:9/api/graph/notifications")

    assert code == 2
    assert "could not subscribe" in capsys.readouterr().err
    assert stack.sim.subscriptions() == []


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        (b"", "body"),
        (b"[1, 2]", "body"),
        (b'{"value": "nope"}', "value"),
        (b'{"value": [{"subscriptionId": 42}]}', "value.0.subscriptionId"),
    ],
)
def test_malformed_or_misshapen_bodies_are_400_problems(stack: Stack, endpoint: str, body: bytes, field: str) -> None:
    response = requests.post(f"{stack.api}/{endpoint}", data=body,
                             headers={"Content-Type": "application/json"}, timeout=10)

    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_json_nested_too_deeply_to_parse_is_a_400_not_a_server_error(stack: Stack, endpoint: str) -> None:
    response = requests.post(f"{stack.api}/{endpoint}", data=b'{"value": ' + b"[" * 100_000,
                             headers={"Content-Type": "application/json"}, timeout=10)

    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "body"


def test_an_unknown_change_type_is_a_400_naming_it(stack: Stack) -> None:
    item = {"subscriptionId": "s", "clientState": "x", "changeType": "moved", "resource": "Users/u/Events/e"}

    response = requests.post(stack.notification_url, json={"value": [item]}, timeout=10)

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "value.0.changeType"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_body_over_one_megabyte_is_413(stack: Stack, endpoint: str) -> None:
    padding = "x" * (1024 * 1024)
    body = json.dumps({"value": [], "padding": padding}).encode()

    response = requests.post(f"{stack.api}/{endpoint}", data=body,
                             headers={"Content-Type": "application/json"}, timeout=10)

    assert response.status_code == 413
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_notifications_for_unknown_subscriptions_are_accepted_and_ignored(stack: Stack) -> None:
    item = {"subscriptionId": "not-ours", "clientState": "guess", "changeType": "updated",
            "resource": "Users/u/Events/e", "resourceData": {"id": "e", "@odata.etag": 'W/"1"'}}

    response = requests.post(stack.notification_url, json={"value": [item]}, timeout=10)

    assert response.status_code == 202
    stack.host.drain_queues(timeout=10)
    assert stack.sim.requests == []


def test_a_wrong_client_state_leads_to_no_patch(stack: Stack) -> None:
    personal = stack.add_event(tomorrow(), "10:00", "11:00", "Dentist", categories=[])
    record = stack.subscribe()
    container().subscriptions.save(record.model_copy(update={"client_state": "a" * 64}))
    stack.sim.clear_requests()

    status = stack.sim.send_notifications(record.id, [("updated", personal["id"])])

    assert status == 202
    stack.host.drain_queues(timeout=10)
    assert stack.patches_of(personal["id"]) == []
    assert stack.sim.event(stack.user, personal["id"])["sensitivity"] == "normal"


def test_the_answer_is_quick_and_nothing_slow_happens_in_the_request(stack: Stack) -> None:
    personal = stack.add_event(tomorrow(), "10:00", "11:00", "Dentist", categories=[])
    record = stack.subscribe()
    stack.sim.faults.latency_ms = 800  # Graph is slow: the webhook must not wait for it

    started = time.monotonic()
    status = stack.sim.send_notifications(record.id, [("updated", personal["id"])])
    elapsed = time.monotonic() - started
    stack.sim.faults.latency_ms = 0

    assert status == 202
    assert elapsed < 0.5
    wait_for(lambda: stack.patches_of(personal["id"]), timeout=20)
