from __future__ import annotations

import base64
import uuid

import pytest
import requests
from azure.storage.queue import QueueClient

from shared.runtime.host import LocalHost
from shared.runtime.host_queues import decode_body
from tests.polling import wait_for
from tests.runtime.sample_app import Recorder


@pytest.fixture(scope="module")
def sender(storage_connection_string: str, queue_name: str, host: LocalHost) -> QueueClient:
    return QueueClient.from_connection_string(storage_connection_string, queue_name)


def _entries(recorder: Recorder, body: str) -> list[dict[str, object]]:
    with recorder.lock:
        return [m for m in recorder.messages if m["body"] == body]


def test_plain_and_base64_messages_are_processed_and_deleted(
    host: LocalHost, sender: QueueClient, recorder: Recorder
) -> None:
    plain = f"plain {uuid.uuid4().hex}"
    encoded = f'{{"kind": "base64", "id": "{uuid.uuid4().hex}"}}'
    sender.send_message(plain)
    sender.send_message(base64.b64encode(encoded.encode()).decode())

    host.drain_queues(timeout=15)

    for body in (plain, encoded):
        [entry] = _entries(recorder, body)
        assert entry["dequeue_count"] == 1
        assert entry["id"]
    assert sender.get_queue_properties().approximate_message_count == 0


def test_failing_message_goes_to_poison_queue_after_five_dequeues(
    host: LocalHost, sender: QueueClient, recorder: Recorder, storage_connection_string: str, queue_name: str
) -> None:
    body = f"fail {uuid.uuid4().hex}"
    original = base64.b64encode(body.encode()).decode()
    sender.send_message(original)

    host.drain_queues(timeout=20)

    assert [e["dequeue_count"] for e in _entries(recorder, body)] == [1, 2, 3, 4, 5]
    poison = QueueClient.from_connection_string(storage_connection_string, f"{queue_name}-poison")
    contents = [m.content for m in poison.receive_messages(max_messages=32)]
    assert original in contents
    assert sender.get_queue_properties().approximate_message_count == 0


def test_queue_output_binding_feeds_the_queue_trigger(host: LocalHost, base_url: str, recorder: Recorder) -> None:
    body = f"from http {uuid.uuid4().hex}"

    response = requests.post(f"{base_url}/api/enqueue", data=body.encode(), timeout=10)
    assert response.status_code == 202
    host.drain_queues(timeout=15)

    assert len(_entries(recorder, body)) == 1


def test_admin_endpoint_runs_a_queue_function_with_the_given_input(base_url: str, recorder: Recorder) -> None:
    body = f"admin {uuid.uuid4().hex}"

    response = requests.post(f"{base_url}/admin/functions/on_message", json={"input": body}, timeout=10)

    assert response.status_code == 202
    wait_for(lambda: _entries(recorder, body))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("hello world", b"hello world"),
        ("abcd", b"abcd"),  # valid base64, but not text once decoded: taken as plain
        (base64.b64encode(b"caf\xc3\xa9 ok").decode(), "café ok".encode()),
        ('{"a": 1}', b'{"a": 1}'),
        ("", b""),
    ],
)
def test_message_bodies_are_decoded_from_base64_only_when_that_yields_text(content: str, expected: bytes) -> None:
    assert decode_body(content) == expected
