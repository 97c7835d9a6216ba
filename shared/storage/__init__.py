"""Table Storage adapters: audit, conflicts, archive jobs, subscriptions, notification dedup, privacy log, issues."""

from __future__ import annotations

from shared.domain.conflicts import Conflict, ConflictItem
from shared.domain.jobs import ArchiveJob
from shared.domain.subscriptions import SubscriptionRecord
from shared.storage.audit_log import AUDIT_TABLE, TableAuditLog
from shared.storage.conflicts import CONFLICTS_TABLE, TableConflictRepository
from shared.storage.dedup import DEDUP_TABLE, TableDedupStore
from shared.storage.errors import EntityNotFoundError, InvalidContinuationError, StaleEntityError, StorageError
from shared.storage.issues import ISSUES_TABLE, TableIssueLog
from shared.storage.jobs import JOBS_TABLE, TableJobRepository
from shared.storage.keys import safe_key, unsafe_key
from shared.storage.models import AuditEntry, IssueRecord, Page, PrivacyChangeRecord
from shared.storage.privacy_log import PRIVACY_TABLE, TablePrivacyLog
from shared.storage.protocols import (
    AuditLog,
    ConflictRepository,
    DedupStore,
    IssueLog,
    JobRepository,
    PrivacyLog,
    SubscriptionRepository,
)
from shared.storage.subscriptions import SUBSCRIPTIONS_TABLE, TableSubscriptionRepository
from shared.storage.tables import TableStore, submit_in_transactions

__all__ = [
    "AUDIT_TABLE",
    "CONFLICTS_TABLE",
    "DEDUP_TABLE",
    "ISSUES_TABLE",
    "JOBS_TABLE",
    "PRIVACY_TABLE",
    "SUBSCRIPTIONS_TABLE",
    "ArchiveJob",
    "AuditEntry",
    "AuditLog",
    "Conflict",
    "ConflictItem",
    "ConflictRepository",
    "DedupStore",
    "EntityNotFoundError",
    "InvalidContinuationError",
    "IssueLog",
    "IssueRecord",
    "JobRepository",
    "Page",
    "PrivacyChangeRecord",
    "PrivacyLog",
    "StaleEntityError",
    "StorageError",
    "SubscriptionRecord",
    "SubscriptionRepository",
    "TableAuditLog",
    "TableConflictRepository",
    "TableDedupStore",
    "TableIssueLog",
    "TableJobRepository",
    "TablePrivacyLog",
    "TableStore",
    "TableSubscriptionRepository",
    "safe_key",
    "submit_in_transactions",
    "unsafe_key",
]
