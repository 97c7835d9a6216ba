"""Seen-before markers for change notifications: Graph delivers at least once, we act once."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError

from shared.storage.codec import as_datetime, etag_of, fit_text, without_none
from shared.storage.errors import EntityNotFoundError, StaleEntityError
from shared.storage.query import Filter, all_entities
from shared.storage.table_adapter import TableAdapter
from shared.storage.tables import read_entity, write_entity

DEDUP_TABLE = "NotificationDedup"
_ATTEMPTS = 5


def dedup_keys(key: str) -> tuple[str, str]:
    """Hashed, so any key fits; the first two hex digits spread rows over 256 partitions."""
    digest = hashlib.sha256(key.encode()).hexdigest()
    return digest[:2], digest


def dedup_entity(key: str, now: dt.datetime, ttl_hint: dt.timedelta | None) -> dict[str, Any]:
    partition_key, row_key = dedup_keys(key)
    return without_none(
        {
            "PartitionKey": partition_key,
            "RowKey": row_key,
            "key": fit_text(key, 1024),
            "first_seen_at": now,
            "expires_at": now + ttl_hint if ttl_hint is not None else None,
        }
    )


def is_expired(expires_at: dt.datetime | None, now: dt.datetime) -> bool:
    return expires_at is not None and expires_at <= now


class TableDedupStore(TableAdapter):
    TABLE = DEDUP_TABLE

    def first_seen(self, key: str, ttl_hint: dt.timedelta | None = None) -> bool:
        """True for exactly one caller per key, however many ask at once (insert-if-absent on the service).

        `ttl_hint`: after that long the key counts as unseen again (Table Storage has no TTL; expired rows are taken
        over with an ETag-guarded write, so that is atomic too, and `purge_expired` removes them).
        """
        table = self._table()
        for _ in range(_ATTEMPTS):
            now = self._clock()
            entity = dedup_entity(key, now, ttl_hint)
            try:
                table.create_entity(entity)
                return True
            except ResourceExistsError:
                pass
            existing = read_entity(table, entity["PartitionKey"], entity["RowKey"])
            if existing is None:
                continue  # purged between our create and read: try to create again
            if not is_expired(as_datetime(existing.get("expires_at")), now):
                return False
            try:
                write_entity(table, entity, etag_of(existing))
                return True
            except StaleEntityError:
                return False  # another caller took over the expired row first
            except EntityNotFoundError:
                continue
        return False

    def forget(self, key: str) -> None:
        """Unsee a key whose work could not be handed on, so the sender's retry is taken in."""
        self._table().delete_entity(*dedup_keys(key))

    def purge_expired(self) -> int:
        table = self._table()
        expired = all_entities(table, Filter().where("expires_at", "le", self._clock()))
        purged = 0
        for entity in expired:
            try:
                table.delete_entity(
                    entity["PartitionKey"], entity["RowKey"], etag=etag_of(entity),
                    match_condition=MatchConditions.IfNotModified,
                )
                purged += 1
            except ResourceModifiedError:
                pass  # taken over by a new sighting meanwhile: it is live again
        return purged
