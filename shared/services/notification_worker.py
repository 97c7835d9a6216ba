"""The queue worker: one message at a time, a change, a lifecycle event or a day to resync.

A message that fails is retried by the host; on its last attempt the failure is audited with its reason before
the host moves it to the poison queue, so nothing is lost silently.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, Field, ValidationError

from shared.domain.dates import local_today
from shared.domain.jobs import ArchiveJob
from shared.domain.subscriptions import SubscriptionRecord
from shared.runtime.host_config import max_dequeue_count
from shared.services.live_rules import LiveOutcome, resync_days
from shared.services.notification_contracts import (
    MISSED,
    REAUTHORIZATION_REQUIRED,
    SUBSCRIPTION_REMOVED,
    ChangeMessage,
    LifecycleMessage,
    ResyncDayMessage,
    TravelDayMessage,
    describe_message,
    parse_message,
)

if TYPE_CHECKING:
    from shared.services.audit import AuditService
    from shared.services.travel_replan import TravelReplans

log = logging.getLogger(__name__)

# The host's maxDequeueCount: after this attempt the message goes to the poison queue.
MAX_ATTEMPTS = max_dequeue_count()


class ChangeRules(Protocol):
    """What the worker asks of the live rules (LiveRules)."""

    def on_change(self, message: ChangeMessage) -> LiveOutcome: ...

    def resync_day(self, message: ResyncDayMessage) -> LiveOutcome: ...

    def job_for(self, user: str, job_id: str | None) -> ArchiveJob: ...

    def now(self) -> datetime: ...


class SubscriptionLifecycle(Protocol):
    """What the worker asks of the subscription manager (SubscriptionManager) on a lifecycle event."""

    def record(self, subscription_id: str) -> SubscriptionRecord | None: ...

    def wanted(self, record: SubscriptionRecord) -> bool: ...

    def reauthorize(self, record: SubscriptionRecord) -> SubscriptionRecord: ...

    def recreate(self, record: SubscriptionRecord, reason: str) -> SubscriptionRecord: ...

    def forget_removed(self, record: SubscriptionRecord, reason: str) -> None: ...


class WorkResult(BaseModel):
    """What handling one message did, and the messages it asks to be queued next."""

    description: str
    outcome: LiveOutcome | None = None
    followups: list[str] = Field(default_factory=list)


class NotificationWorker:
    def __init__(self, rules: ChangeRules, subscriptions: SubscriptionLifecycle, audit: AuditService, *,
                 travel: TravelReplans | None = None) -> None:
        self._rules = rules
        self._subscriptions = subscriptions
        self._audit = audit
        self._travel = travel

    def handle(self, body: bytes, dequeue_count: int, message_id: str = "") -> WorkResult:
        try:
            return self._dispatch(body)
        except Exception as error:
            if dequeue_count >= MAX_ATTEMPTS:
                self._record_poison(body, dequeue_count, message_id, error)
            raise

    def _dispatch(self, body: bytes) -> WorkResult:
        message = parse_message(body)
        description = describe_message(message)
        if isinstance(message, ChangeMessage):
            outcome = self._rules.on_change(message)
            self._replan_travel(message)
            return WorkResult(description=description, outcome=outcome)
        if isinstance(message, ResyncDayMessage):
            return WorkResult(description=description, outcome=self._rules.resync_day(message))
        if isinstance(message, TravelDayMessage):
            if self._travel is not None:
                self._travel.run(message)
            return WorkResult(description=description)
        return WorkResult(description=description, followups=self._lifecycle(message))

    def _replan_travel(self, message: ChangeMessage) -> None:
        """Travel is the daily timer's too, so a failure here must not cost the live rules (a retry of the message
        would apply them again): it is logged and the day waits for the timer."""
        if self._travel is None:
            return
        try:
            self._travel.on_change(self._rules.job_for(message.user, message.job_id), message)
        except Exception:
            log.exception("queueing a travel re-plan for %s failed", describe_message(message))

    def _lifecycle(self, message: LifecycleMessage) -> list[str]:
        manager = self._subscriptions
        record = manager.record(message.subscription_id)
        if record is None:
            log.info("lifecycle %s for subscription %s: no longer ours, nothing to do", message.lifecycle_event,
                     message.subscription_id)
            return []
        event = message.lifecycle_event
        if event == REAUTHORIZATION_REQUIRED:
            manager.reauthorize(record)
            return []
        if event == SUBSCRIPTION_REMOVED:
            if not manager.wanted(record):
                manager.forget_removed(record, "its archive job is disabled or gone")
                return []
            # The resync is planned first: once the old record is replaced, a retry of this message finds nothing
            # to do, so a failure after the recreate would lose the resync.
            resync = self._resync(record.user, record.job_id, "subscription removed")
            manager.recreate(record, "Graph removed it (subscriptionRemoved)")
            return resync
        if event == MISSED:
            return self._resync(record.user, record.job_id, "notifications missed")
        log.warning("ignored unknown lifecycle event %r for subscription %s", event, record.id)
        return []

    def _resync(self, user: str, job_id: str | None, reason: str) -> list[str]:
        job = self._rules.job_for(user, job_id)
        today = local_today(job.timezone, self._rules.now())
        return [
            ResyncDayMessage(user=user, job_id=job_id, day=day, reason=reason).model_dump_json()
            for day in resync_days(today)
        ]

    def _record_poison(self, body: bytes, dequeue_count: int, message_id: str, error: Exception) -> None:
        try:
            message = parse_message(body)
            description, user = describe_message(message), message.user
        except ValidationError:
            description, user = "an unreadable message", None
        reason = f"{type(error).__name__}: {error}"
        log.error("notification message %s (%s) failed %d times and goes to the poison queue: %s",
                  message_id, description, dequeue_count, reason)
        try:
            self._audit.record(
                action="notification", operation="poison", resource=f"queue-message/{message_id or 'unknown'}",
                status="failure", message=f"gave up after {dequeue_count} attempts on {description}: {reason}",
                details={"attempts": dequeue_count, "reason": reason[:2000]}, user=user,
            )
        except Exception:
            log.exception("could not audit the poisoned notification message %s", message_id)
