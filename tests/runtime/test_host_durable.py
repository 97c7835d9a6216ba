from __future__ import annotations

import uuid
from typing import Any

import requests

from tests.polling import wait_for
from tests.runtime.sample_app import APPROVAL_ORCHESTRATOR, GREETING_ORCHESTRATOR


def _start(base_url: str, name: str, **body: Any) -> requests.Response:
    return requests.post(f"{base_url}/api/orchestrators/{name}", json=body, timeout=10)


def _final_status(status_url: str) -> dict[str, Any]:
    def finished() -> dict[str, Any] | None:
        response = requests.get(status_url, timeout=10)
        assert response.status_code in (200, 202)
        payload: dict[str, Any] = response.json()
        return payload if response.status_code == 200 else None

    return wait_for(finished, timeout=20)


def test_http_starter_returns_check_status_payload_served_by_the_host(base_url: str) -> None:
    response = _start(base_url, GREETING_ORCHESTRATOR, input=["Ann", "Bo"])

    assert response.status_code == 202
    links = response.json()
    instance_id = links["id"]
    for key in ("statusQueryGetUri", "sendEventPostUri", "terminatePostUri", "purgeHistoryDeleteUri"):
        assert links[key].startswith(f"{base_url}/runtime/webhooks/durabletask/instances/{instance_id}")
    assert response.headers["Location"] == links["statusQueryGetUri"]

    final = _final_status(links["statusQueryGetUri"])

    assert final["runtimeStatus"] == "Completed"
    assert final["instanceId"] == instance_id
    assert final["name"] == GREETING_ORCHESTRATOR
    assert final["input"] == ["Ann", "Bo"]
    assert final["output"] == {"greetings": ["Hello Ann", "Hello Bo"]}


def test_status_of_a_running_instance_is_202_and_events_reach_it(base_url: str) -> None:
    instance_id = f"approval-{uuid.uuid4().hex[:8]}"
    links = _start(base_url, APPROVAL_ORCHESTRATOR, instanceId=instance_id).json()
    assert links["id"] == instance_id

    running = requests.get(links["statusQueryGetUri"], timeout=10)
    assert running.status_code == 202
    assert running.json()["runtimeStatus"] in ("Pending", "Running")

    duplicate = _start(base_url, APPROVAL_ORCHESTRATOR, instanceId=instance_id)
    assert duplicate.status_code == 500  # start_new raised inside the starter: the host answered 409

    approved = requests.post(f"{base_url}/api/instances/{instance_id}/approve", json={"by": "lead"}, timeout=10)
    assert approved.status_code == 202

    final = _final_status(links["statusQueryGetUri"])
    assert final["runtimeStatus"] == "Completed"
    assert final["output"] == {"decision": {"by": "lead"}}


def test_webhook_refuses_a_second_start_with_409(base_url: str) -> None:
    instance_id = f"dup-{uuid.uuid4().hex[:8]}"
    first = requests.post(f"{base_url}/runtime/webhooks/durabletask/orchestrators/{APPROVAL_ORCHESTRATOR}/"
                          f"{instance_id}", json=None, timeout=10)
    second = requests.post(f"{base_url}/runtime/webhooks/durabletask/orchestrators/{APPROVAL_ORCHESTRATOR}/"
                           f"{instance_id}", json=None, timeout=10)

    assert first.status_code == 202
    assert second.status_code == 409
    assert second.headers["Content-Type"] == "application/problem+json"
    requests.post(f"{base_url}/api/instances/{instance_id}/terminate", timeout=10).raise_for_status()


def test_terminate_through_the_client(base_url: str) -> None:
    links = _start(base_url, APPROVAL_ORCHESTRATOR).json()

    assert requests.post(f"{base_url}/api/instances/{links['id']}/terminate", timeout=10).status_code == 202

    final = _final_status(links["statusQueryGetUri"])
    assert final["runtimeStatus"] == "Terminated"
    gone = requests.post(links["sendEventPostUri"].replace("{eventName}", "approval"), json={}, timeout=10)
    assert gone.status_code == 410


def test_client_get_status_of_unknown_instance_is_falsy(base_url: str) -> None:
    assert requests.get(f"{base_url}/api/instances/never-started", timeout=10).status_code == 404
    webhook = requests.get(f"{base_url}/runtime/webhooks/durabletask/instances/never-started", timeout=10)
    assert webhook.status_code == 404


def test_unknown_orchestrator_is_refused_by_the_webhook(base_url: str) -> None:
    response = requests.post(f"{base_url}/runtime/webhooks/durabletask/orchestrators/no_such", json=None, timeout=10)

    assert response.status_code == 400
    assert "no_such" in response.json()["ExceptionMessage"]
