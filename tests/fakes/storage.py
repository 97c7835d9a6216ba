"""In-memory repositories with the same behaviour as the Table Storage ones, for service unit tests.

tests/integration/storage runs every repository contract test on these and on Azurite, so they cannot drift.

They keep the very entities the Table adapters would write (same keys, same truncation, same ETag rules), so a
service tested against them sees what it would see against Azure. Thread-safe.
"""

from __future__ import annotations

import builtins
import datetime as dt
import itertools
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from shared.domain.conflicts import Conflict, ConflictStatus, merge_rerun
from shared.domain.jobs import ArchiveJob
from shared.domain.subscriptions import SubscriptionRecord
from shared.domain.timestamps import utc_now
from shared.storage.audit_log import AUDIT_ROWS, audit_user_key
from shared.storage.codec import as_datetime
from shared.storage.conflicts import CONFLICT_ROWS, conflict_keys
from shared.storage.dedup import dedup_entity, dedup_keys, is_expired
from shared.storage.errors import EntityNotFoundError, StaleEntityError
from shared.storage.issues import ISSUE_ROWS, day_row_range, issue_keys
from shared.storage.jobs import JOB_PARTITION, JOB_ROWS
from shared.storage.keys import safe_key, user_key
from shared.storage.models import AuditEntry, IssueRecord, Page, PrivacyChangeRecord
from shared.storage.privacy_log import PRIVACY_ROWS, time_row_range
from shared.storage.query import (
    RowKey,
    check_page_size,
    day_bounds,
    decode_continuation,
    encode_continuation,
    instant_bounds,
)
from shared.storage.source_index import SourceEntry
from shared.storage.subscriptions import SUBSCRIPTION_PARTITION, SUBSCRIPTION_ROWS

Key = tuple[str, str]
T = TypeVar("T")


def page_in_memory(
    items: Iterable[T], key: Callable[[T], RowKey], page_size: int, continuation: str | None
) -> tuple[list[T], str | None]:
    """The same paging over items already filtered, for the in-memory fakes."""
    check_page_size(page_size)
    ordered = sorted(items, key=key)
    if continuation:
        after = decode_continuation(continuation)
        ordered = [item for item in ordered if key(item) > after]
    if len(ordered) <= page_size:
        return ordered, None
    return ordered[:page_size], encode_continuation(key(ordered[page_size - 1]))


def _row_key(entity: Mapping[str, Any]) -> Key:
    return str(entity["PartitionKey"]), str(entity["RowKey"])


def _in_user_range(user: str, low: str | None, high: str | None) -> Callable[[Mapping[str, Any]], bool]:
    """The user's partition, RowKeys in [low, high) as `Filter.key_range` asks of the service."""
    return lambda e: (e["PartitionKey"] == user_key(user) and (low is None or e["RowKey"] >= low)
                      and (high is None or e["RowKey"] < high))


class StoredEntity(dict[str, Any]):
    """A row as the SDK hands it back: properties plus `metadata['etag']`."""

    def __init__(self, properties: Mapping[str, Any], etag: str) -> None:
        super().__init__(properties)
        self.metadata = {"etag": etag}


class MemoryTable:
    """The slice of Table Storage semantics the repositories rely on: keys, insert-if-absent, ETag checks."""

    _etags = itertools.count(1)

    def __init__(self, name: str) -> None:
        self.name = name
        self.lock = threading.RLock()
        self._rows: dict[Key, StoredEntity] = {}

    def _store(self, entity: Mapping[str, Any]) -> StoredEntity:
        stored = StoredEntity(entity, f'W/"memory-{next(self._etags)}"')
        self._rows[_row_key(entity)] = stored
        return stored

    def get(self, partition_key: str, row_key: str) -> StoredEntity | None:
        with self.lock:
            return self._rows.get((partition_key, row_key))

    def write(self, entity: Mapping[str, Any], etag: str | None = None) -> str:
        with self.lock:
            key = _row_key(entity)
            if etag is not None:
                current = self._rows.get(key)
                if current is None:
                    raise EntityNotFoundError(self.name, *key)
                if current.metadata["etag"] != etag:
                    raise StaleEntityError(self.name, *key)
            return self._store(entity).metadata["etag"]

    def delete(self, partition_key: str, row_key: str) -> bool:
        with self.lock:
            return self._rows.pop((partition_key, row_key), None) is not None

    def rows(self, keep: Callable[[StoredEntity], bool] = lambda _: True) -> list[StoredEntity]:
        with self.lock:
            return sorted((e for e in self._rows.values() if keep(e)), key=_row_key)


