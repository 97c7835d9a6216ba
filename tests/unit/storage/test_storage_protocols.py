from __future__ import annotations

from typing import Any

from azure.core.credentials import AccessToken

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
    TableStore,
    TableSubscriptionRepository,
)
from tests.fakes.storage import (
    InMemoryAuditLog,
    InMemoryConflictRepository,
    InMemoryDedupStore,
    InMemoryIssueLog,
    InMemoryJobRepository,
    InMemoryPrivacyLog,
    InMemorySubscriptionRepository,
)


class StaticCredential:
    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken("unused", 0)


def test_table_and_memory_repositories_satisfy_the_protocols() -> None:
    # Building the adapters makes no request: tables are created on first use.
    store = TableStore.from_connection_string("UseDevelopmentStorage=true")
    # The annotations are the check (mypy runs over the tests); the asserts keep the test honest at runtime.
    audit: list[AuditLog] = [TableAuditLog(store), InMemoryAuditLog()]
    conflicts: list[ConflictRepository] = [TableConflictRepository(store), InMemoryConflictRepository()]
    jobs: list[JobRepository] = [TableJobRepository(store), InMemoryJobRepository()]
    subscriptions: list[SubscriptionRepository] = [TableSubscriptionRepository(store), InMemorySubscriptionRepository()]
    dedup: list[DedupStore] = [TableDedupStore(store), InMemoryDedupStore()]
    privacy: list[PrivacyLog] = [TablePrivacyLog(store), InMemoryPrivacyLog()]
    issues: list[IssueLog] = [TableIssueLog(store), InMemoryIssueLog()]

    protocols: tuple[type, ...] = (
        AuditLog, ConflictRepository, JobRepository, SubscriptionRepository, DedupStore, PrivacyLog, IssueLog
    )
    pairs: tuple[list[Any], ...] = (audit, conflicts, jobs, subscriptions, dedup, privacy, issues)
    for protocol, pair in zip(protocols, pairs, strict=True):
        methods = [name for name in vars(protocol) if not name.startswith("_")]
        assert methods
        for implementation in pair:
            assert all(callable(getattr(implementation, name, None)) for name in methods), (protocol, implementation)


def test_identity_based_store_points_at_the_accounts_table_endpoint() -> None:
    store = TableStore.from_account("adminassist", StaticCredential())

    assert store.url.startswith("https://adminassist.table.core.windows.net")
