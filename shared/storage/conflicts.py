"""Unresolved overlap groups kept for review: one row per (user, day, group), partitioned by day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError
from azure.data.tables import TableClient, UpdateMode

from shared.domain.conflicts import Conflict, ConflictItem, ConflictStatus, merge_rerun
from shared.storage.codec import as_datetime, etag_of, fit_text, from_json, join_text, split_text, to_json, without_none
from shared.storage.errors import StaleEntityError
from shared.storage.keys import user_key
from shared.storage.models import Page
from shared.storage.query import Filter, all_entities, query_page
from shared.storage.tables import Operation, TableStore, read_entity, submit_in_transactions, write_entity

CONFLICTS_TABLE = "Conflicts"
_ATTEMPTS = 5


def conflict_keys(conflict_id: str) -> tuple[str, str] | None:
    """PartitionKey is the day (so a date range is a key range), RowKey the id; None for ids that are not ours."""
    day = Conflict.date_of_id(conflict_id)
    return (day.isoformat(), conflict_id) if day else None


def conflict_to_entity(conflict: Conflict) -> dict[str, Any]:
    items = [item.model_dump(mode="json") for item in conflict.items]
    return without_none(
        {
            "PartitionKey": conflict.date.isoformat(),
            "RowKey": conflict.id,
            "user": conflict.user,
            "user_key": user_key(conflict.user),
            "date": conflict.date.isoformat(),
            "group_key": conflict.group_key,
            "status": conflict.status,
            "instance_id": conflict.instance_id,
            "created_at": conflict.created_at,
            "updated_at": conflict.updated_at,
            "resolved_by": conflict.resolved_by,
            "resolved_at": conflict.resolved_at,
            "kept": to_json(conflict.kept),
            "note": fit_text(conflict.note, 8_000) if conflict.note is not None else None,
            **split_text("items", to_json(items, limit=10**9)),
        }
    )


def conflict_from_entity(entity: Mapping[str, Any]) -> Conflict:
    return Conflict(
        id=entity["RowKey"],
        user=entity["user"],
        date=dt.date.fromisoformat(entity["date"]),
        group_key=entity["group_key"],
        status=entity["status"],
        items=[ConflictItem.model_validate(item) for item in from_json(join_text(entity, "items"), [])],
        instance_id=entity.get("instance_id"),
        created_at=as_datetime(entity["created_at"]),
        updated_at=as_datetime(entity["updated_at"]),
        resolved_by=entity.get("resolved_by"),
        resolved_at=as_datetime(entity.get("resolved_at")),
        kept=from_json(entity.get("kept"), []),
        note=entity.get("note"),
        etag=etag_of(entity),
    )


def conflict_filter(
    user: str | None, start: dt.date | None, end: dt.date | None, status: ConflictStatus | None
) -> Filter:
    where = Filter()
    if start:
        where.where("PartitionKey", "ge", start.isoformat())
    if end:
        where.where("PartitionKey", "le", end.isoformat())
    if user:
        where.where("user_key", "eq", user_key(user))
    if status:
        where.where("status", "eq", status)
    return where


class TableConflictRepository:
    def __init__(self, store: TableStore, table_name: str = CONFLICTS_TABLE) -> None:
        self._store = store
        self._table_name = table_name

    def _table(self) -> TableClient:
        return self._store.table(self._table_name)

    def get(self, conflict_id: str) -> Conflict | None:
        keys = conflict_keys(conflict_id)
        entity = read_entity(self._table(), *keys) if keys else None
        return conflict_from_entity(entity) if entity else None

    def query(
        self,
        user: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        status: ConflictStatus | None = None,
        page_size: int = 100,
        continuation: str | None = None,
    ) -> Page[Conflict]:
        where = conflict_filter(user, start, end, status)
        entities, token = query_page(self._table(), where, page_size, continuation)
        return Page[Conflict](items=[conflict_from_entity(e) for e in entities], continuation=token)

    def save(self, conflict: Conflict) -> Conflict:
        """Write a reviewed conflict; with an ETag the write fails with StaleEntityError if the row changed."""
        etag = write_entity(self._table(), conflict_to_entity(conflict), conflict.etag)
        return conflict.model_copy(update={"etag": etag})

    def upsert(self, conflict: Conflict) -> Conflict:
        """Store a detected conflict; a re-run never reopens or alters a resolved one."""
        table = self._table()
        for _ in range(_ATTEMPTS):
            found = read_entity(table, conflict.date.isoformat(), conflict.id)
            existing = conflict_from_entity(found) if found else None
            merged = merge_rerun(existing, conflict)
            if merged is existing:
                return merged
            entity = conflict_to_entity(merged)
            try:
                if existing is None:
                    etag = str(table.create_entity(entity)["etag"])
                else:
                    etag = write_entity(table, entity, existing.etag)
            except (ResourceExistsError, StaleEntityError):
                continue  # someone wrote it between our read and write: merge again with what is there now
            return merged.model_copy(update={"etag": etag})
        raise StaleEntityError(self._table_name, conflict.date.isoformat(), conflict.id)

    def upsert_many(self, conflicts: Iterable[Conflict]) -> list[Conflict]:
        """`upsert` for many conflicts, written in entity group transactions (one day = one partition)."""
        latest = {c.id: c for c in conflicts}
        by_day: dict[str, list[Conflict]] = {}
        for conflict in latest.values():
            by_day.setdefault(conflict.date.isoformat(), []).append(conflict)
        stored: dict[str, Conflict] = {}
        for day, group in by_day.items():
            stored.update(self._upsert_day(day, group))
        return [stored[conflict_id] for conflict_id in latest]

    def _upsert_day(self, day: str, group: list[Conflict]) -> dict[str, Conflict]:
        table = self._table()
        for _ in range(_ATTEMPTS):
            wanted = {c.id for c in group}
            existing = {
                e["RowKey"]: conflict_from_entity(e)
                for e in all_entities(table, Filter().where("PartitionKey", "eq", day))
                if e["RowKey"] in wanted
            }
            result: dict[str, Conflict] = {}
            operations: list[Operation] = []
            pending: list[Conflict] = []
            for conflict in group:
                before = existing.get(conflict.id)
                merged = merge_rerun(before, conflict)
                result[conflict.id] = merged
                if merged is before:
                    continue
                entity = conflict_to_entity(merged)
                if before is None:
                    operations.append(("create", entity))
                else:
                    condition = {"mode": UpdateMode.REPLACE, "etag": before.etag,
                                 "match_condition": MatchConditions.IfNotModified}
                    operations.append(("update", entity, condition))
                pending.append(merged)
            try:
                outcomes = submit_in_transactions(table, operations)
            except StaleEntityError:
                continue  # a concurrent writer got in; transactions before it are committed and merge cleanly
            for merged, outcome in zip(pending, outcomes, strict=True):
                result[merged.id] = merged.model_copy(update={"etag": outcome.get("etag")})
            return result
        raise StaleEntityError(self._table_name, day, group[0].id)
