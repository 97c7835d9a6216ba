from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator

import pytest

from shared.storage import (
    AuditLog,
    ConflictRepository,
    DedupStore,
    IssueLog,
    JobRepository,
    PrivacyLog,
    SubscriptionRepository,
    TableAuditLog,
    TableConflictRepository,
    TableDedupStore,
    TableIssueLog,
    TableJobRepository,
    TablePrivacyLog,
    TableSubscriptionRepository,
)
from shared.storage.tables import TableStore
from tests.fakes.storage import (
    InMemoryAuditLog,
    InMemoryConflictRepository,
    InMemoryDedupStore,
    InMemoryIssueLog,
    InMemoryJobRepository,
    InMemoryPrivacyLog,
    InMemorySubscriptionRepository,
)


@pytest.fixture(scope="session")
def table_store(storage_connection_string: str) -> Iterator[TableStore]:
    store = TableStore.from_connection_string(storage_connection_string)
    yield store
    store.close()


@pytest.fixture
def table_name() -> Callable[[str], str]:
    """A fresh table name per call, so tests never see each other's rows."""
    return lambda prefix: f"{prefix}{uuid.uuid4().hex[:16]}"


@pytest.fixture(params=["table", "memory"])
def backend(request: pytest.FixtureRequest) -> str:
    """Repository contract tests run against Azurite and against the in-memory fakes: both must behave alike."""
    return str(request.param)


@pytest.fixture
def audit_log(backend: str, table_store: TableStore, table_name: Callable[[str], str]) -> AuditLog:
    return TableAuditLog(table_store, table_name("Audit")) if backend == "table" else InMemoryAuditLog()


@pytest.fixture
def conflicts(backend: str, table_store: TableStore, table_name: Callable[[str], str]) -> ConflictRepository:
    if backend == "table":
        return TableConflictRepository(table_store, table_name("Conflicts"))
    return InMemoryConflictRepository()


@pytest.fixture
def jobs(backend: str, table_store: TableStore, table_name: Callable[[str], str]) -> JobRepository:
    return TableJobRepository(table_store, table_name("Jobs")) if backend == "table" else InMemoryJobRepository()


@pytest.fixture
def subscriptions(
    backend: str, table_store: TableStore, table_name: Callable[[str], str]
) -> SubscriptionRepository:
    if backend == "table":
        return TableSubscriptionRepository(table_store, table_name("Subs"))
    return InMemorySubscriptionRepository()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(dt.datetime(2025, 3, 10, 8, 0, tzinfo=dt.UTC))


@pytest.fixture
def dedup(
    backend: str, table_store: TableStore, table_name: Callable[[str], str], clock: ManualClock
) -> DedupStore:
    if backend == "table":
        return TableDedupStore(table_store, table_name("Dedup"), clock=clock)
    return InMemoryDedupStore(clock=clock)


@pytest.fixture
def privacy_log(backend: str, table_store: TableStore, table_name: Callable[[str], str]) -> PrivacyLog:
    return TablePrivacyLog(table_store, table_name("Privacy")) if backend == "table" else InMemoryPrivacyLog()


@pytest.fixture
def issue_log(
    backend: str, table_store: TableStore, table_name: Callable[[str], str], clock: ManualClock
) -> IssueLog:
    if backend == "table":
        return TableIssueLog(table_store, table_name("Issues"), clock=clock)
    return InMemoryIssueLog(clock=clock)


class ManualClock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, delta: dt.timedelta) -> None:
        self.now += delta
