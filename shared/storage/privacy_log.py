"""Every sensitivity change we make (automatic or manual), so it can be reviewed and rolled back."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from azure.data.tables import UpdateMode

from shared.storage.codec import as_datetime, fit_text, without_none
from shared.storage.keys import user_key
from shared.storage.models import PrivacyChangeRecord
from shared.storage.query import Filter, all_entities, instant_bounds
from shared.storage.tables import TableStore

PRIVACY_TABLE = "PrivacyLog"
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def privacy_keys(change: PrivacyChangeRecord) -> tuple[str, str]:
    """One partition per user; RowKey sorts by time, and recording the same change twice keeps one row."""
    event = hashlib.sha256(f"{change.event_id}\n{change.old}\n{change.new}".encode()).hexdigest()[:16]
    return user_key(change.user), f"{change.changed_at.astimezone(dt.UTC):{_TIME_FORMAT}}_{event}"


def privacy_to_entity(change: PrivacyChangeRecord) -> dict[str, Any]:
    partition_key, row_key = privacy_keys(change)
    return without_none(
        {
            "PartitionKey": partition_key,
            "RowKey": row_key,
            "user": change.user,
            "event_id": change.event_id,
            "subject": fit_text(change.subject, 1024),
            "old": change.old,
            "new": change.new,
            "changed_at": change.changed_at,
            "changed_by": change.changed_by,
            "reason": fit_text(change.reason, 2048),
        }
    )


def privacy_from_entity(entity: Mapping[str, Any]) -> PrivacyChangeRecord:
    return PrivacyChangeRecord(
        user=entity["user"],
        event_id=entity["event_id"],
        subject=entity.get("subject", ""),
        old=entity["old"],
        new=entity["new"],
        changed_at=as_datetime(entity["changed_at"]),
        changed_by=entity.get("changed_by", ""),
        reason=entity.get("reason", ""),
    )


def time_row_range(
    start: dt.date | dt.datetime | None, end: dt.date | dt.datetime | None
) -> tuple[str | None, str | None]:
    """RowKey bounds for time-prefixed RowKeys: [low, high) covering both bounds inclusively."""
    low, high = instant_bounds(start, end)
    return (
        f"{low.astimezone(dt.UTC):{_TIME_FORMAT}}" if low else None,
        f"{high.astimezone(dt.UTC):{_TIME_FORMAT}}~" if high else None,  # '~' sorts after the '_' that follows
    )


class TablePrivacyLog:
    def __init__(self, store: TableStore, table_name: str = PRIVACY_TABLE) -> None:
        self._store = store
        self._table_name = table_name

    def record(self, change: PrivacyChangeRecord) -> None:
        self._store.table(self._table_name).upsert_entity(privacy_to_entity(change), mode=UpdateMode.REPLACE)

    def for_user(
        self, user: str, start: dt.date | dt.datetime | None = None, end: dt.date | dt.datetime | None = None
    ) -> list[PrivacyChangeRecord]:
        where = Filter().where("PartitionKey", "eq", user_key(user))
        low, high = time_row_range(start, end)
        if low:
            where.where("RowKey", "ge", low)
        if high:
            where.where("RowKey", "lt", high)
        return [privacy_from_entity(e) for e in all_entities(self._store.table(self._table_name), where)]
