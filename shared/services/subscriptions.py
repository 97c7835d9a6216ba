"""The life of our Graph subscriptions: create, renew, reauthorize, recreate, delete; every change audited."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from pydantic import BaseModel, Field

from shared.domain.jobs import ArchiveJob
from shared.domain.subscriptions import SubscriptionRecord
from shared.graph.errors import GraphError, GraphNotFoundError
from shared.graph.protocols import SubscriptionGateway
from shared.graph.subscriptions import DEFAULT_CHANGE_TYPE
from shared.services.audit import AuditService
from shared.storage.protocols import JobRepository, SubscriptionRepository

log = logging.getLogger(__name__)

NOTIFICATIONS_ROUTE = "graph/notifications"
LIFECYCLE_ROUTE = "graph/lifecycle"
RENEW_WITHIN = timedelta(hours=48)
# Our clock may run ahead of Graph's; asking for the exact maximum lifetime could then be refused.
CLOCK_MARGIN = timedelta(minutes=2)
_CLIENT_STATE_BYTES = 48  # 64 URL-safe characters: well over the 32 we promise, under Graph's 128
AUDIT_ACTION = "subscription"


class SubscriptionSetupError(RuntimeError):
    """A subscription cannot be made as asked (e.g. no public notification URL is configured)."""


def new_client_state() -> str:
    return secrets.token_urlsafe(_CLIENT_STATE_BYTES)


def events_resource(user: str) -> str:
    return f"users/{user}/events"


def webhook_urls(base_url: str) -> tuple[str, str]:
    """Notification and lifecycle URLs under the app's public base URL (e.g. https://app.azurewebsites.net)."""
    base = base_url.rstrip("/")
    return f"{base}/api/{NOTIFICATIONS_ROUTE}", f"{base}/api/{LIFECYCLE_ROUTE}"


class ReconcileReport(BaseModel):
    created: list[str] = Field(default_factory=list)
    renewed: list[str] = Field(default_factory=list)
    recreated: list[str] = Field(default_factory=list)
    deleted: list[str] = Field(default_factory=list)
    failed: list[str] = Field(default_factory=list)


