"""Which archive key each source event had when we last saw it.

A `deleted` notification names only the event id, and the event can no longer be read; the source key of its archive
copy (calendar + iCalUId + occurrence start) is therefore remembered while the event still exists: by the archive for
every appointment it archives, and by live processing for every appointment it sees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol

from azure.data.tables import TransactionOperation, UpdateMode
from pydantic import BaseModel

from shared.storage.keys import safe_key, user_key
from shared.storage.tables import TableStore, read_entity

SOURCE_INDEX_TABLE = "LiveSourceIndex"
TRANSACTION_LIMIT = 100  # operations per entity group transaction


class SourceEntry(BaseModel):
    user: str
    event_id: str
    source_key: str
    day: dt.date


class SourceIndex(Protocol):
    def remember(self, entry: SourceEntry) -> None: ...

    def remember_many(self, entries: Iterable[SourceEntry]) -> None: ...

    def get(self, user: str, event_id: str) -> SourceEntry | None: ...

    def forget(self, user: str, event_id: str) -> None: ...


class TableSourceIndex:
    def __init__(self, store: TableStore, table_name: str = SOURCE_INDEX_TABLE) -> None:
        self._store = store
        self._table_name = table_name

    def remember(self, entry: SourceEntry) -> None:
        self._store.table(self._table_name).upsert_entity(_entity(entry), mode=UpdateMode.REPLACE)

    def remember_many(self, entries: Iterable[SourceEntry]) -> None:
        """One entity group transaction per user and 100 entries: a day of 400 appointments is 4 requests."""
        by_user: dict[str, dict[str, dict[str, Any]]] = {}
        for entry in entries:
            entity = _entity(entry)
            by_user.setdefault(entity["PartitionKey"], {})[entity["RowKey"]] = entity  # a row once per transaction
        table = self._store.table(self._table_name)
        for rows in by_user.values():
            entities = list(rows.values())
            for start in range(0, len(entities), TRANSACTION_LIMIT):
                table.submit_transaction([(TransactionOperation.UPSERT, entity, {"mode": UpdateMode.REPLACE})
                                          for entity in entities[start:start + TRANSACTION_LIMIT]])

    def get(self, user: str, event_id: str) -> SourceEntry | None:
        entity = read_entity(self._store.table(self._table_name), user_key(user), safe_key(event_id))
        if entity is None:
            return None
        return SourceEntry(user=entity["user"], event_id=entity["event_id"], source_key=entity["source_key"],
                           day=dt.date.fromisoformat(entity["day"]))

    def forget(self, user: str, event_id: str) -> None:
        self._store.table(self._table_name).delete_entity(user_key(user), safe_key(event_id))


def _entity(entry: SourceEntry) -> dict[str, Any]:
    return {
        "PartitionKey": user_key(entry.user),
        "RowKey": safe_key(entry.event_id),
        "user": entry.user,
        "event_id": entry.event_id,
        "source_key": entry.source_key,
        "day": entry.day.isoformat(),
    }


class MemorySourceIndex:
    """Same behaviour, kept in a dict (service tests)."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], SourceEntry] = {}

    def remember(self, entry: SourceEntry) -> None:
        self._entries[(user_key(entry.user), entry.event_id)] = entry

    def remember_many(self, entries: Iterable[SourceEntry]) -> None:
        for entry in entries:
            self.remember(entry)

    def get(self, user: str, event_id: str) -> SourceEntry | None:
        return self._entries.get((user_key(user), event_id))

    def forget(self, user: str, event_id: str) -> None:
        self._entries.pop((user_key(user), event_id), None)
