"""The timesheet use case on real adapters: the Graph simulator (archive calendar, OneDrive) and Azurite."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from azure.storage.blob import BlobServiceClient

from devtools.graph_simulator import GraphSimulator as DriveGraphSimulator
from shared.graph import GraphClient, StaticTokenProvider
from shared.graph.calendars import CalendarService
from shared.graph.drive import DriveService
from shared.services.archive_reader import CalendarArchiveReader
from shared.services.audit import AuditService
from shared.services.timesheets import TimesheetService
from shared.storage.audit_log import TableAuditLog
from shared.storage.conflicts import TableConflictRepository
from shared.storage.customers import TableCustomerSettingsRepository
from shared.storage.jobs import TableJobRepository
from shared.storage.tables import TableStore
from shared.storage.timesheets import TimesheetStore

USER = "megan@contoso.example"


@dataclass
class Stack:
    sim: DriveGraphSimulator
    archive_id: str
    service: TimesheetService
    store: TimesheetStore
    customers: TableCustomerSettingsRepository
    conflicts: TableConflictRepository
    audit: TableAuditLog
    clock: Callable[[], dt.datetime]

    def add(self, event: dict[str, Any]) -> dict[str, Any]:
        return self.sim.add_event(USER, event, self.archive_id)


@pytest.fixture(scope="module")
def table_store(storage_connection_string: str) -> Iterator[TableStore]:
    store = TableStore.from_connection_string(storage_connection_string)
    yield store
    store.close()


@pytest.fixture
def table_name() -> Callable[[str], str]:
    """A fresh name per call, so tests never see each other's rows or blobs."""
    return lambda prefix: f"{prefix}{uuid.uuid4().hex[:16]}"


@pytest.fixture
def drive_sim() -> Iterator[DriveGraphSimulator]:
    with DriveGraphSimulator(token="test-token") as sim:
        yield sim


@pytest.fixture
def timesheet_stack(
    drive_sim: DriveGraphSimulator, table_store: TableStore, table_name: Callable[[str], str],
    storage_connection_string: str,
) -> Iterator[Stack]:
    drive_sim.add_user(USER, display_name="Megan Bowen")
    archive_id = drive_sim.add_calendar(USER, "Archive")
    client = GraphClient(drive_sim.base_url, StaticTokenProvider("test-token"), backoff_base=0.01, backoff_max=0.05,
                         sleep=lambda seconds: None)
    blobs = BlobServiceClient.from_connection_string(storage_connection_string)
    store = TimesheetStore(table_store, blobs, table_name("Timesheets"), container=table_name("ts").lower())
    customers = TableCustomerSettingsRepository(table_store, table_name("Customers"))
    conflicts = TableConflictRepository(table_store, table_name("Conflicts"))
    audit = TableAuditLog(table_store, table_name("Audit"))
    now = dt.datetime(2025, 5, 2, 9, 0, tzinfo=dt.UTC)
    clock = lambda: now  # noqa: E731
    service = TimesheetService(
        CalendarArchiveReader(CalendarService(client), TableJobRepository(table_store, table_name("Jobs"))), conflicts,
        customers, store, AuditService(audit, clock=clock),
        DriveService(client, chunk_size=327_680), clock=clock,
    )
    yield Stack(drive_sim, archive_id, service, store, customers, conflicts, audit, clock)
    client.close()
    blobs.close()
