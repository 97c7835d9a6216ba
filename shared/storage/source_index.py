"""Which archive key each source event had when we last saw it.

A `deleted` notification names only the event id, and the event can no longer be read; the source key of its archive
copy (calendar + iCalUId + occurrence start) is therefore remembered while the event still exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from azure.data.tables import UpdateMode
from pydantic import BaseModel

from shared.storage.keys import safe_key, user_key
from shared.storage.tables import TableStore, read_entity

SOURCE_INDEX_TABLE = "LiveSourceIndex"


class SourceEntry(BaseModel):
    user: str
    event_id: str
    source_key: str
    day: dt.date


class SourceIndex(Protocol):
    def remember(self, entry: SourceEntry) -> None: ...

    def get(self, user: str, event_id: str) -> SourceEntry | None: ...

    def forget(self, user: str, event_id: str) -> None: ...


class TableSourceIndex:
    def __init__(self, store: TableStore, table_name: str = SOURCE_INDEX_TABLE) -> None:
        self._store = store
        self._table_name = table_name

    def remember(self, entry: SourceEntry) -> None:
        entity = {
            "PartitionKey": user_key(entry.user),
            "RowKey": safe_key(entry.event_id),
            "user": entry.user,
            "event_id": entry.event_id,
            "source_key": entry.source_key,
            "day": entry.day.isoformat(),
        }
        self._store.table(self._table_name).upsert_entity(entity, mode=UpdateMode.REPLACE)

    def get(self, user: str, event_id: str) -> SourceEntry | None:
        entity = read_entity(self._store.table(self._table_name), user_key(user), safe_key(event_id))
        if entity is None:
            return None
        return SourceEntry(user=entity["user"], event_id=entity["event_id"], source_key=entity["source_key"],
                           day=dt.date.fromisoformat(entity["day"]))

    def forget(self, user: str, event_id: str) -> None:
        self._store.table(self._table_name).delete_entity(user_key(user), safe_key(event_id))
