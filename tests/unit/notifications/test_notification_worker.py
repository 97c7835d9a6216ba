from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from shared.cli.subscriptions import default_lifecycle_url
from shared.domain.jobs import ArchiveJob
from shared.domain.subscriptions import SubscriptionRecord
from shared.runtime.host_config import max_dequeue_count
from shared.services.audit import AuditService
from shared.services.live_rules import LiveOutcome
from shared.services.notification_contracts import ChangeMessage, LifecycleMessage, ResyncDayMessage, parse_message
from shared.services.notification_worker import MAX_ATTEMPTS, NotificationWorker
from shared.services.subscriptions import events_resource, expiration_granted, new_client_state, webhook_urls
from tests.fakes.storage import InMemoryAuditLog, InMemoryDedupStore

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


class FakeRules:
    def __init__(self, error: Exception | None = None, job_error: Exception | None = None) -> None:
        self.error = error
        self.job_error = job_error
        self.seen: list[Any] = []

    def on_change(self, message: ChangeMessage) -> LiveOutcome:
        self.seen.append(message)
        if self.error:
            raise self.error
        return LiveOutcome(event_id=message.event_id)

    def resync_day(self, message: ResyncDayMessage) -> LiveOutcome:
        self.seen.append(message)
        return LiveOutcome(day=message.day)

    def job_for(self, user: str, job_id: str | None) -> ArchiveJob:
        if self.job_error:
            raise self.job_error
        return ArchiveJob(user=user, timezone="Pacific/Auckland")

    def now(self) -> datetime:
        return NOW


class FakeManager:
    def __init__(self, record: SubscriptionRecord | None, wanted: bool = True) -> None:
        self._record = record
        self._wanted = wanted
        self.calls: list[str] = []

    def record(self, subscription_id: str) -> SubscriptionRecord | None:
        return self._record

    def wanted(self, record: SubscriptionRecord) -> bool:
        return self._wanted

    def reauthorize(self, record: SubscriptionRecord) -> SubscriptionRecord:
        self.calls.append("reauthorize")
        return record

    def recreate(self, record: SubscriptionRecord, reason: str) -> SubscriptionRecord:
        self.calls.append("recreate")
        return record

    def forget_removed(self, record: SubscriptionRecord, reason: str) -> None:
        self.calls.append("forget")


RECORD = SubscriptionRecord(id="sub-1", user="adele@contoso.example", job_id="job", resource="users/x/events",
                            client_state="c" * 64, expiration=NOW + timedelta(days=2), notification_url="https://x")
CHANGE = ChangeMessage(subscription_id="sub-1", user="adele@contoso.example", change_type="updated",
                       event_id="e1").model_dump_json().encode()


def worker(rules: FakeRules | None = None, manager: FakeManager | None = None) -> tuple[NotificationWorker,
                                                                                          InMemoryAuditLog]:
    log = InMemoryAuditLog()
    built = NotificationWorker(rules or FakeRules(), manager or FakeManager(RECORD), AuditService(log))
    return built, log


def _lifecycle(event: str) -> bytes:
    return LifecycleMessage(subscription_id="sub-1", user=RECORD.user, lifecycle_event=event).model_dump_json().encode()


def test_a_change_goes_to_the_live_rules() -> None:
    rules = FakeRules()
    handler, _ = worker(rules)

    result = handler.handle(CHANGE, 1)

    assert result.outcome is not None and result.outcome.event_id == "e1"
    assert [m.event_id for m in rules.seen] == ["e1"]


@pytest.mark.parametrize("attempt", range(1, MAX_ATTEMPTS))
def test_failures_before_the_last_attempt_are_left_to_the_retries(attempt: int) -> None:
    handler, log = worker(FakeRules(RuntimeError("Graph is down")))

    with pytest.raises(RuntimeError):
        handler.handle(CHANGE, attempt, "m1")

    assert log.query().items == []


def test_the_last_failure_is_audited_with_its_reason_before_the_poison_queue() -> None:
    handler, log = worker(FakeRules(RuntimeError("Graph is down")))

    with pytest.raises(RuntimeError):
        handler.handle(CHANGE, MAX_ATTEMPTS, "m1")

    [row] = log.query().items
    assert (row.action, row.operation, row.status, row.user) == ("notification", "poison", "failure", RECORD.user)
    assert row.resource == "queue-message/m1"
    assert "RuntimeError: Graph is down" in row.message and "updated of event e1" in row.message


