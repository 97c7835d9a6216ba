"""Webhook intake: check each notification's clientState, drop duplicates, and turn the rest into queue messages.

Only cheap work happens here (the subscription records, a dedup insert per accepted item): Graph wants an answer
within 3 seconds and slows down or drops endpoints that are late; everything else happens in the queue worker.
"""

from __future__ import annotations

import hmac
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from azure.core.exceptions import AzureError

from shared.domain.errors import Unavailable
from shared.domain.subscriptions import SubscriptionRecord
from shared.services.notification_contracts import (
    ChangeMessage,
    ChangeNotification,
    ChangeNotificationBatch,
    LifecycleMessage,
    LifecycleNotificationBatch,
)
from shared.storage.errors import StorageError
from shared.storage.protocols import DedupStore, SubscriptionRepository
from shared.storage.queues import MessageQueue

log = logging.getLogger(__name__)

# Graph retries an unanswered delivery for up to 4 hours; remember what we saw comfortably longer than that.
DEDUP_TTL = timedelta(hours=24)
MAX_VALIDATION_TOKEN_LENGTH = 4096
# A delivery naming more subscriptions than this reads all of ours in one query rather than one read per id: anyone
# can post thousands of made-up ids, and a read each would keep the answer past Graph's 3 seconds.
SINGLE_READS_UP_TO = 4
# Unknown subscription ids are anyone's to invent: name only the first few in the log, count the rest.
UNKNOWN_IDS_LOGGED = 5


class InvalidValidationToken(ValueError):
    """A validationToken we will not echo back."""


@dataclass
class Intake:
    """What a delivery turned into: queue messages (JSON) and the counts behind them."""

    messages: list[str] = field(default_factory=list)
    dedup_keys: list[str] = field(default_factory=list)
    accepted: int = 0
    duplicates: int = 0
    unknown: Counter[str] = field(default_factory=Counter)  # subscription id -> items
    mismatched: Counter[str] = field(default_factory=Counter)  # our subscription id -> items with a wrong clientState

    @property
    def rejected(self) -> int:
        return self.unknown.total() + self.mismatched.total()


def validation_answer(token: str) -> str:
    """The body of the handshake answer: the token itself (the Functions host has already URL-decoded it)."""
    if not token or len(token) > MAX_VALIDATION_TOKEN_LENGTH:
        raise InvalidValidationToken(f"validationToken must be 1 to {MAX_VALIDATION_TOKEN_LENGTH} characters")
    if any(ord(ch) < 0x20 and ch != "\t" for ch in token):
        raise InvalidValidationToken("validationToken must not contain control characters")
    return token


