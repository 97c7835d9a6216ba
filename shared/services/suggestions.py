"""The category-suggestion use case: suggest for uncategorised appointments (rules, then history, then the model),
list them, and accept (writes the category to the appointment and its archive copy) or reject them."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any

from shared.domain.appointment import Appointment, AppointmentParseError
from shared.domain.errors import InvalidInput, NotFound, StateConflict
from shared.domain.history import HISTORY_DAYS, history_answer
from shared.domain.model_input import model_item
from shared.domain.suggestion_rules import SuggestionRule, attendee_domains, describe, first_matching_rule
from shared.domain.suggestions import (
    DEFAULT_THRESHOLD,
    PRIVACY_RULE_AUTHORS,
    Suggestion,
    SuggestionSource,
    SuggestionStatus,
    canonical_category,
    needs_suggestion,
    suggestion_id,
)
from shared.domain.timestamps import utc_now
from shared.services.audit import AuditService
from shared.services.known_categories import KnownCategories
from shared.services.model_pass import ModelPass
from shared.services.suggestion_accept import Acceptance
from shared.services.suggestion_ports import AcceptResult, HistoryReader, SuggestionRun, SuggestionView
from shared.storage.protocols import PrivacyLog, SuggestionRepository, SuggestionRuleRepository

logger = logging.getLogger(__name__)


@dataclass
class SuggestionService:
    rules: SuggestionRuleRepository
    suggestions: SuggestionRepository
    known: KnownCategories
    history: HistoryReader
    privacy_log: PrivacyLog
    audit: AuditService
    model: ModelPass
    acceptance: Acceptance
    _: KW_ONLY
    threshold: float = DEFAULT_THRESHOLD
    clock: Callable[[], dt.datetime] = utc_now


    # -- suggest ---------------------------------------------------------------------------------------------------

    def suggest(
        self, user: str, appointments: Sequence[Appointment | dict[str, Any]], *, timezone: str = "UTC",
        correlation_id: str | None = None,
    ) -> SuggestionRun:
        """Never raises: a failure of storage, Graph or the model leaves the caller's work intact and is reported
        in the run's issues (and the audit log)."""
        try:
            return self._suggest(user, appointments, timezone, correlation_id)
        except Exception as error:
            logger.exception("category suggestions failed for a run")
            reason = f"suggestions failed: {type(error).__name__}"
            try:
                self.audit.record("suggestions", "suggest", f"suggestions/{user}", "failure", reason, user=user,
                                   correlation_id=correlation_id)
            except Exception:
                logger.exception("could not record the failed suggestion run")
            return SuggestionRun(user=user, model="unavailable", model_reason=reason, issues=[reason])

    def _suggest(
        self, user: str, raw: Sequence[Appointment | dict[str, Any]], timezone: str, correlation_id: str | None
    ) -> SuggestionRun:
        issues: list[str] = []
        appointments = _parsed(raw, issues)
        now = self.clock()
        rules = self.rules.list(user)
        ours = {c.event_id for c in self.privacy_log.for_user(user, now - dt.timedelta(days=HISTORY_DAYS))
                if c.new == "private" and c.changed_by in PRIVACY_RULE_AUTHORS}
        wanted = [a for a in appointments if needs_suggestion(a, rules, ours)]
        if not wanted:
            return SuggestionRun(user=user, model="off" if self.model.model is None else "on", issues=issues)
        past_events = self.history.events(user, now - dt.timedelta(days=HISTORY_DAYS), now)
        known = self.known.for_user(user, past_events)  # once per run
        past = _parsed(past_events, [])
        found: dict[str, tuple[str, SuggestionSource, float, str, str | None]] = {}
        for appt in wanted:
            rule = first_matching_rule([r for r in rules if not r.personal], appt)
            category = canonical_category(rule.category, known) if rule else None
            if rule is not None and category is not None:
                found[appt.id] = (category, "rule", 1.0, f"rule: {describe(rule)}", rule.id)
                continue
            answer = history_answer(appt, past, now)
            if answer is not None and answer.confidence >= self.threshold:
                found[appt.id] = (answer.category, "history", answer.confidence, answer.reason, None)
        # With no known category the model could only answer `unknown`: no call is spent on that.
        left = [a for a in wanted if a.id not in found] if known else []
        items = [model_item(a, str(i + 1), timezone) for i, a in enumerate(left)]
        model = self.model.run(user, items, known, [describe(r) for r in rules if not r.personal], now.date())
        for appt, item in zip(left, items, strict=True):
            said = model.answers.get(item.ref)
            if said is not None and said.category != "unknown" and canonical_category(said.category, known):
                found[appt.id] = (said.category, "model", said.confidence, said.reason, None)
        if model.dropped:
            issues.append(f"{model.dropped} model answer(s) outside the known categories were ignored")
        shown, hidden = self._keep(user, wanted, found, now)
        run = SuggestionRun(user=user, model=model.state, model_reason=model.reason, considered=len(wanted),
                            suggestions=shown, hidden=hidden, cached=model.cached, usage=model.usage, issues=issues)
        self._record(run, correlation_id)
        return run

    def _keep(
        self, user: str, wanted: list[Appointment],
        found: dict[str, tuple[str, SuggestionSource, float, str, str | None]], now: dt.datetime,
    ) -> tuple[list[SuggestionView], int]:
        shown: list[SuggestionView] = []
        hidden = 0
        for appt in wanted:
            if appt.id not in found:
                continue
            category, source, confidence, reason, rule_id = found[appt.id]
            if confidence < self.threshold:
                hidden += 1
                continue
            sid = suggestion_id(user, appt.id)
            existing = self.suggestions.get(user, sid)
            if existing is not None and existing.status != "open":
                continue  # a decision stands; re-runs do not ask again
            suggestion = Suggestion(
                id=sid, user=user, event_id=appt.id, subject=appt.subject, start=appt.start, end=appt.end,
                category=category, source=source, confidence=round(confidence, 4), reason=reason, rule_id=rule_id,
                attendee_domains=sorted(attendee_domains(appt)), series_master_id=appt.series_master_id,
                created_at=now, etag=existing.etag if existing else None,
            )
            shown.append(SuggestionView.of(self.suggestions.save(suggestion)))
        return shown, hidden

    def _record(self, run: SuggestionRun, correlation_id: str | None) -> None:
        details = {"considered": run.considered, "shown": len(run.suggestions), "hidden": run.hidden,
                   "model": run.model, "model_calls": run.usage.calls, "cached": run.cached,
                   "tokens": run.usage.total_tokens}
        if run.model == "unavailable":
            # Once per run, however many batches were left: the reason is what the reader needs.
            self.audit.record("suggestions", "model", f"suggestions/{run.user}", "failure",
                               f"suggestions unavailable: {run.model_reason}", details, user=run.user,
                               correlation_id=correlation_id)
        self.audit.record("suggestions", "suggest", f"suggestions/{run.user}",
                           "partial" if run.model == "unavailable" else "success",
                           f"{len(run.suggestions)} suggestion(s) for {run.considered} appointment(s)", details,
                           user=run.user, correlation_id=correlation_id)

    # -- review ----------------------------------------------------------------------------------------------------

    def list(
        self, user: str, start: dt.datetime | None = None, end: dt.datetime | None = None,
        status: SuggestionStatus | None = None,
    ) -> list[Suggestion]:
        if start is not None and end is not None and end < start:
            raise InvalidInput("to", "the end is before the start")
        return [s for s in self.suggestions.query(user, start, end, status) if s.confidence >= self.threshold]

    def get(self, user: str | None, suggestion_id_: str) -> Suggestion:
        if not _is_id(suggestion_id_):
            raise InvalidInput("id", "a suggestion id is 24 lower-case hexadecimal characters")
        found = self.suggestions.get(user, suggestion_id_)
        if found is None:
            raise NotFound(f"no suggestion {suggestion_id_}")
        return found

    def accept(
        self, user: str | None, suggestion_id_: str, by: str, *, category: str | None = None, remember: bool = False,
    ) -> AcceptResult:
        suggestion = self._open(user, suggestion_id_)
        with self.audit.audited("suggestions", "accept", f"suggestions/{suggestion.id}", user=by) as scope:
            result = self.acceptance.accept(suggestion, by, category=category, remember=remember)
            scope.details = {"owner": suggestion.user, "event_id": suggestion.event_id,
                             "category": result.suggestion.accepted_category, "source": suggestion.source,
                             "archive_copy_updated": result.archive_copy_updated,
                             "sensitivity_restored": result.sensitivity_restored, "rule_id": result.rule_id}
        return result

    def reject(self, user: str | None, suggestion_id_: str, by: str) -> Suggestion:
        suggestion = self._open(user, suggestion_id_)
        with self.audit.audited("suggestions", "reject", f"suggestions/{suggestion.id}", user=by) as scope:
            rejected = self.suggestions.save(suggestion.model_copy(update={
                "status": "rejected", "decided_at": self.clock(), "decided_by": by}))
            scope.details = {"owner": suggestion.user, "event_id": suggestion.event_id,
                             "category": suggestion.category, "source": suggestion.source}
        return rejected

    def _open(self, user: str | None, suggestion_id_: str) -> Suggestion:
        suggestion = self.get(user, suggestion_id_)
        if suggestion.status != "open":
            raise StateConflict(f"suggestion {suggestion.id} is already {suggestion.status}")
        return suggestion


def _is_id(value: str) -> bool:
    return isinstance(value, str) and len(value) == 24 and all(c in "0123456789abcdef" for c in value)


def _parsed(raw: Sequence[Appointment | dict[str, Any]], issues: list[str]) -> list[Appointment]:
    parsed: list[Appointment] = []
    for item in raw:
        if isinstance(item, Appointment):
            parsed.append(item)
            continue
        try:
            parsed.append(Appointment.from_graph(item))
        except AppointmentParseError as error:
            issues.append(str(error))
    return parsed


__all__ = ["SuggestionRule", "SuggestionService"]
