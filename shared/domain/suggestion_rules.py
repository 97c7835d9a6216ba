"""A user's own category rules: ordered conditions on an appointment that name the category it should carry.

A rule matches when every condition it has holds (subject words and location words: all present as whole words,
case-insensitively; attendee or organizer domain: one of the appointment's domains is listed; duration: within the
range, both ends inclusive). A rule needs at least one specific condition, so "everything is Acme" is refused.
The target `personal` marks matching appointments as obviously personal: they get no suggestion at all.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.domain.appointment import Appointment
from shared.domain.categories import category_issues
from shared.domain.scrubbing import email_domain

PERSONAL = "personal"  # the target that says "leave these alone"
MAX_WORDS = 10
MAX_WORD_CHARS = 60
MAX_MINUTES = 24 * 60 * 14

_WORD = re.compile(r"^[\w&'.+#/-]+$")
_DOMAIN = re.compile(r"^(?=.{3,253}$)[a-z0-9-]+(?:\.[a-z0-9-]+)+$")


class RuleConditions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    subject_words: list[str] = Field(default_factory=list, max_length=MAX_WORDS)
    location_words: list[str] = Field(default_factory=list, max_length=MAX_WORDS)
    attendee_domains: list[str] = Field(default_factory=list, max_length=MAX_WORDS)
    organizer_domains: list[str] = Field(default_factory=list, max_length=MAX_WORDS)
    min_minutes: int | None = Field(default=None, ge=0, le=MAX_MINUTES)
    max_minutes: int | None = Field(default=None, ge=0, le=MAX_MINUTES)

    @field_validator("subject_words", "location_words")
    @classmethod
    def _words(cls, words: list[str]) -> list[str]:
        cleaned = [w.strip() for w in words]
        for word in cleaned:
            if not word or len(word) > MAX_WORD_CHARS or not _WORD.match(word):
                raise ValueError(f"not a single word: {word!r}")
        return _unique(cleaned)

    @field_validator("attendee_domains", "organizer_domains")
    @classmethod
    def _domains(cls, domains: list[str]) -> list[str]:
        cleaned = [d.strip().lower().lstrip("@") for d in domains]
        for domain in cleaned:
            if not _DOMAIN.match(domain):
                raise ValueError(f"not an e-mail domain: {domain!r}")
        return _unique(cleaned)

    @model_validator(mode="after")
    def _specific(self) -> RuleConditions:
        if self.min_minutes is not None and self.max_minutes is not None and self.min_minutes > self.max_minutes:
            raise ValueError("min_minutes is greater than max_minutes")
        if not (self.subject_words or self.location_words or self.attendee_domains or self.organizer_domains
                or self.min_minutes or self.max_minutes is not None):
            raise ValueError("a rule needs at least one specific condition")
        return self


class RuleDraft(BaseModel):
    """What a person sends to create or replace a rule."""

    model_config = ConfigDict(extra="forbid")

    category: str = Field(min_length=1, max_length=255)
    conditions: RuleConditions
    position: int | None = Field(default=None, ge=0, le=10_000)  # None: after the existing rules
    enabled: bool = True

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        value = value.strip()
        if value.casefold() == PERSONAL:
            return PERSONAL
        problems = category_issues(value)
        if problems:
            raise ValueError(problems[0])
        return value


class SuggestionRule(BaseModel):
    id: str = Field(pattern=r"^[a-f0-9]{8,32}$")
    user: str
    position: int
    category: str
    conditions: RuleConditions
    enabled: bool = True
    created_at: dt.datetime
    created_by: str = ""
    updated_at: dt.datetime | None = None

    @property
    def personal(self) -> bool:
        return self.category == PERSONAL


def rule_matches(rule: SuggestionRule, appt: Appointment) -> bool:
    c = rule.conditions
    if not rule.enabled:
        return False
    if c.subject_words and not _has_words(appt.subject, c.subject_words):
        return False
    if c.location_words and not _has_words(appt.location, c.location_words):
        return False
    if c.attendee_domains and not set(c.attendee_domains) & attendee_domains(appt):
        return False
    if c.organizer_domains:
        organizer = email_domain(appt.organizer.address) if appt.organizer else None
        if organizer not in c.organizer_domains:
            return False
    minutes = appt.duration.total_seconds() / 60
    if c.min_minutes is not None and minutes < c.min_minutes:
        return False
    return not (c.max_minutes is not None and minutes > c.max_minutes)


def first_matching_rule(rules: list[SuggestionRule], appt: Appointment) -> SuggestionRule | None:
    for rule in sorted(rules, key=lambda r: (r.position, r.created_at)):
        if rule_matches(rule, appt):
            return rule
    return None


def attendee_domains(appt: Appointment) -> set[str]:
    found = {email_domain(a.address) for a in appt.attendees}
    return {d for d in found if d}


def describe(rule: SuggestionRule) -> str:
    """One readable line: `subject has "standup"; attendee domain acme.com → Acme - billable`."""
    c = rule.conditions
    parts = []
    if c.subject_words:
        parts.append("subject has " + ", ".join(f'"{w}"' for w in c.subject_words))
    if c.location_words:
        parts.append("location has " + ", ".join(f'"{w}"' for w in c.location_words))
    if c.attendee_domains:
        parts.append("attendee domain " + " or ".join(c.attendee_domains))
    if c.organizer_domains:
        parts.append("organizer domain " + " or ".join(c.organizer_domains))
    if c.min_minutes is not None or c.max_minutes is not None:
        parts.append(f"duration {c.min_minutes or 0}-{c.max_minutes if c.max_minutes is not None else '…'} min")
    return "; ".join(parts) + f" → {rule.category}"


def _has_words(text: str, words: list[str]) -> bool:
    return all(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text or "", re.IGNORECASE) for w in words)


def _unique(items: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.casefold(), item)
    return list(seen.values())