class SubscriptionManager:
    def __init__(
        self,
        graph: SubscriptionGateway,
        records: SubscriptionRepository,
        jobs: JobRepository,
        audit: AuditService,
        *,
        lifetime_minutes: int,
        base_url: str | None,
        clock: Callable[[], datetime],
    ) -> None:
        self._graph = graph
        self._records = records
        self._jobs = jobs
        self._audit = audit
        self._lifetime = timedelta(minutes=lifetime_minutes)
        self._base_url = base_url
        self._clock = clock

    def record(self, subscription_id: str) -> SubscriptionRecord | None:
        return self._records.get(subscription_id)

    def records(self) -> list[SubscriptionRecord]:
        return self._records.list()

    def expiration(self) -> datetime:
        return self._clock() + self._lifetime - CLOCK_MARGIN

    def subscribe(
        self,
        user: str,
        *,
        notification_url: str | None = None,
        lifecycle_url: str | None = None,
        job_id: str | None = None,
        operation: str = "create",
        details: dict[str, Any] | None = None,
    ) -> SubscriptionRecord:
        """Create a subscription on the user's events. Graph calls both URLs back before it answers."""
        if notification_url is None:
            if not self._base_url:
                raise SubscriptionSetupError("NOTIFICATION_BASE_URL is not set: no URL to receive notifications")
            notification_url, default_lifecycle = webhook_urls(self._base_url)
            lifecycle_url = lifecycle_url or default_lifecycle
        if job_id is None:
            job_id = self._job_id_of(user)
        client_state = new_client_state()
        resource = events_resource(user)
        with self._audit.audited(AUDIT_ACTION, operation, f"users/{user}/subscriptions", user=user) as scope:
            scope.details.update({"resource": resource, "job_id": job_id, "notification_url": notification_url,
                                  "lifecycle_url": lifecycle_url, **(details or {})})
            asked = self.expiration()
            created = self._graph.create(resource, notification_url, lifecycle_url, client_state, asked,
                                         change_type=DEFAULT_CHANGE_TYPE)
            record = SubscriptionRecord(
                id=str(created["id"]), user=user, job_id=job_id, resource=resource, client_state=client_state,
                expiration=expiration_granted(created, asked), notification_url=notification_url,
                lifecycle_url=lifecycle_url, created_at=self._clock(),
            )
            saved = self._records.save(record)
            scope.details.update({"subscription_id": saved.id, "expiration": saved.expiration.isoformat()})
            scope.message = f"subscription {saved.id} created on {resource}"
        return saved

    def renew(self, record: SubscriptionRecord) -> SubscriptionRecord:
        """Extend the lifetime; a subscription Graph no longer has is created again."""
        try:
            with self._audit.audited(AUDIT_ACTION, "renew", f"subscriptions/{record.id}", user=record.user) as scope:
                asked = self.expiration()
                renewed = self._graph.renew(record.id, asked)
                saved = self._records.save(
                    record.model_copy(update={"expiration": expiration_granted(renewed, asked)}))
                scope.details["expiration"] = saved.expiration.isoformat()
                scope.message = f"subscription {record.id} renewed"
            return saved
        except GraphNotFoundError:
            return self.recreate(record, "Graph no longer has it (renewal answered 404)")

    def reauthorize(self, record: SubscriptionRecord) -> SubscriptionRecord:
        """Answer `reauthorizationRequired`: reauthorize, or renew when Graph refuses the reauthorization."""
        try:
            with self._audit.audited(AUDIT_ACTION, "reauthorize", f"subscriptions/{record.id}",
                                     user=record.user) as scope:
                self._graph.reauthorize(record.id)
                scope.message = f"subscription {record.id} reauthorized"
            return record
        except GraphNotFoundError:
            return self.recreate(record, "Graph no longer has it (reauthorization answered 404)")
        except GraphError as error:
            log.warning("reauthorizing subscription %s failed (%s); renewing it instead", record.id, error)
            return self.renew(record)

    def recreate(self, record: SubscriptionRecord, reason: str) -> SubscriptionRecord:
        """A new subscription for the same user, job and URLs; the old record goes."""
        replacement = self.subscribe(
            record.user, notification_url=record.notification_url, lifecycle_url=record.lifecycle_url,
            job_id=record.job_id, operation="recreate", details={"replaces": record.id, "reason": reason},
        )
        self._records.delete(record.id)
        return replacement

    def delete(self, record: SubscriptionRecord, reason: str = "") -> bool:
        """Delete in Graph (already gone is fine) and forget it; True when Graph still had it."""
        with self._audit.audited(AUDIT_ACTION, "delete", f"subscriptions/{record.id}", user=record.user) as scope:
            existed = self._graph.delete(record.id)
            self._records.delete(record.id)
            scope.details.update({"existed_in_graph": existed, "reason": reason})
            scope.message = f"subscription {record.id} deleted"
        return existed

    def forget_removed(self, record: SubscriptionRecord, reason: str) -> None:
        """Graph removed it and we will not replace it (its job is disabled or gone): drop our record."""
        with self._audit.audited(AUDIT_ACTION, "forget", f"subscriptions/{record.id}", user=record.user) as scope:
            self._records.delete(record.id)
            scope.message = f"subscription {record.id} forgotten: {reason}"

    def wanted(self, record: SubscriptionRecord) -> bool:
        """Whether a subscription should exist: no job (made by hand) or an enabled job."""
        if record.job_id is None:
            return True
        job = self._jobs.get(record.job_id)
        return job is not None and job.enabled

    def reconcile(self) -> ReconcileReport:
        """The hourly pass: one live subscription per enabled job, renewed in time; none for disabled jobs."""
        report = ReconcileReport()
        jobs = {job.id: job for job in self._jobs.list()}
        live_ids = {str(item.get("id")) for item in self._graph.list()}
        kept: list[SubscriptionRecord] = []
        by_job: dict[str, list[SubscriptionRecord]] = {}
        for record in self._records.list():
            if record.job_id is None:
                kept.append(record)  # made by hand: kept alive, never removed here
                continue
            job = jobs.get(record.job_id)
            if job is None or not job.enabled:
                self._attempt(report.deleted, report, record.id, partial(self.delete, record, "job disabled"))
            else:
                by_job.setdefault(job.id, []).append(record)
        for group in by_job.values():
            # One per job is enough: duplicates would only double the notifications.
            *extras, newest = sorted(group, key=lambda r: r.expiration)
            kept.append(newest)
            for extra in extras:
                self._attempt(report.deleted, report, extra.id, partial(self.delete, extra, "duplicate"))
        for record in kept:
            if record.id not in live_ids:
                self._attempt(report.recreated, report, record.id,
                              partial(self.recreate, record, "missing in Graph"))
            elif record.expiration - self._clock() < RENEW_WITHIN:
                self._attempt(report.renewed, report, record.id, partial(self.renew, record))
        for job in jobs.values():
            if job.enabled and job.id not in by_job:
                self._attempt(report.created, report, job.user, partial(self.subscribe, job.user, job_id=job.id))
        return report

    def _job_id_of(self, user: str) -> str | None:
        wanted = user.strip().lower()
        job: ArchiveJob | None = next((j for j in self._jobs.list() if j.user.strip().lower() == wanted), None)
        return job.id if job else None

    @staticmethod
    def _attempt(done: list[str], report: ReconcileReport, label: str, action: Callable[[], object]) -> None:
        try:
            action()
        except Exception as error:
            # One mailbox's failure must not stop the others; the audit row has the details.
            log.warning("subscription upkeep for %s failed: %s", label, error)
            report.failed.append(f"{label}: {type(error).__name__}")
            return
        done.append(label)


def expiration_granted(answer: dict[str, Any], fallback: datetime) -> datetime:
    """Graph may shorten the lifetime we asked for: keep what it says."""
    value = answer.get("expirationDateTime")
    if not isinstance(value, str):
        return fallback
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return fallback
    return parsed if parsed.tzinfo else fallback
