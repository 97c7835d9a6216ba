"""The audit trail in Table Storage: one row per operation, partitioned by user and UTC day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from azure.data.tables import UpdateMode

from shared.storage.codec import as_datetime, clamp_int32, fit_text, from_json, to_json, without_none
from shared.storage.keys import user_key
from shared.storage.models import AuditEntry, Page
from shared.storage.query import Filter, day_bounds, instant_bounds, query_page
from shared.storage.tables import TableStore

AUDIT_TABLE = "AuditLog"
_DAY_MAX = "9999-12-31"


def audit_user_key(user: str | None) -> str:
    # Rows without a user (timer runs, system work) get the empty user key, which no mailbox has.
    return user_key(user) if user else ""


def audit_keys(entry: AuditEntry) -> tuple[str, str]:
    """PartitionKey `<user>|<day>` makes "one user, some days" a key-range scan; RowKey sorts by time."""
    partition = f"{audit_user_key(entry.user)}|{entry.timestamp.date().isoformat()}"
    return partition, f"{entry.timestamp:%Y-%m-%dT%H:%M:%S.%fZ}_{entry.id}"


def audit_to_entity(entry: AuditEntry) -> dict[str, Any]:
    partition_key, row_key = audit_keys(entry)
    return without_none(
        {
            "PartitionKey": partition_key,
            "RowKey": row_key,
            "id": entry.id,
            "occurred_at": entry.timestamp,
            "day": entry.timestamp.date().isoformat(),
            "user": entry.user,
            "user_key": audit_user_key(entry.user),
            "action": fit_text(entry.action, 256),
            "operation": fit_text(entry.operation, 256),
            "resource": fit_text(entry.resource, 1024),
            "status": entry.status,
            "message": fit_text(entry.message, 8_000),
            "details": to_json(entry.details),
            "duration_ms": clamp_int32(entry.duration_ms),
            "correlation_id": entry.correlation_id,
        }
    )


def audit_from_entity(entity: Mapping[str, Any]) -> AuditEntry:
    details = from_json(entity.get("details"), {})
    return AuditEntry(
        id=entity["id"],
        timestamp=as_datetime(entity["occurred_at"]),
        user=entity.get("user"),
        action=entity["action"],
        operation=entity["operation"],
        resource=entity["resource"],
        status=entity["status"],
        message=entity.get("message", ""),
        details=details if isinstance(details, dict) else {"value": details},
        duration_ms=entity.get("duration_ms"),
        correlation_id=entity.get("correlation_id"),
    )


def audit_filter(
    user: str | None, start: dt.date | dt.datetime | None, end: dt.date | dt.datetime | None, action: str | None
) -> Filter:
    where = Filter()
    first_day, last_day = day_bounds(start, end)
    low, high = instant_bounds(start, end)
    if user:
        key = audit_user_key(user)
        where.where("PartitionKey", "ge", f"{key}|{first_day.isoformat() if first_day else ''}")
        where.where("PartitionKey", "le", f"{key}|{last_day.isoformat() if last_day else _DAY_MAX}")
        where.where("user_key", "eq", key)  # another user's key could sort inside the range
    else:
        if first_day:
            where.where("day", "ge", first_day.isoformat())
        if last_day:
            where.where("day", "le", last_day.isoformat())
    if low:
        where.where("occurred_at", "ge", low)
    if high:
        where.where("occurred_at", "le", high)
    if action:
        where.where("action", "eq", action)
    return where


class TableAuditLog:
    def __init__(self, store: TableStore, table_name: str = AUDIT_TABLE) -> None:
        self._store = store
        self._table_name = table_name

    def record(self, entry: AuditEntry) -> None:
        # Insert-or-replace: recording the same entry twice (a retried activity) keeps one row.
        self._store.table(self._table_name).upsert_entity(audit_to_entity(entry), mode=UpdateMode.REPLACE)

    def query(
        self,
        user: str | None = None,
        start: dt.date | dt.datetime | None = None,
        end: dt.date | dt.datetime | None = None,
        action: str | None = None,
        page_size: int = 100,
        continuation: str | None = None,
    ) -> Page[AuditEntry]:
        table = self._store.table(self._table_name)
        entities, token = query_page(table, audit_filter(user, start, end, action), page_size, continuation)
        return Page[AuditEntry](items=[audit_from_entity(e) for e in entities], continuation=token)
