"""What the model answered for a scrubbed appointment (keyed by the hash of what was sent, per user), and how many
model calls a user made per day (for the daily cap)."""

from __future__ import annotations

import datetime as dt

from azure.core.exceptions import ResourceExistsError

from shared.ai.answers import ModelAnswer
from shared.storage.codec import etag_of
from shared.storage.errors import StaleEntityError
from shared.storage.keys import user_key
from shared.storage.table_adapter import TableAdapter
from shared.storage.tables import read_entity, write_entity

CACHE_TABLE = "ModelAnswers"
USAGE_TABLE = "ModelUsage"
_USAGE_ATTEMPTS = 5


class TableModelCache(TableAdapter):
    TABLE = CACHE_TABLE

    def get(self, user: str, key: str) -> ModelAnswer | None:
        entity = read_entity(self._table(), user_key(user), key)
        if entity is None:
            return None
        return ModelAnswer(ref="", category=entity["category"], confidence=float(entity["confidence"]),
                           reason=entity.get("reason", ""))

    def put(self, user: str, key: str, answer: ModelAnswer, model: str) -> None:
        write_entity(self._table(), {
            "PartitionKey": user_key(user), "RowKey": key, "category": answer.category,
            "confidence": float(answer.confidence), "reason": answer.reason[:512], "model": model,
            "answered_at": self._clock(),
        })


class TableModelUsage(TableAdapter):
    """A counter per user and UTC day; `take` is atomic across workers (insert-if-absent, then ETag updates)."""

    TABLE = USAGE_TABLE

    def used(self, user: str, day: dt.date) -> int:
        entity = read_entity(self._table(), user_key(user), day.isoformat())
        return int(entity["calls"]) if entity else 0

    def take(self, user: str, day: dt.date, cap: int) -> bool:
        """Counts one call if the user is below `cap` that day; False (nothing counted) when the cap is reached."""
        table = self._table()
        keys = (user_key(user), day.isoformat())
        for _ in range(_USAGE_ATTEMPTS):
            entity = read_entity(table, *keys)
            if entity is None:
                if cap <= 0:
                    return False
                try:
                    table.create_entity({"PartitionKey": keys[0], "RowKey": keys[1], "calls": 1})
                    return True
                except ResourceExistsError:
                    continue
            calls = int(entity["calls"])
            if calls >= cap:
                return False
            try:
                write_entity(table, {"PartitionKey": keys[0], "RowKey": keys[1], "calls": calls + 1},
                             etag=etag_of(entity))
                return True
            except StaleEntityError:
                continue
        return False  # heavy contention: err on the side of not calling
