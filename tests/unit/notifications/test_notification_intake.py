from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.services.notification_contracts import ChangeNotificationBatch, LifecycleNotificationBatch, parse_message
from shared.services.notifications import (
    InvalidValidationToken,
    NotificationIntake,
    client_state_matches,
    validation_answer,
)
from shared.storage.memory import InMemoryDedupStore, InMemorySubscriptionRepository
from shared.storage.models import SubscriptionRecord
from tests.unit.notifications.test_notification_contracts import event_item

STATE = "s" * 64


@pytest.fixture
def subscriptions() -> InMemorySubscriptionRepository:
    repo = InMemorySubscriptionRepository()
    repo.save(SubscriptionRecord(
        id="sub-1", user="adele@contoso.example", job_id="adele-contoso-example", resource="users/adele/events",
        client_state=STATE, expiration=datetime.now(UTC) + timedelta(days=3),
        notification_url="https://app.example/api/graph/notifications",
    ))
    return repo


@pytest.fixture
def intake(subscriptions: InMemorySubscriptionRepository) -> NotificationIntake:
    return NotificationIntake(subscriptions, InMemoryDedupStore())


def changes(*items: dict[str, object]) -> ChangeNotificationBatch:
    return ChangeNotificationBatch.model_validate({"value": list(items)})


def test_an_accepted_item_becomes_one_queue_message_without_the_client_state(intake: NotificationIntake) -> None:
    result = intake.accept_changes(changes(event_item(subscriptionId="sub-1", clientState=STATE)))

    assert (result.accepted, result.duplicates, result.rejected) == (1, 0, 0)
    [body] = result.messages
    message = parse_message(body)
    assert message.model_dump() == {
        "kind": "change", "subscription_id": "sub-1", "user": "adele@contoso.example",
        "job_id": "adele-contoso-example", "change_type": "updated", "event_id": "AAMkAGI=", "etag": 'W/"DwAAABYAAAA"',
    }
    assert STATE not in body


def test_wrong_or_missing_client_states_and_unknown_subscriptions_are_rejected(intake: NotificationIntake) -> None:
    result = intake.accept_changes(changes(
        event_item(subscriptionId="sub-1", clientState=STATE[:-1] + "x"),
        event_item(subscriptionId="sub-1", clientState=None),
        event_item(subscriptionId="sub-2", clientState=STATE),
        event_item(subscriptionId="sub-1", clientState=STATE, changeType="created"),
    ))

    assert (result.accepted, result.duplicates, result.rejected) == (1, 0, 3)
    assert parse_message(result.messages[0]).change_type == "created"  # type: ignore[union-attr]


def test_duplicates_are_dropped_on_subscription_resource_change_type_and_etag(intake: NotificationIntake) -> None:
    same = event_item(subscriptionId="sub-1", clientState=STATE)
    newer = event_item(subscriptionId="sub-1", clientState=STATE,
                       resourceData={"id": "AAMkAGI=", "@odata.etag": 'W/"newer"'})
    deleted = event_item(subscriptionId="sub-1", clientState=STATE, changeType="deleted")

    first = intake.accept_changes(changes(same, same, newer))
    second = intake.accept_changes(changes(same, newer, deleted))

    assert (first.accepted, first.duplicates) == (2, 1)
    assert (second.accepted, second.duplicates) == (1, 2)


def test_items_without_an_etag_are_never_taken_for_duplicates(intake: NotificationIntake) -> None:
    bare = event_item(subscriptionId="sub-1", clientState=STATE, resourceData=None)

    result = intake.accept_changes(changes(bare, bare))

    assert result.accepted == 2


class FlakySubscriptions:
    """Answers for sub-1; any other subscription's lookup fails as a storage outage would."""

    def __init__(self, repo: InMemorySubscriptionRepository) -> None:
        self._repo = repo
        self.down = True

    def get(self, subscription_id: str) -> SubscriptionRecord | None:
        if self.down and subscription_id != "sub-1":
            raise ConnectionError("table service unavailable")
        return self._repo.get(subscription_id)


def test_a_delivery_that_fails_half_way_forgets_its_marks_so_the_redelivery_is_taken_in(
    subscriptions: InMemorySubscriptionRepository,
) -> None:
    flaky = FlakySubscriptions(subscriptions)
    intake = NotificationIntake(flaky, InMemoryDedupStore())  # type: ignore[arg-type]
    delivery = changes(event_item(subscriptionId="sub-1", clientState=STATE),
                       event_item(subscriptionId="sub-2", clientState=STATE))

    with pytest.raises(ConnectionError):
        intake.accept_changes(delivery)
    flaky.down = False
    redelivered = intake.accept_changes(delivery)

    assert (redelivered.accepted, redelivered.duplicates, redelivered.rejected) == (1, 0, 1)


def test_lifecycle_items_are_checked_the_same_way(intake: NotificationIntake) -> None:
    batch = LifecycleNotificationBatch.model_validate({"value": [
        {"subscriptionId": "sub-1", "clientState": STATE, "lifecycleEvent": "missed"},
        {"subscriptionId": "sub-1", "clientState": "guess", "lifecycleEvent": "subscriptionRemoved"},
    ]})

    result = intake.accept_lifecycle(batch)

    assert (result.accepted, result.rejected) == (1, 1)
    assert parse_message(result.messages[0]).model_dump() == {
        "kind": "lifecycle", "subscription_id": "sub-1", "user": "adele@contoso.example", "lifecycle_event": "missed",
    }


@pytest.mark.parametrize(
    ("expected", "given", "matches"),
    [(STATE, STATE, True), (STATE, STATE.upper(), False), (STATE, "", False), (STATE, None, False),
     ("", "", False), ("ünï", "ünï", True)],
)
def test_client_state_comparison(expected: str, given: str | None, matches: bool) -> None:
    assert client_state_matches(expected, given) is matches


def test_the_validation_answer_is_the_token_itself() -> None:
    token = "Validation: Testing client application reachability for subscription Request-Id: 1 2:3"

    assert validation_answer(token) == token


@pytest.mark.parametrize("token", ["", "x" * 5000, "line\nbreak"])
def test_tokens_we_will_not_echo(token: str) -> None:
    with pytest.raises(InvalidValidationToken):
        validation_answer(token)
