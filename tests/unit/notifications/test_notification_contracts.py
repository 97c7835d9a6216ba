from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.services.notification_contracts import (
    ChangeMessage,
    ChangeNotificationBatch,
    LifecycleMessage,
    LifecycleNotificationBatch,
    ResyncDayMessage,
    describe_message,
    parse_message,
)

# Copied verbatim from the Graph documentation samples (see the team's graph-samples INDEX.md).
SAMPLES = Path(__file__).parent / "samples"


def _sample(name: str) -> dict[str, object]:
    return json.loads((SAMPLES / name).read_text())


def event_item(**changes: object) -> dict[str, object]:
    item: dict[str, object] = {
        "subscriptionId": "sub-1",
        "subscriptionExpirationDateTime": "2026-11-30T10:00:00.0000000Z",
        "clientState": "secret-state",
        "changeType": "updated",
        "resource": "Users/6c1d/Events/AAMkAGI=",
        "resourceData": {"@odata.type": "#Microsoft.Graph.Event", "@odata.id": "Users/6c1d/Events/AAMkAGI=",
                         "@odata.etag": 'W/"DwAAABYAAAA"', "id": "AAMkAGI="},
        "tenantId": "84bd8158-6d4d-4958-8b9f-9d6445542f95",
    }
    item.update(changes)
    return item


def test_the_documented_outlook_notification_shape_parses() -> None:
    batch = ChangeNotificationBatch.model_validate(_sample("change_notification_outlook_basic.json"))

    [item] = batch.value
    assert item.change_type == "created"
    assert item.event_id == "AAMkAGUwNjQ4ZjIxAAA="
    assert item.etag == 'W/"CQAAABYAAACQ2fKdhq8oSKEDSVrdi3lRAAGDUUXn"'
    assert item.client_state == "<<--SpecifiedClientState-->>"


@pytest.mark.parametrize("event", ["reauthorizationRequired", "subscriptionRemoved", "missed"])
def test_the_documented_lifecycle_shape_parses(event: str) -> None:
    body = _sample("lifecycle_notification.json")
    body["value"][0]["lifecycleEvent"] = event  # type: ignore[index]

    [item] = LifecycleNotificationBatch.model_validate(body).value

    assert (item.subscription_id, item.lifecycle_event) == ("<subscription_guid>", event)


def test_the_event_id_falls_back_to_the_resource_path() -> None:
    [item] = ChangeNotificationBatch.model_validate(
        {"value": [event_item(resourceData=None, resource="Users/6c1d/Events/AAMkAGX=")]}).value

    assert item.event_id == "AAMkAGX=" and item.etag is None


@pytest.mark.parametrize(
    "changes",
    [
        {"changeType": "moved"},
        {"subscriptionId": ""},
        {"resource": "Users/6c1d/Messages/1", "resourceData": None},
        {"clientState": 7},
    ],
)
def test_items_of_the_wrong_shape_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ChangeNotificationBatch.model_validate({"value": [event_item(**changes)]})


def test_the_client_state_never_shows_in_a_repr() -> None:
    [item] = ChangeNotificationBatch.model_validate({"value": [event_item()]}).value

    assert "secret-state" not in repr(item)


@pytest.mark.parametrize(
    "message",
    [
        ChangeMessage(subscription_id="s", user="u@x.example", change_type="deleted", event_id="e", etag='W/"1"'),
        LifecycleMessage(subscription_id="s", user="u@x.example", lifecycle_event="missed"),
        ResyncDayMessage(user="u@x.example", job_id="j", day=date(2026, 11, 24), reason="missed"),
    ],
)
def test_queue_messages_round_trip_and_describe_themselves(message: object) -> None:
    body = message.model_dump_json()  # type: ignore[attr-defined]

    parsed = parse_message(body)

    assert parsed == message
    assert describe_message(parsed)


@pytest.mark.parametrize("body", [b"not json", b'{"kind": "other"}', b'{"kind": "change", "user": "u"}'])
def test_foreign_queue_messages_are_refused(body: bytes) -> None:
    with pytest.raises(ValidationError):
        parse_message(body)
