from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.subscriptions import SubscriptionRecord
from shared.services.notification_contracts import (
    ChangeMessage,
    ChangeNotificationBatch,
    LifecycleNotificationBatch,
    parse_message,
)
from shared.services.notifications import (
    SINGLE_READS_UP_TO,
    UNKNOWN_IDS_LOGGED,
    InvalidValidationToken,
    NotificationIntake,
    client_state_matches,
    validation_answer,
)
from tests.fakes.storage import InMemoryDedupStore, InMemorySubscriptionRepository
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
    message = parse_message(result.messages[0])
    assert isinstance(message, ChangeMessage) and message.change_type == "created"


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


class FlakyDedup(InMemoryDedupStore):
    """Takes the first sighting, then fails as a storage outage would."""

    def __init__(self) -> None:
        super().__init__()
        self.down = True
        self.seen = 0

    def first_seen(self, key: str, ttl_hint: timedelta | None = None) -> bool:
        if self.down and self.seen:
            raise ConnectionError("table service unavailable")
        self.seen += 1
        return super().first_seen(key, ttl_hint)


def test_a_delivery_whose_dedup_fails_after_the_first_item_forgets_that_items_mark(
    subscriptions: InMemorySubscriptionRepository,
) -> None:
    dedup = FlakyDedup()
    intake = NotificationIntake(subscriptions, dedup)
    newer = event_item(subscriptionId="sub-1", clientState=STATE,
                       resourceData={"id": "AAMkAGI=", "@odata.etag": 'W/"newer"'})
    delivery = changes(event_item(subscriptionId="sub-1", clientState=STATE), newer)

    with pytest.raises(ConnectionError):
        intake.accept_changes(delivery)
    dedup.down = False
    redelivered = intake.accept_changes(delivery)

    assert (redelivered.accepted, redelivered.duplicates) == (2, 0)


class CountingSubscriptions:
    """Our subscription records, counting the storage calls made for them."""

    def __init__(self, repo: InMemorySubscriptionRepository) -> None:
        self._repo = repo
        self.calls: list[str] = []

    def get(self, subscription_id: str) -> SubscriptionRecord | None:
        self.calls.append("get")
        return self._repo.get(subscription_id)

    def list(self) -> list[SubscriptionRecord]:
        self.calls.append("list")
        return self._repo.list()


def test_a_delivery_naming_thousands_of_subscriptions_reads_our_records_once(
    subscriptions: InMemorySubscriptionRepository,
) -> None:
    counting = CountingSubscriptions(subscriptions)
    intake = NotificationIntake(counting, InMemoryDedupStore())  # type: ignore[arg-type]
    made_up = [event_item(subscriptionId=f"made-up-{n}", clientState=STATE) for n in range(3000)]
    ours = event_item(subscriptionId="sub-1", clientState=STATE)

    result = intake.accept_changes(changes(*made_up[:1500], ours, *made_up[1500:]))

    assert counting.calls == ["list"]
    assert (result.accepted, result.rejected) == (1, 3000)
    message = parse_message(result.messages[0])
    assert isinstance(message, ChangeMessage) and message.subscription_id == "sub-1"


def test_a_delivery_naming_a_few_subscriptions_reads_each_once(subscriptions: InMemorySubscriptionRepository) -> None:
    counting = CountingSubscriptions(subscriptions)
    intake = NotificationIntake(counting, InMemoryDedupStore())  # type: ignore[arg-type]
    few = [f"sub-{n}" for n in range(1, SINGLE_READS_UP_TO + 1)]

    result = intake.accept_changes(changes(*(event_item(subscriptionId=s, clientState=STATE, changeType=kind)
                                             for s in few for kind in ("created", "updated"))))

    assert counting.calls == ["get"] * len(few)
    assert (result.accepted, result.rejected) == (2, 2 * (len(few) - 1))


def test_a_wrong_client_state_is_logged_with_the_subscription_id_and_never_the_state(
    intake: NotificationIntake, caplog: pytest.LogCaptureFixture,
) -> None:
    guess = "g" * 40
    caplog.set_level(logging.INFO, logger="shared.services.notifications")

    result = intake.accept_changes(changes(event_item(subscriptionId="sub-1", clientState=guess),
                                           event_item(subscriptionId="sub-1", clientState=guess, changeType="created")))

    assert result.rejected == 2
    [mismatch] = [r for r in caplog.records if "clientState does not match" in r.getMessage()]
    assert mismatch.levelno == logging.WARNING
    assert "sub-1" in mismatch.getMessage() and "2 change notification(s)" in mismatch.getMessage()
    assert guess not in caplog.text and STATE not in caplog.text


def test_unknown_subscriptions_are_named_in_the_log_only_a_few_at_a_time(
    intake: NotificationIntake, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="shared.services.notifications")

    intake.accept_changes(changes(*(event_item(subscriptionId=f"made-up-{n}", clientState="x") for n in range(500))))

    assert len(caplog.records) <= 3
    named = [r.getMessage() for r in caplog.records if "unknown subscription(s)" in r.getMessage()]
    assert named == [f"ignored 500 change notification(s) for 500 unknown subscription(s): "
                     f"{', '.join(repr(f'made-up-{n}') for n in range(UNKNOWN_IDS_LOGGED))} and 495 more"]


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