class InMemoryAuditLog:
    def __init__(self) -> None:
        self.table = MemoryTable("AuditLog")

    def record(self, entry: AuditEntry) -> None:
        self.table.write(AUDIT_ROWS.to_entity(entry))

    def query(
        self,
        user: str | None = None,
        start: dt.date | dt.datetime | None = None,
        end: dt.date | dt.datetime | None = None,
        action: str | None = None,
        page_size: int = 100,
        continuation: str | None = None,
    ) -> Page[AuditEntry]:
        first_day, last_day = day_bounds(start, end)
        low, high = instant_bounds(start, end)

        def keep(e: Mapping[str, Any]) -> bool:
            at = as_datetime(e["occurred_at"])
            return (
                (not user or e["user_key"] == audit_user_key(user))
                and (first_day is None or e["day"] >= first_day.isoformat())
                and (last_day is None or e["day"] <= last_day.isoformat())
                and (low is None or (at is not None and at >= low))
                and (high is None or (at is not None and at <= high))
                and (not action or e["action"] == action)
            )

        rows, token = page_in_memory(self.table.rows(keep), _row_key, page_size, continuation)
        return Page[AuditEntry](items=[AUDIT_ROWS.from_entity(e) for e in rows], continuation=token)


class InMemoryConflictRepository:
    def __init__(self) -> None:
        self.table = MemoryTable("Conflicts")

    def get(self, conflict_id: str) -> Conflict | None:
        keys = conflict_keys(conflict_id)
        entity = self.table.get(*keys) if keys else None
        return CONFLICT_ROWS.from_entity(entity) if entity else None

    def query(
        self,
        user: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        status: ConflictStatus | None = None,
        page_size: int = 100,
        continuation: str | None = None,
    ) -> Page[Conflict]:
        def keep(e: Mapping[str, Any]) -> bool:
            return (
                (start is None or e["PartitionKey"] >= start.isoformat())
                and (end is None or e["PartitionKey"] <= end.isoformat())
                and (not user or e["user_key"] == user_key(user))
                and (not status or e["status"] == status)
            )

        rows, token = page_in_memory(self.table.rows(keep), _row_key, page_size, continuation)
        return Page[Conflict](items=[CONFLICT_ROWS.from_entity(e) for e in rows], continuation=token)

    def save(self, conflict: Conflict) -> Conflict:
        etag = self.table.write(CONFLICT_ROWS.to_entity(conflict), conflict.etag)
        return conflict.model_copy(update={"etag": etag})

    def upsert(self, conflict: Conflict) -> Conflict:
        with self.table.lock:
            existing = self.get(conflict.id)
            merged = merge_rerun(existing, conflict)
            if merged is existing:
                return merged
            return self.save(merged)

    def upsert_many(self, conflicts: Iterable[Conflict]) -> list[Conflict]:
        latest = {c.id: c for c in conflicts}
        with self.table.lock:
            return [self.upsert(c) for c in latest.values()]


class InMemoryJobRepository:
    def __init__(self) -> None:
        self.table = MemoryTable("ArchiveJobs")

    def get(self, job_id: str) -> ArchiveJob | None:
        entity = self.table.get(JOB_PARTITION, job_id)
        return JOB_ROWS.from_entity(entity) if entity else None

    def list(self, enabled_only: bool = False) -> builtins.list[ArchiveJob]:
        return [JOB_ROWS.from_entity(e) for e in self.table.rows(lambda e: not enabled_only or bool(e.get("enabled")))]

    def save(self, job: ArchiveJob) -> ArchiveJob:
        return job.model_copy(update={"etag": self.table.write(JOB_ROWS.to_entity(job), job.etag)})

    def delete(self, job_id: str) -> bool:
        return self.table.delete(JOB_PARTITION, job_id)


