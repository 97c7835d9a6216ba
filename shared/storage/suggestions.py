"""Suggestions, one row per user and appointment (PartitionKey user, RowKey the suggestion id), with ETags."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Mapping
from typing import Any

from shared.domain.suggestions import Suggestion, SuggestionStatus
from shared.storage.codec import as_datetime, etag_of, fit_text, from_json, to_json, without_none
from shared.storage.keys import user_key
from shared.storage.query import Filter, all_entities
from shared.storage.table_adapter import TableAdapter
from shared.storage.tables import read_entity, write_entity

SUGGESTIONS_TABLE = "Suggestions"


def suggestion_to_entity(s: Suggestion) -> dict[str, Any]:
    return without_none({
        "PartitionKey": user_key(s.user),
        "RowKey": s.id,
        "user": s.user,
        "event_id": s.event_id,
        "subject": fit_text(s.subject, 1024),
        "start": s.start,
        "end": s.end,
        "category": s.category,
        "source": s.source,
        "confidence": float(s.confidence),
        "reason": fit_text(s.reason, 512),
        "status": s.status,
        "rule_id": s.rule_id,
        "attendee_domains": to_json(s.attendee_domains),
        "series_master_id": s.series_master_id,
        "created_at": s.created_at,
        "decided_at": s.decided_at,
        "decided_by": s.decided_by,
        "accepted_category": s.accepted_category,
    })


def suggestion_from_entity(entity: Mapping[str, Any]) -> Suggestion:
    return Suggestion(
        id=entity["RowKey"], user=entity["user"], event_id=entity["event_id"], subject=entity.get("subject", ""),
        start=as_datetime(entity["start"]), end=as_datetime(entity["end"]),  # type: ignore[arg-type]
        category=entity["category"], source=entity["source"], confidence=float(entity["confidence"]),
        reason=entity.get("reason", ""), status=entity.get("status", "open"), rule_id=entity.get("rule_id"),
        attendee_domains=from_json(entity.get("attendee_domains"), []),
        series_master_id=entity.get("series_master_id"),
        created_at=as_datetime(entity["created_at"]),  # type: ignore[arg-type]
        decided_at=as_datetime(entity.get("decided_at")), decided_by=entity.get("decided_by"),
        accepted_category=entity.get("accepted_category"), etag=etag_of(entity),
    )


class TableSuggestionRepository(TableAdapter):
    TABLE = SUGGESTIONS_TABLE

    def get(self, user: str | None, suggestion_id: str) -> Suggestion | None:
        """With no user, the id alone finds it (ids are unique across users)."""
        if user is not None:
            entity = read_entity(self._table(), user_key(user), suggestion_id)
            return suggestion_from_entity(entity) if entity else None
        found = all_entities(self._table(), Filter().where("RowKey", "eq", suggestion_id))
        return suggestion_from_entity(found[0]) if found else None

    def save(self, suggestion: Suggestion) -> Suggestion:
        """Replaces the row; with the suggestion's ETag only if nobody changed it since (StaleEntityError)."""
        etag = write_entity(self._table(), suggestion_to_entity(suggestion), etag=suggestion.etag)
        return suggestion.model_copy(update={"etag": etag})

    def query(
        self, user: str, start: dt.datetime | None = None, end: dt.datetime | None = None,
        status: SuggestionStatus | None = None,
    ) -> builtins.list[Suggestion]:
        """The user's suggestions starting in [start, end), oldest first."""
        where = Filter().where("PartitionKey", "eq", user_key(user))
        if start is not None:
            where.where("start", "ge", start)
        if end is not None:
            where.where("start", "lt", end)
        if status is not None:
            where.where("status", "eq", status)
        found = [suggestion_from_entity(e) for e in all_entities(self._table(), where)]
        return sorted(found, key=lambda s: (s.start, s.id))