def test_an_unreadable_message_is_audited_too() -> None:
    handler, log = worker()

    with pytest.raises(ValidationError):
        handler.handle(b"{oops", MAX_ATTEMPTS, "m2")

    [row] = log.query().items
    assert "unreadable message" in row.message and row.user is None


def test_reauthorization_required_reauthorizes() -> None:
    manager = FakeManager(RECORD)
    handler, _ = worker(manager=manager)

    result = handler.handle(_lifecycle("reauthorizationRequired"), 1)

    assert manager.calls == ["reauthorize"] and result.followups == []


def test_subscription_removed_recreates_and_queues_a_resync_of_recent_days_in_the_jobs_zone() -> None:
    manager = FakeManager(RECORD)
    handler, _ = worker(manager=manager)

    result = handler.handle(_lifecycle("subscriptionRemoved"), 1)

    assert manager.calls == ["recreate"]
    days = [parse_message(body).day.isoformat() for body in result.followups]  # type: ignore[union-attr]
    # 12:00 UTC is already the 25th in Auckland.
    assert days[0] == "2026-11-23" and days[-1] == "2026-12-02" and len(days) == 10


def test_subscription_removed_recreates_nothing_when_the_resync_cannot_be_planned() -> None:
    # Recreating first would drop the old record: the retry would then find nothing to do and never resync.
    manager = FakeManager(RECORD)
    handler, _ = worker(FakeRules(job_error=ConnectionError("jobs table unavailable")), manager)

    with pytest.raises(ConnectionError):
        handler.handle(_lifecycle("subscriptionRemoved"), 1)

    assert manager.calls == []


def test_subscription_removed_for_a_disabled_job_is_only_forgotten() -> None:
    manager = FakeManager(RECORD, wanted=False)
    handler, _ = worker(manager=manager)

    result = handler.handle(_lifecycle("subscriptionRemoved"), 1)

    assert manager.calls == ["forget"] and result.followups == []


@pytest.mark.parametrize(("event", "resyncs"), [("missed", 10), ("somethingNew", 0)])
def test_missed_resyncs_and_unknown_events_are_ignored(event: str, resyncs: int) -> None:
    manager = FakeManager(RECORD)
    handler, _ = worker(manager=manager)

    result = handler.handle(_lifecycle(event), 1)

    assert len(result.followups) == resyncs and manager.calls == []


def test_lifecycle_events_of_subscriptions_no_longer_ours_do_nothing() -> None:
    manager = FakeManager(None)
    handler, _ = worker(manager=manager)

    assert handler.handle(_lifecycle("subscriptionRemoved"), 1).followups == []
    assert manager.calls == []


def test_the_hourly_purge_drops_expired_dedup_markers_of_any_store() -> None:
    now = [NOW]
    dedup = InMemoryDedupStore(clock=lambda: now[0])
    dedup.first_seen("old", timedelta(hours=24))
    now[0] = NOW + timedelta(hours=25)
    dedup.first_seen("new", timedelta(hours=24))

    assert dedup.purge_expired() == 1
    assert not dedup.first_seen("new") and dedup.first_seen("old")


def test_client_states_are_long_random_and_within_graphs_limit() -> None:
    states = {new_client_state() for _ in range(50)}

    assert len(states) == 50
    assert all(32 <= len(s) <= 128 for s in states)


def test_urls_and_resource() -> None:
    assert webhook_urls("https://app.example/") == ("https://app.example/api/graph/notifications",
                                                    "https://app.example/api/graph/lifecycle")
    assert events_resource("adele@contoso.example") == "users/adele@contoso.example/events"
    assert default_lifecycle_url("https://h/api/graph/notifications/") == "https://h/api/graph/lifecycle"
    assert default_lifecycle_url("https://h/hooks/graph") is None


def test_the_expiration_graph_grants_is_the_one_kept() -> None:
    fallback = NOW + timedelta(days=7)

    assert expiration_granted({"expirationDateTime": "2026-11-26T10:00:00.0000000Z"}, fallback) == datetime(
        2026, 11, 26, 10, 0, tzinfo=UTC)
    assert expiration_granted({"expirationDateTime": "soon"}, fallback) == fallback
    assert expiration_granted({}, fallback) == fallback


def test_the_worker_gives_up_exactly_when_the_host_moves_a_message_to_the_poison_queue() -> None:
    host = json.loads((Path(__file__).resolve().parents[3] / "host.json").read_text())
    # Recording the poison earlier would log a message the host still retries; later, it would never be recorded.
    assert MAX_ATTEMPTS == max_dequeue_count() == host["extensions"]["queues"]["maxDequeueCount"]
