"""Every sensitivity change we make (automatic or manual), so it can be reviewed and rolled back."""

from __future__ import annotations

import datetime as dt
import hashlib

from shared.storage.entity_map import EntityMapper, Prop, keys, plain, text, utc
from shared.storage.entity_table import EntityTable
from shared.storage.keys import user_key
from shared.storage.models import PrivacyChangeRecord
from shared.storage.query import Filter, instant_bounds
from shared.storage.tables import TableStore

PRIVACY_TABLE = "PrivacyLog"
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def privacy_keys(change: PrivacyChangeRecord) -> tuple[str, str]:
    """One partition per user; RowKey sorts by time, and recording the same change twice keeps one row."""
    event = hashlib.sha256(f"{change.event_id}\n{change.old}\n{change.new}".encode()).hexdigest()[:16]
    return user_key(change.user), f"{change.changed_at.astimezone(dt.UTC):{_TIME_FORMAT}}_{event}"


PRIVACY_ROWS = EntityMapper(
    PrivacyChangeRecord,
    keys(privacy_keys),
    *plain("user", "event_id", "old", "new"),
    text("subject", 1024),
    utc("changed_at"),
    Prop("changed_by", missing=""),
    text("reason", 2048),
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
        self._rows = EntityTable(store, table_name, PRIVACY_ROWS)

    def record(self, change: PrivacyChangeRecord) -> None:
        self._rows.save(change)

    def for_user(
        self, user: str, start: dt.date | dt.datetime | None = None, end: dt.date | dt.datetime | None = None
    ) -> list[PrivacyChangeRecord]:
        return self._rows.query(Filter().where("PartitionKey", "eq", user_key(user))
                                .key_range("RowKey", *time_row_range(start, end)))
