"""Unresolved overlap groups kept for review: one row per (user, day, group), partitioned by day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError
from azure.data.tables import UpdateMode

from shared.domain.conflicts import Conflict, ConflictItem, ConflictStatus, merge_rerun
from shared.storage.codec import from_json, join_text, split_text, to_json
from shared.storage.entity_map import Derived, EntityMapper, Prop, Spread, iso_date, json_text, plain, text, utc
from shared.storage.entity_table import EntityTable
from shared.storage.errors import StaleEntityError
from shared.storage.keys import user_key
from shared.storage.models import Page
from shared.storage.query import Filter
from shared.storage.tables import Operation, TableStore, submit_in_transactions

CONFLICTS_TABLE = "Conflicts"
_ATTEMPTS = 5


def conflict_keys(conflict_id: str) -> tuple[str, str] | None:
    """PartitionKey is the day (so a date range is a key range), RowKey the id; None for ids that are not ours."""
    day = Conflict.date_of_id(conflict_id)
    return (day.isoformat(), conflict_id) if day else None


def _items_properties(items: list[ConflictItem]) -> dict[str, Any]:
    # A day's group can outgrow one property: spread over `items`, `items_1`… (see codec.split_text).
    return split_text("items", to_json([item.model_dump(mode="json") for item in items], limit=10**9))


def _items_of(entity: Mapping[str, Any]) -> list[ConflictItem]:
    return [ConflictItem.model_validate(item) for item in from_json(join_text(entity, "items"), [])]


CONFLICT_ROWS = EntityMapper(
    Conflict,
    Derived(lambda conflict: {"PartitionKey": conflict.date.isoformat(), "user_key": user_key(conflict.user)}),
    Prop("id", "RowKey"),
    iso_date("date"),
    *plain("user", "group_key", "status", "instance_id", "resolved_by"),
    utc("created_at"),
    utc("updated_at"),
    utc("resolved_at"),
    json_text("kept", list),
    text("note", 8_000),
    Spread("items", _items_properties, _items_of),
)


def conflict_filter(
    user: str | None, start: dt.date | None, end: dt.date | None, status: ConflictStatus | None
) -> Filter:
    return (
        Filter()
        .where_given("PartitionKey", "ge", start.isoformat() if start else None)
        .where_given("PartitionKey", "le", end.isoformat() if end else None)
        .where_given("user_key", "eq", user_key(user) if user else None)
        .where_given("status", "eq", status)
    )


class TableConflictRepository:
    def __init__(self, store: TableStore, table_name: str = CONFLICTS_TABLE) -> None:
        self._rows = EntityTable(store, table_name, CONFLICT_ROWS)

    def get(self, conflict_id: str) -> Conflict | None:
        keys = conflict_keys(conflict_id)
        return self._rows.get(*keys) if keys else None

    def query(
        self,
        user: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        status: ConflictStatus | None = None,
        page_size: int = 100,
        continuation: str | None = None,
    ) -> Page[Conflict]:
        items, token = self._rows.page(conflict_filter(user, start, end, status), page_size, continuation)
        return Page[Conflict](items=items, continuation=token)

    def save(self, conflict: Conflict) -> Conflict:
        """Write a reviewed conflict; with an ETag the write fails with StaleEntityError if the row changed."""
        return self._rows.save(conflict)

    def upsert(self, conflict: Conflict) -> Conflict:
        """Store a detected conflict; a re-run never reopens or alters a resolved one."""
        for _ in range(_ATTEMPTS):
            existing = self._rows.get(conflict.date.isoformat(), conflict.id)
            merged = merge_rerun(existing, conflict)
            if merged is existing:
                return merged
            try:
                if existing is None:
                    etag = str(self._rows.client.create_entity(CONFLICT_ROWS.to_entity(merged))["etag"])
                else:
                    etag = self._rows.write(CONFLICT_ROWS.to_entity(merged), existing.etag)
            except (ResourceExistsError, StaleEntityError):
                continue  # someone wrote it between our read and write: merge again with what is there now
            return merged.model_copy(update={"etag": etag})
        raise StaleEntityError(self._rows.name, conflict.date.isoformat(), conflict.id)

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
        wanted = {c.id for c in group}
        for _ in range(_ATTEMPTS):
            existing = {c.id: c for c in self._rows.query(Filter().where("PartitionKey", "eq", day)) if c.id in wanted}
            result: dict[str, Conflict] = {}
            operations: list[Operation] = []
            pending: list[Conflict] = []
            for conflict in group:
                before = existing.get(conflict.id)
                merged = merge_rerun(before, conflict)
                result[conflict.id] = merged
                if merged is before:
                    continue
                entity = CONFLICT_ROWS.to_entity(merged)
                if before is None:
                    operations.append(("create", entity))
                else:
                    condition = {"mode": UpdateMode.REPLACE, "etag": before.etag,
                                 "match_condition": MatchConditions.IfNotModified}
                    operations.append(("update", entity, condition))
                pending.append(merged)
            try:
                outcomes = submit_in_transactions(self._rows.client, operations)
            except StaleEntityError:
                continue  # a concurrent writer got in; transactions before it are committed and merge cleanly
            for merged, outcome in zip(pending, outcomes, strict=True):
                result[merged.id] = merged.model_copy(update={"etag": outcome.get("etag")})
            return result
        raise StaleEntityError(self._rows.name, day, group[0].id)
