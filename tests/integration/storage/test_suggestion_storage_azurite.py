from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from shared.ai.answers import ModelAnswer
from shared.domain.suggestions import Suggestion, suggestion_id
from shared.storage.errors import StaleEntityError
from shared.storage.model_cache import TableModelCache, TableModelUsage
from shared.storage.suggestions import TableSuggestionRepository
from shared.storage.tables import TableStore

USER = "Megan.Bowen@contoso.example"
NOW = dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)


def test_suggestions_round_trip_with_etags(table_store: TableStore, table_name: Callable[[str], str]) -> None:
    repo = TableSuggestionRepository(table_store, table_name("Suggest"))
    s = Suggestion(id=suggestion_id(USER, "e/1#?"), user=USER, event_id="e/1#?", subject="Acme", start=NOW,
                   end=NOW + dt.timedelta(hours=1), category="Acme - billable", source="model", confidence=0.8,
                   reason="r", attendee_domains=["acme.com"], created_at=NOW)
    saved = repo.save(s)
    assert repo.get(USER.lower(), s.id) == saved and repo.get(None, s.id) == saved
    assert [x.id for x in repo.query(USER, NOW, NOW + dt.timedelta(minutes=1), status="open")] == [s.id]
    assert repo.query(USER, status="accepted") == []
    repo.save(saved.model_copy(update={"status": "accepted"}))
    with pytest.raises(StaleEntityError):
        repo.save(saved.model_copy(update={"status": "rejected"}))


def test_model_cache_and_daily_cap(table_store: TableStore, table_name: Callable[[str], str]) -> None:
    cache = TableModelCache(table_store, table_name("Cache"))
    cache.put(USER, "k" * 64, ModelAnswer(ref="1", category="Acme - billable", confidence=0.7, reason="x"), "m")
    assert cache.get(USER, "k" * 64) == ModelAnswer(ref="", category="Acme - billable", confidence=0.7, reason="x")
    assert cache.get("other@x.example", "k" * 64) is None
    usage = TableModelUsage(table_store, table_name("Usage"))
    assert [usage.take(USER, NOW.date(), 2) for _ in range(3)] == [True, True, False]
    assert usage.used(USER, NOW.date()) == 2 and usage.take(USER, NOW.date() + dt.timedelta(days=1), 2)
