"""The hourly subscription upkeep and the lifecycle answers, against an in-memory Graph and in-memory tables."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.domain.jobs import ArchiveJob
from shared.domain.subscriptions import SubscriptionRecord
from shared.graph.errors import GraphError, GraphNotFoundError
from shared.services.audit import AuditService
from shared.services.subscriptions import RENEW_WITHIN, SubscriptionManager
from shared.storage.models import AuditEntry
from tests.fakes.storage import InMemoryAuditLog, InMemoryJobRepository, InMemorySubscriptionRepository

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
LIFETIME_MINUTES = 10_080
BASE_URL = "https://app.example"
NOTIFY = f"{BASE_URL}/api/graph/notifications"
LIFECYCLE = f"{BASE_URL}/api/graph/lifecycle"


class FakeGraphSubscriptions:
    """Graph's /subscriptions: what exists there, and every call made to it."""

    def __init__(self) -> None:
        self.live: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str]] = []
        self.reauthorize_error: GraphError | None = None
        self._ids = (f"sub-{n}" for n in itertools.count(100))

    def add(self, subscription_id: str) -> None:
        self.live[subscription_id] = {"id": subscription_id}

    def create(self, resource: str, notification_url: str, lifecycle_url: str | None, client_state: str,
               expiration: datetime, *, change_type: str) -> dict[str, Any]:
        subscription_id = next(self._ids)
        self.calls.append(("create", subscription_id))
        self.live[subscription_id] = {
            "id": subscription_id, "resource": resource, "notificationUrl": notification_url,
            "lifecycleNotificationUrl": lifecycle_url, "changeType": change_type,
            "expirationDateTime": expiration.isoformat(),
        }
        return dict(self.live[subscription_id])

    def renew(self, subscription_id: str, expiration: datetime) -> dict[str, Any]:
        self.calls.append(("renew", subscription_id))
        if subscription_id not in self.live:
            raise GraphNotFoundError("no such subscription", status=404)
        self.live[subscription_id]["expirationDateTime"] = expiration.isoformat()
        return dict(self.live[subscription_id])

    def reauthorize(self, subscription_id: str) -> None:
        self.calls.append(("reauthorize", subscription_id))
        if self.reauthorize_error is not None:
            raise self.reauthorize_error

    def delete(self, subscription_id: str) -> bool:
        self.calls.append(("delete", subscription_id))
        return self.live.pop(subscription_id, None) is not None

    def list(self) -> list[dict[str, Any]]:
        return [dict(item) for item in self.live.values()]


class Upkeep:
    def __init__(self) -> None:
        self.graph = FakeGraphSubscriptions()
        self.records = InMemorySubscriptionRepository()
        self.jobs = InMemoryJobRepository()
        self.log = InMemoryAuditLog()
        self.manager = SubscriptionManager(
            self.graph, self.records, self.jobs, AuditService(self.log, clock=lambda: NOW),
            lifetime_minutes=LIFETIME_MINUTES, base_url=BASE_URL, clock=lambda: NOW,
        )

    def job(self, user: str, *, enabled: bool = True) -> ArchiveJob:
        return self.jobs.save(ArchiveJob(user=user, enabled=enabled))

    def existing(self, subscription_id: str, job: ArchiveJob | None, left: timedelta, *,
                 in_graph: bool = True) -> SubscriptionRecord:
        """A subscription we made earlier, `left` before it expires."""
        if in_graph:
            self.graph.add(subscription_id)
        user = job.user if job else "hand@contoso.example"
        return self.records.save(SubscriptionRecord(
            id=subscription_id, user=user, job_id=job.id if job else None, resource=f"users/{user}/events",
            client_state="c" * 64, expiration=NOW + left, notification_url=NOTIFY, lifecycle_url=LIFECYCLE,
            created_at=NOW - timedelta(days=5),
        ))

    def graph_calls(self, kind: str) -> list[str]:
        return [subscription_id for call, subscription_id in self.graph.calls if call == kind]

    def rows(self) -> list[AuditEntry]:
        return sorted(self.log.query(action="subscription", page_size=1000).items, key=lambda r: r.operation)


@pytest.fixture
def upkeep() -> Upkeep:
    return Upkeep()


