"""What the suggestion use case needs from the outside, and the results it gives back."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from pydantic import BaseModel

from shared.ai.answers import ModelUsage
from shared.domain.suggestions import ModelState, Suggestion, SuggestionSource
from shared.graph.calendars import CalendarRef
from shared.graph.master_categories import MasterCategory


class MasterCategorySource(Protocol):
    def list(self, user: str) -> list[MasterCategory]: ...


class HistoryReader(Protocol):
    def events(self, user: str, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
        """Graph event JSON of the calendar the history is read from, overlapping [start, end)."""
        ...


class EventWriter(Protocol):
    def get_event(self, user: str, event_id: str) -> dict[str, Any]: ...

    def patch_event(self, user: str, event_id: str, patch: dict[str, Any]) -> dict[str, Any]: ...

    def find_by_source_event(self, user: str, calendar_id: str | None, event_id: str) -> dict[str, Any] | None: ...

    def resolve(self, user: str, ref: str | None, *, create_if_missing: bool = False) -> CalendarRef: ...


class SuggestionView(BaseModel):
    """One shown suggestion, as the CLI's `--json` and the HTTP API print it."""

    id: str
    event_id: str
    subject: str
    category: str
    source: SuggestionSource
    confidence: float
    reason: str

    @classmethod
    def of(cls, s: Suggestion) -> SuggestionView:
        return cls(id=s.id, event_id=s.event_id, subject=s.subject, category=s.category, source=s.source,
                   confidence=s.confidence, reason=s.reason)


class SuggestionRun(BaseModel):
    user: str
    model: ModelState
    model_reason: str | None = None  # why the model is unavailable (codes only)
    considered: int = 0  # appointments that needed a suggestion
    suggestions: list[SuggestionView] = []
    hidden: int = 0  # answers below the confidence threshold
    cached: int = 0  # model answers taken from the cache
    usage: ModelUsage = ModelUsage()
    issues: list[str] = []

    def public_json(self) -> dict[str, Any]:
        """`{"model", "suggestions": [...], "issues": [...]}`: what `python -m shared suggest --json` prints."""
        return {"model": self.model, "suggestions": [s.model_dump(mode="json") for s in self.suggestions],
                "issues": list(self.issues)}


class AcceptResult(BaseModel):
    suggestion: Suggestion
    source_updated: bool
    archive_copy_updated: bool
    sensitivity_restored: str | None = None  # the sensitivity put back when the privacy rule had changed it
    rule_id: str | None = None  # the rule created when asked to remember