class InMemorySubscriptionRepository:
    def __init__(self) -> None:
        self.table = MemoryTable("Subscriptions")

    def get(self, subscription_id: str) -> SubscriptionRecord | None:
        entity = self.table.get(SUBSCRIPTION_PARTITION, safe_key(subscription_id))
        return SUBSCRIPTION_ROWS.from_entity(entity) if entity else None

    def for_user(self, user: str) -> builtins.list[SubscriptionRecord]:
        rows = self.table.rows(lambda e: e["user_key"] == user_key(user))
        return [SUBSCRIPTION_ROWS.from_entity(e) for e in rows]

    def list(self) -> builtins.list[SubscriptionRecord]:
        return [SUBSCRIPTION_ROWS.from_entity(e) for e in self.table.rows()]

    def save(self, record: SubscriptionRecord) -> SubscriptionRecord:
        return record.model_copy(update={"etag": self.table.write(SUBSCRIPTION_ROWS.to_entity(record), record.etag)})

    def delete(self, subscription_id: str) -> bool:
        return self.table.delete(SUBSCRIPTION_PARTITION, safe_key(subscription_id))


class InMemoryDedupStore:
    def __init__(self, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.table = MemoryTable("NotificationDedup")
        self._clock = clock

    def first_seen(self, key: str, ttl_hint: dt.timedelta | None = None) -> bool:
        now = self._clock()
        entity = dedup_entity(key, now, ttl_hint)
        with self.table.lock:
            existing = self.table.get(entity["PartitionKey"], entity["RowKey"])
            if existing is not None and not is_expired(as_datetime(existing.get("expires_at")), now):
                return False
            self.table.write(entity)
            return True

    def forget(self, key: str) -> None:
        with self.table.lock:
            self.table.delete(*dedup_keys(key))

    def purge_expired(self) -> int:
        now = self._clock()
        with self.table.lock:
            expired = self.table.rows(lambda e: is_expired(as_datetime(e.get("expires_at")), now))
            for entity in expired:
                self.table.delete(*_row_key(entity))
        return len(expired)


class InMemoryPrivacyLog:
    def __init__(self) -> None:
        self.table = MemoryTable("PrivacyLog")

    def record(self, change: PrivacyChangeRecord) -> None:
        self.table.write(PRIVACY_ROWS.to_entity(change))

    def for_user(
        self, user: str, start: dt.date | dt.datetime | None = None, end: dt.date | dt.datetime | None = None
    ) -> list[PrivacyChangeRecord]:
        rows = self.table.rows(_in_user_range(user, *time_row_range(start, end)))
        return [PRIVACY_ROWS.from_entity(e) for e in rows]


class InMemoryIssueLog:
    def __init__(self, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.table = MemoryTable("Issues")
        self._clock = clock

    def record(self, user: str, day: dt.date, issues: list[str], source: str) -> None:
        if not issues:
            self.table.delete(*issue_keys(user, day, source))
            return
        record = IssueRecord(user=user, day=day, issues=issues, source=source, recorded_at=self._clock())
        self.table.write(ISSUE_ROWS.to_entity(record))

    def for_user(self, user: str, start: dt.date | None = None, end: dt.date | None = None) -> list[IssueRecord]:
        rows = self.table.rows(_in_user_range(user, *day_row_range(start, end)))
        return [ISSUE_ROWS.from_entity(e) for e in rows]


class MemorySourceIndex:
    """Same behaviour, kept in a dict (service tests)."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], SourceEntry] = {}

    def remember(self, entry: SourceEntry) -> None:
        self._entries[(user_key(entry.user), entry.event_id)] = entry

    def get(self, user: str, event_id: str) -> SourceEntry | None:
        return self._entries.get((user_key(user), event_id))

    def forget(self, user: str, event_id: str) -> None:
        self._entries.pop((user_key(user), event_id), None)