def test_a_subscription_with_47_hours_left_is_renewed(upkeep: Upkeep) -> None:
    job = upkeep.job("adele@contoso.example")
    upkeep.existing("sub-1", job, timedelta(hours=47))

    report = upkeep.manager.reconcile()

    assert report.renewed == ["sub-1"] and report.failed == []
    assert upkeep.graph_calls("renew") == ["sub-1"]
    record = upkeep.records.get("sub-1")
    assert record is not None and record.expiration > NOW + RENEW_WITHIN
    [row] = upkeep.rows()
    assert (row.operation, row.status, row.resource) == ("renew", "success", "subscriptions/sub-1")


def test_a_subscription_with_49_hours_left_is_left_alone(upkeep: Upkeep) -> None:
    job = upkeep.job("adele@contoso.example")
    upkeep.existing("sub-1", job, timedelta(hours=49))

    report = upkeep.manager.reconcile()

    assert report.model_dump() == {"created": [], "renewed": [], "recreated": [], "deleted": [], "failed": []}
    assert upkeep.graph.calls == []
    record = upkeep.records.get("sub-1")
    assert record is not None and record.expiration == NOW + timedelta(hours=49)
    assert upkeep.rows() == []


def test_a_subscription_graph_no_longer_has_is_created_again_for_the_same_job_and_urls(upkeep: Upkeep) -> None:
    job = upkeep.job("adele@contoso.example")
    upkeep.existing("sub-1", job, timedelta(days=5), in_graph=False)

    report = upkeep.manager.reconcile()

    assert report.recreated == ["sub-1"]
    [new_id] = upkeep.graph_calls("create")
    assert upkeep.graph_calls("renew") == []
    assert upkeep.records.get("sub-1") is None
    [replacement] = upkeep.records.list()
    assert (replacement.id, replacement.job_id, replacement.user) == (new_id, job.id, job.user)
    assert (replacement.notification_url, replacement.lifecycle_url) == (NOTIFY, LIFECYCLE)
    assert replacement.client_state != "c" * 64
    [row] = upkeep.rows()
    assert (row.operation, row.status) == ("recreate", "success")
    assert row.details["replaces"] == "sub-1" and row.details["reason"] == "missing in Graph"


def test_the_subscription_of_a_disabled_job_is_deleted_in_graph_and_forgotten(upkeep: Upkeep) -> None:
    job = upkeep.job("adele@contoso.example", enabled=False)
    upkeep.existing("sub-1", job, timedelta(hours=10))

    report = upkeep.manager.reconcile()

    assert report.deleted == ["sub-1"] and report.renewed == [] and report.created == []
    assert upkeep.graph_calls("delete") == ["sub-1"] and upkeep.graph.live == {}
    assert upkeep.records.list() == []
    [row] = upkeep.rows()
    assert (row.operation, row.status) == ("delete", "success")
    assert row.details == {"existed_in_graph": True, "reason": "job disabled"}


def test_the_subscription_of_a_job_that_is_gone_is_deleted_too(upkeep: Upkeep) -> None:
    job = upkeep.job("adele@contoso.example")
    upkeep.existing("sub-1", job, timedelta(days=5))
    upkeep.jobs.delete(job.id)

    report = upkeep.manager.reconcile()

    assert report.deleted == ["sub-1"] and upkeep.records.list() == []


def test_duplicates_of_one_job_are_removed_keeping_the_one_that_lasts_longest(upkeep: Upkeep) -> None:
    job = upkeep.job("adele@contoso.example")
    upkeep.existing("sub-old", job, timedelta(days=3))
    upkeep.existing("sub-new", job, timedelta(days=6))
    upkeep.existing("sub-mid", job, timedelta(days=4))

    report = upkeep.manager.reconcile()

    assert sorted(report.deleted) == ["sub-mid", "sub-old"]
    assert sorted(upkeep.graph_calls("delete")) == ["sub-mid", "sub-old"]
    assert [r.id for r in upkeep.records.list()] == ["sub-new"]
    assert upkeep.graph_calls("create") == [] and upkeep.graph_calls("renew") == []
    assert {row.details["reason"] for row in upkeep.rows()} == {"duplicate"}


