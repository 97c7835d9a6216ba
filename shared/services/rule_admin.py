"""Creating, changing and removing a user's suggestion rules (`/api/rules`, `python -m shared rules ...`)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, dataclass
from typing import Any

from pydantic import ValidationError

from shared.domain.errors import InvalidInput, NotFound
from shared.domain.suggestion_rules import PERSONAL, RuleDraft, SuggestionRule
from shared.domain.suggestions import canonical_category
from shared.domain.timestamps import utc_now
from shared.services.audit import AuditService
from shared.storage.protocols import SuggestionRuleRepository

MAX_RULES = 200
_RULE_ID = re.compile(r"^[a-f0-9]{8,32}$")


@dataclass
class RuleAdmin:
    rules: SuggestionRuleRepository
    known: Callable[[str], list[str]]
    audit: AuditService
    _: KW_ONLY
    clock: Callable[[], dt.datetime] = utc_now

    def list(self, user: str) -> list[SuggestionRule]:
        return self.rules.list(user)

    def get(self, user: str, rule_id: str) -> SuggestionRule:
        _check_id(rule_id)
        rule = self.rules.get(user, rule_id)
        if rule is None:
            raise NotFound(f"no rule {rule_id} for {user}")
        return rule

    def create(self, user: str, body: Mapping[str, Any] | RuleDraft, by: str) -> SuggestionRule:
        draft = self._draft(user, body)
        existing = self.rules.list(user)
        if len(existing) >= MAX_RULES:
            raise InvalidInput("rules", f"at most {MAX_RULES} rules per user")
        position = draft.position if draft.position is not None else max((r.position for r in existing), default=-1) + 1
        rule = SuggestionRule(id=uuid.uuid4().hex[:16], user=user, position=position, category=draft.category,
                              conditions=draft.conditions, enabled=draft.enabled, created_at=self.clock(),
                              created_by=by)
        with self.audit.audited("rules", "create", f"rules/{rule.id}", user=by) as scope:
            self.rules.save(rule)
            scope.details = {"owner": user, "category": rule.category, "position": rule.position}
        return rule

    def update(self, user: str, rule_id: str, body: Mapping[str, Any] | RuleDraft, by: str) -> SuggestionRule:
        current = self.get(user, rule_id)
        draft = self._draft(user, body)
        rule = current.model_copy(update={
            "category": draft.category, "conditions": draft.conditions, "enabled": draft.enabled,
            "position": current.position if draft.position is None else draft.position, "updated_at": self.clock(),
        })
        with self.audit.audited("rules", "update", f"rules/{rule_id}", user=by) as scope:
            self.rules.save(rule)
            scope.details = {"owner": user, "category": rule.category, "position": rule.position}
        return rule

    def delete(self, user: str, rule_id: str, by: str) -> None:
        self.get(user, rule_id)
        with self.audit.audited("rules", "delete", f"rules/{rule_id}", user=by) as scope:
            self.rules.delete(user, rule_id)
            scope.details = {"owner": user}

    def _draft(self, user: str, body: Mapping[str, Any] | RuleDraft) -> RuleDraft:
        try:
            draft = body if isinstance(body, RuleDraft) else RuleDraft.model_validate(dict(body))
        except ValidationError as error:
            raise InvalidInput.from_validation(error) from None
        if draft.category == PERSONAL:
            return draft
        known = self.known(user)
        canonical = canonical_category(draft.category, known)
        if canonical is None:
            listed = ", ".join(known[:20]) or "none"
            raise InvalidInput("category", f"{draft.category!r} is not one of the user's known categories "
                                           f"(master categories and archive): {listed}")
        return draft.model_copy(update={"category": canonical})


def _check_id(rule_id: str) -> None:
    if not _RULE_ID.match(rule_id or ""):
        raise InvalidInput("id", "a rule id is 8 to 32 lower-case hexadecimal characters")
