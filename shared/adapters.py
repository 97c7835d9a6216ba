"""The adapters of the composition root (shared/bootstrap.py): built from settings, lazily, once per process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from shared.config import Settings
from shared.suggestion_adapters import SuggestionAdapters
from shared.travel_adapters import TravelAdapters

if TYPE_CHECKING:
    from azure.storage.blob import BlobServiceClient

    from shared.graph.calendars import CalendarService
    from shared.graph.client import GraphClient
    from shared.graph.drive import DriveService
    from shared.graph.subscriptions import SubscriptionService
    from shared.services.audit import AuditService
    from shared.storage.lease import MailboxLease
    from shared.storage.protocols import (
        AuditLog,
        ConflictRepository,
        CustomerSettingsRepository,
        DedupStore,
        IssueLog,
        JobRepository,
        PrivacyLog,
        SubscriptionRepository,
        TimesheetRepository,
    )
    from shared.storage.queues import MessageQueue
    from shared.storage.source_index import SourceIndex
    from shared.storage.staging import StagingStore
    from shared.storage.tables import TableStore


def _now() -> datetime:
    return datetime.now(UTC)


class Adapters(SuggestionAdapters, TravelAdapters):
    """The storage, Graph and vault clients, each built on first use (no clients at import time)."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime] = _now, **overrides: Any) -> None:
        self.settings = settings
        self.clock = clock
        unknown = [name for name in overrides if not isinstance(getattr(type(self), name, None), cached_property)]
        if unknown:
            raise TypeError(f"not adapters of the container: {', '.join(unknown)}")
        # A cached_property finds its value in the instance dict first: an override is simply a value cached early.
        self.__dict__.update(overrides)

    def _credential(self) -> Any:
        from azure.identity import DefaultAzureCredential, ManagedIdentityCredential

        client_id = self.settings.storage_client_id or self.settings.managed_identity_client_id
        return ManagedIdentityCredential(client_id=client_id) if client_id else DefaultAzureCredential()

    @property
    def _connection_string(self) -> str | None:
        # The storage SDKs understand UseDevelopmentStorage=true (Azurite's default ports) themselves.
        return self.settings.storage_connection

    @cached_property
    def tables(self) -> TableStore:
        from shared.storage.tables import TableStore

        if self._connection_string:
            return TableStore.from_connection_string(self._connection_string)
        assert self.settings.storage_account_name
        return TableStore.from_account(self.settings.storage_account_name, self._credential())

    @cached_property
    def blobs(self) -> BlobServiceClient:
        from azure.storage.blob import BlobServiceClient

        if self._connection_string:
            return BlobServiceClient.from_connection_string(self._connection_string)
        account = self.settings.storage_account_name
        return BlobServiceClient(f"https://{account}.blob.core.windows.net", self._credential())

    @cached_property
    def staging(self) -> StagingStore:
        from shared.storage.staging import BlobStagingStore

        return BlobStagingStore(self.blobs)

    @cached_property
    def customers(self) -> CustomerSettingsRepository:
        from shared.storage.customers import TableCustomerSettingsRepository

        return TableCustomerSettingsRepository(self.tables)

    @cached_property
    def timesheet_store(self) -> TimesheetRepository:
        from shared.storage.timesheets import TimesheetStore

        return TimesheetStore(self.tables, self.blobs)

    @cached_property
    def drive(self) -> DriveService:
        from shared.graph.drive import DriveService

        return DriveService(self.graph)

    @cached_property
    def leases(self) -> MailboxLease:
        from shared.storage.lease import MailboxLease

        return MailboxLease(lambda: self.tables.table("MailboxLeases"))

    @cached_property
    def audit_log(self) -> AuditLog:
        from shared.storage.audit_log import TableAuditLog

        return TableAuditLog(self.tables, self.settings.audit_table)

    @cached_property
    def audit(self) -> AuditService:
        from shared.services.audit import AuditService

        return AuditService(self.audit_log)

    @cached_property
    def conflicts(self) -> ConflictRepository:
        from shared.storage.conflicts import TableConflictRepository

        return TableConflictRepository(self.tables, self.settings.conflicts_table)

    @cached_property
    def jobs(self) -> JobRepository:
        from shared.storage.jobs import TableJobRepository

        return TableJobRepository(self.tables)

    @cached_property
    def subscriptions(self) -> SubscriptionRepository:
        from shared.storage.subscriptions import TableSubscriptionRepository

        return TableSubscriptionRepository(self.tables)

    @cached_property
    def dedup(self) -> DedupStore:
        from shared.storage.dedup import TableDedupStore

        return TableDedupStore(self.tables)

    @cached_property
    def notification_queue(self) -> MessageQueue:
        from azure.storage.queue import QueueClient, TextBase64EncodePolicy

        from shared.storage.queues import StorageMessageQueue

        name = self.settings.notification_queue
        if self._connection_string:
            return StorageMessageQueue.from_connection_string(self._connection_string, name)
        account_url = f"https://{self.settings.storage_account_name}.queue.core.windows.net"
        client = QueueClient(
            account_url, name, credential=self._credential(), message_encode_policy=TextBase64EncodePolicy()
        )
        return StorageMessageQueue(client)

    @cached_property
    def privacy_log(self) -> PrivacyLog:
        from shared.storage.privacy_log import TablePrivacyLog

        return TablePrivacyLog(self.tables)

    @cached_property
    def issue_log(self) -> IssueLog:
        from shared.storage.issues import TableIssueLog

        return TableIssueLog(self.tables)

    @cached_property
    def source_index(self) -> SourceIndex:
        from shared.storage.source_index import TableSourceIndex

        return TableSourceIndex(self.tables)

    @cached_property
    def secrets(self) -> Any:
        from shared.secrets import secret_reader_from_settings

        return secret_reader_from_settings(self.settings)

    @cached_property
    def graph(self) -> GraphClient:
        from shared.config import GraphAuthMode
        from shared.graph.factory import graph_client_from_settings

        reader = None if self.settings.effective_auth_mode is GraphAuthMode.STATIC else self.secrets
        return graph_client_from_settings(self.settings, secret_reader=reader)

    @cached_property
    def calendars(self) -> CalendarService:
        from shared.graph.calendars import CalendarService

        return CalendarService(self.graph)

    @cached_property
    def graph_subscriptions(self) -> SubscriptionService:
        from shared.graph.subscriptions import SubscriptionService

        return SubscriptionService(self.graph)
