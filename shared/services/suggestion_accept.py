"""Accepting a suggestion: the category goes onto the appointment and its archive copy; the sensitivity our privacy
rule set (because the appointment had no category) is restored; on request the choice becomes a rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import Any

from shared.domain.errors import InvalidInput, NotFound
from shared.domain.history import normalise_subject
from shared.domain.jobs import DEFAULT_ARCHIVE_CALENDAR
from shared.domain.privacy import PRIVATE, is_travel
from shared.domain.suggestion_rules import MAX_WORDS, RuleConditions, RuleDraft
from shared.domain.suggestions import PRIVACY_RULE_AUTHORS, Suggestion, canonical_category
from shared.domain.timestamps import utc_now
from shared.graph.calendars import CalendarNotFoundError
from shared.graph.errors import GraphNotFoundError
from shared.services.archive.requests import job_of
from shared.services.rule_admin import RuleAdmin
from shared.services.suggestion_ports import AcceptResult, EventWriter
from shared.storage.models import PrivacyChangeRecord
from shared.storage.protocols import JobRepository, PrivacyLog, SuggestionRepository

ACCEPT_REASON = "category suggestion accepted: a work appointment"


@dataclass
class Acceptance:
    suggestions: SuggestionRepository
    events: EventWriter
    privacy_log: PrivacyLog
    rules: RuleAdmin
    known: Callable[[str], list[str]]
    _: KW_ONLY
    archive_calendar: str | None = None  # None: the archive calendar of the user's job, else `Archive`
    jobs: JobRepository | None = None
    clock: Callable[[], dt.datetime] = utc_now

    def accept(self, suggestion: Suggestion, by: str, *, category: str | None, remember: bool) -> AcceptResult:
        user = suggestion.user
        chosen = suggestion.category
        if category is not None and category.strip() != suggestion.category:
            known = self.known(user)
            canonical = canonical_category(category, known)
            if canonical is None:
                raise InvalidInput("category", f"{category!r} is not one of the user's known categories")
            chosen = canonical
        try:
            source = self.events.get_event(user, suggestion.event_id)
        except GraphNotFoundError:
            raise NotFound(f"the appointment of suggestion {suggestion.id} no longer exists") from None
        restore = self._restorable(suggestion, source)
        patch = _patch(source, chosen, restore)
        self.events.patch_event(user, suggestion.event_id, patch)
        copy = self._archive_copy(user, suggestion.event_id)
        if copy is not None and copy.get("id"):
            self.events.patch_event(user, str(copy["id"]), _patch(copy, chosen, restore))
        if restore is not None:
            self.privacy_log.record(PrivacyChangeRecord(
                user=user, event_id=suggestion.event_id, subject=suggestion.subject, old=PRIVATE, new=restore,
                changed_at=self.clock(), changed_by=by, reason=ACCEPT_REASON))
        rule_id = self._remember(suggestion, chosen, by) if remember else None
        saved = self.suggestions.save(suggestion.model_copy(update={
            "status": "accepted", "accepted_category": chosen, "decided_at": self.clock(), "decided_by": by}))
        return AcceptResult(suggestion=saved, source_updated=True, archive_copy_updated=copy is not None,
                            sensitivity_restored=restore, rule_id=rule_id)

    def _archive_copy(self, user: str, event_id: str) -> dict[str, Any] | None:
        # `/users/{id}/events` covers the default calendar only, so the archive calendar is named.
        try:
            archive = self.events.resolve(user, self._archive_of(user))
        except CalendarNotFoundError:
            return None  # never archived: only the appointment itself gets the category
        return self.events.find_by_source_event(user, archive.id, event_id)

    def _restorable(self, suggestion: Suggestion, source: dict[str, Any]) -> str | None:
        """The sensitivity before our privacy rule made the appointment private, when that is why it is private
        (travel stays private: the rule has another reason to keep it so)."""
        if str(source.get("sensitivity") or "").lower() != PRIVATE or is_travel(suggestion.subject):
            return None
        changes = [c for c in self.privacy_log.for_user(suggestion.user) if c.event_id == suggestion.event_id]
        if not changes:
            return None
        latest = max(changes, key=lambda c: c.changed_at)
        if latest.new != PRIVATE or latest.changed_by not in PRIVACY_RULE_AUTHORS:
            return None  # the last change was a person's: theirs to keep
        return latest.old

    def _remember(self, suggestion: Suggestion, category: str, by: str) -> str:
        words = normalise_subject(suggestion.subject).split()[:MAX_WORDS]
        conditions: dict[str, Any] = {"subject_words": words} if words else {}
        if suggestion.attendee_domains or not words:
            conditions["attendee_domains"] = suggestion.attendee_domains[:MAX_WORDS]
        try:
            draft = RuleDraft(category=category, conditions=RuleConditions.model_validate(conditions))
        except ValueError:
            raise InvalidInput("remember", "this appointment has no subject words or attendee domains to make "
                                           "a rule from") from None
        return self.rules.create(suggestion.user, draft, by).id


    def _archive_of(self, user: str) -> str:
        if self.archive_calendar:
            return self.archive_calendar
        job = job_of(self.jobs, user) if self.jobs is not None else None
        return job.archive_calendar if job else DEFAULT_ARCHIVE_CALENDAR


def _patch(event: dict[str, Any], category: str, sensitivity: str | None) -> dict[str, Any]:
    current = [c for c in (event.get("categories") or []) if isinstance(c, str) and c != category]
    patch: dict[str, Any] = {"categories": [category, *current]}
    if sensitivity is not None:
        patch["sensitivity"] = sensitivity
    return patch
