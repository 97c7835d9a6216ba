"""The audit trail in Table Storage: one row per operation, partitioned by user and UTC day."""

from __future__ import annotations

import datetime as dt

from shared.storage.codec import clamp_int32
from shared.storage.entity_map import Derived, EntityMapper, Prop, json_text, keys, plain, text, utc
from shared.storage.entity_table import EntityTable
from shared.storage.keys import user_key
from shared.storage.models import AuditEntry, Page
from shared.storage.query import Filter, day_bounds, instant_bounds
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


AUDIT_ROWS = EntityMapper(
    AuditEntry,
    keys(audit_keys),
    Derived(lambda entry: {"day": entry.timestamp.date().isoformat(), "user_key": audit_user_key(entry.user)}),
    *plain("id", "user", "status", "correlation_id"),
    utc("timestamp", "occurred_at"),
    text("action", 256),
    text("operation", 256),
    text("resource", 1024),
    text("message", 8_000),
    json_text("details", dict, wrap=lambda value: {"value": value}),
    Prop("duration_ms", encode=clamp_int32),
)


def audit_filter(
    user: str | None, start: dt.date | dt.datetime | None, end: dt.date | dt.datetime | None, action: str | None
) -> Filter:
    where = Filter()
    first_day, last_day = day_bounds(start, end)
    if user:
        key = audit_user_key(user)
        where.where("PartitionKey", "ge", f"{key}|{first_day.isoformat() if first_day else ''}")
        where.where("PartitionKey", "le", f"{key}|{last_day.isoformat() if last_day else _DAY_MAX}")
        where.where("user_key", "eq", key)  # another user's key could sort inside the range
    else:
        where.where_given("day", "ge", first_day.isoformat() if first_day else None)
        where.where_given("day", "le", last_day.isoformat() if last_day else None)
    low, high = instant_bounds(start, end)
    where.where_given("occurred_at", "ge", low).where_given("occurred_at", "le", high)
    return where.where_given("action", "eq", action)


class TableAuditLog:
    def __init__(self, store: TableStore, table_name: str = AUDIT_TABLE) -> None:
        self._rows = EntityTable(store, table_name, AUDIT_ROWS)

    def record(self, entry: AuditEntry) -> None:
        # Insert-or-replace: recording the same entry twice (a retried activity) keeps one row.
        self._rows.save(entry)

    def query(
        self,
        user: str | None = None,
        start: dt.date | dt.datetime | None = None,
        end: dt.date | dt.datetime | None = None,
        action: str | None = None,
        page_size: int = 100,
        continuation: str | None = None,
    ) -> Page[AuditEntry]:
        items, token = self._rows.page(audit_filter(user, start, end, action), page_size, continuation)
        return Page[AuditEntry](items=items, continuation=token)