def client_state_matches(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison, so the answer time says nothing about how much of a guess was right."""
    if not expected or given is None:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


def dedup_key(notification: ChangeNotification) -> str | None:
    """Subscription + resource + change type + etag; None without an etag (nothing then tells two changes apart)."""
    if not notification.etag:
        return None
    return "\n".join((notification.subscription_id, notification.resource, notification.change_type,
                      notification.etag))


class NotificationIntake:
    def __init__(self, subscriptions: SubscriptionRepository, dedup: DedupStore,
                 queue: MessageQueue | None = None) -> None:
        self._subscriptions = subscriptions
        self._dedup = dedup
        self._queue = queue

    def take_in(self, batch: ChangeNotificationBatch | LifecycleNotificationBatch) -> Intake:
        """Accept a delivery and queue its messages; Unavailable when our storage fails, so Graph delivers again."""
        kind = "lifecycle" if isinstance(batch, LifecycleNotificationBatch) else "change"
        intake: Intake | None = None
        try:
            intake = self.accept_lifecycle(batch) if isinstance(batch, LifecycleNotificationBatch) else (
                self.accept_changes(batch))
            if intake.messages and self._queue is not None:
                self._queue.send_many(intake.messages)
        except (AzureError, StorageError, OSError) as error:
            log.warning("could not take in %s notifications: %s", kind, type(error).__name__)
            if intake is not None:
                self.release(intake)
            raise Unavailable("notifications cannot be taken in right now; retry later") from None
        return intake

    def accept_changes(self, batch: ChangeNotificationBatch) -> Intake:
        intake = Intake()
        known = self._records(item.subscription_id for item in batch.value)
        try:
            for item in batch.value:
                self._accept_change(item, known, intake)
        except Exception:
            # The caller gets no Intake to release: forget what this delivery marked so far, or Graph's redelivery
            # of those items would be dropped as duplicates.
            self.release(intake)
            raise
        self._report("change", intake)
        return intake

    def _accept_change(
        self, item: ChangeNotification, known: dict[str, SubscriptionRecord | None], intake: Intake
    ) -> None:
        record = _verified(known, item.subscription_id, item.client_state, intake)
        if record is None:
            return
        key = dedup_key(item)
        if key is not None:
            if not self._dedup.first_seen(key, DEDUP_TTL):
                intake.duplicates += 1
                return
            intake.dedup_keys.append(key)
        message = ChangeMessage(
            subscription_id=record.id, user=record.user, job_id=record.job_id, change_type=item.change_type,
            event_id=str(item.event_id), etag=item.etag,
        )
        intake.messages.append(message.model_dump_json())
        intake.accepted += 1

    def release(self, intake: Intake) -> None:
        """The messages could not be queued: forget their sightings so Graph's redelivery is not a duplicate."""
        for key in intake.dedup_keys:
            try:
                self._dedup.forget(key)
            except Exception:
                log.exception("could not forget a notification sighting; its redelivery will be dropped")

    def accept_lifecycle(self, batch: LifecycleNotificationBatch) -> Intake:
        intake = Intake()
        known = self._records(item.subscription_id for item in batch.value)
        for item in batch.value:
            record = _verified(known, item.subscription_id, item.client_state, intake)
            if record is None:
                continue
            message = LifecycleMessage(subscription_id=record.id, user=record.user,
                                       lifecycle_event=item.lifecycle_event)
            intake.messages.append(message.model_dump_json())
            intake.accepted += 1
        self._report("lifecycle", intake)
        return intake

    def _records(self, subscription_ids: Iterable[str]) -> dict[str, SubscriptionRecord | None]:
        """Our record of each subscription the delivery names (None: not ours), at most a few storage calls."""
        wanted = set(subscription_ids)
        if len(wanted) <= SINGLE_READS_UP_TO:
            return {subscription_id: self._subscriptions.get(subscription_id) for subscription_id in wanted}
        ours = {record.id: record for record in self._subscriptions.list()}
        return {subscription_id: ours.get(subscription_id) for subscription_id in wanted}

    @staticmethod
    def _report(kind: str, intake: Intake) -> None:
        for subscription_id, count in intake.mismatched.items():
            # The id is ours and safe to name; neither clientState (ours or the one sent) is ever logged.
            log.warning("ignored %d %s notification(s) for subscription %s: clientState does not match", count,
                        kind, subscription_id)
        if intake.unknown:
            named = ", ".join(repr(subscription_id) for subscription_id in list(intake.unknown)[:UNKNOWN_IDS_LOGGED])
            more = len(intake.unknown) - UNKNOWN_IDS_LOGGED
            log.warning("ignored %d %s notification(s) for %d unknown subscription(s): %s%s",
                        intake.unknown.total(), kind, len(intake.unknown), named,
                        f" and {more} more" if more > 0 else "")
        if intake.rejected:
            log.warning("%s notifications: %d accepted, %d duplicates, %d rejected (%d unknown subscription, "
                        "%d wrong clientState)", kind, intake.accepted, intake.duplicates, intake.rejected,
                        intake.unknown.total(), intake.mismatched.total())
        else:
            log.info("%s notifications: %d accepted, %d duplicates", kind, intake.accepted, intake.duplicates)


def _verified(
    known: dict[str, SubscriptionRecord | None], subscription_id: str, client_state: str | None, intake: Intake
) -> SubscriptionRecord | None:
    """The item's subscription record when the item proves itself with its clientState; otherwise counted."""
    record = known.get(subscription_id)
    if record is None:
        intake.unknown[subscription_id] += 1
        return None
    if not client_state_matches(record.client_state, client_state):
        intake.mismatched[record.id] += 1
        return None
    return record