def test_an_enabled_job_without_a_subscription_gets_one_and_a_disabled_one_does_not(upkeep: Upkeep) -> None:
    wanted = upkeep.job("adele@contoso.example")
    upkeep.job("megan@contoso.example", enabled=False)

    report = upkeep.manager.reconcile()

    assert report.created == [wanted.user]
    [record] = upkeep.records.list()
    assert (record.user, record.job_id, record.notification_url) == (wanted.user, wanted.id, NOTIFY)


def test_a_subscription_made_by_hand_is_renewed_in_time_but_never_removed(upkeep: Upkeep) -> None:
    upkeep.existing("sub-hand", None, timedelta(hours=30))

    report = upkeep.manager.reconcile()

    assert report.renewed == ["sub-hand"] and report.deleted == []
    assert upkeep.records.get("sub-hand") is not None


def test_one_failing_mailbox_does_not_stop_the_others(upkeep: Upkeep) -> None:
    first = upkeep.job("adele@contoso.example")
    second = upkeep.job("megan@contoso.example")
    upkeep.existing("sub-1", first, timedelta(hours=5))
    upkeep.existing("sub-2", second, timedelta(hours=5))
    real_renew = upkeep.graph.renew

    def renew(subscription_id: str, expiration: datetime) -> dict[str, Any]:
        if subscription_id == "sub-1":
            raise GraphError("service unavailable", status=503)
        return real_renew(subscription_id, expiration)

    upkeep.graph.renew = renew  # type: ignore[method-assign]

    report = upkeep.manager.reconcile()

    assert report.renewed == ["sub-2"]
    assert report.failed == ["sub-1: GraphError"]
    assert sorted((r.resource, r.status) for r in upkeep.rows()) == [
        ("subscriptions/sub-1", "failure"), ("subscriptions/sub-2", "success")]


def test_a_refused_reauthorization_falls_back_to_a_renewal(upkeep: Upkeep) -> None:
    record = upkeep.existing("sub-1", upkeep.job("adele@contoso.example"), timedelta(hours=1))
    upkeep.graph.reauthorize_error = GraphError("reauthorization not possible", status=400)

    kept = upkeep.manager.reauthorize(record)

    assert [call for call, _ in upkeep.graph.calls] == ["reauthorize", "renew"]
    assert kept.id == "sub-1" and kept.expiration > NOW + RENEW_WITHIN
    assert [(r.operation, r.status) for r in upkeep.rows()] == [("reauthorize", "failure"), ("renew", "success")]


def test_a_reauthorization_graph_accepts_needs_no_renewal(upkeep: Upkeep) -> None:
    record = upkeep.existing("sub-1", upkeep.job("adele@contoso.example"), timedelta(hours=1))

    upkeep.manager.reauthorize(record)

    assert upkeep.graph.calls == [("reauthorize", "sub-1")]
    assert [(r.operation, r.status) for r in upkeep.rows()] == [("reauthorize", "success")]


def test_reauthorizing_a_subscription_graph_no_longer_has_creates_it_again(upkeep: Upkeep) -> None:
    record = upkeep.existing("sub-1", upkeep.job("adele@contoso.example"), timedelta(hours=1))
    upkeep.graph.reauthorize_error = GraphNotFoundError("gone", status=404)

    replacement = upkeep.manager.reauthorize(record)

    assert upkeep.graph_calls("create") == [replacement.id]
    assert upkeep.records.get("sub-1") is None


def test_forgetting_a_removed_subscription_drops_the_record_audited_without_calling_graph(upkeep: Upkeep) -> None:
    record = upkeep.existing("sub-1", upkeep.job("adele@contoso.example", enabled=False), timedelta(days=2),
                             in_graph=False)

    upkeep.manager.forget_removed(record, "its archive job is disabled or gone")

    assert upkeep.graph.calls == []
    assert upkeep.records.get("sub-1") is None
    [row] = upkeep.rows()
    assert (row.action, row.operation, row.status) == ("subscription", "forget", "success")
    assert (row.resource, row.user) == ("subscriptions/sub-1", "adele@contoso.example")
    assert row.message == "subscription sub-1 forgotten: its archive job is disabled or gone"
    assert "c" * 64 not in row.model_dump_json()
