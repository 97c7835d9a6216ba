"""Category suggestions: which appointments get one, the user's known categories, and the suggestion itself."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, Field

from shared.domain.appointment import Appointment
from shared.domain.categories import category_issues, classify_categories
from shared.domain.suggestion_rules import SuggestionRule, first_matching_rule

SuggestionSource = Literal["rule", "history", "model"]
SuggestionStatus = Literal["open", "accepted", "rejected"]
ModelState = Literal["on", "off", "unavailable"]
UNKNOWN = "unknown"
DEFAULT_THRESHOLD = 0.6
MAX_KNOWN_CATEGORIES = 500  # the structured-output enum allows 1,000 values; nobody has 500 customers a quarter
_USER_PRIVATE = ("private", "personal")
# Who signs the privacy log when our privacy rule (not a person) changed a sensitivity: the archive and live paths.
PRIVACY_RULE_AUTHORS = frozenset({"archive", "live", "system"})


class Suggestion(BaseModel):
    id: str = Field(pattern=r"^[a-f0-9]{24}$")
    user: str
    event_id: str
    subject: str = ""
    start: dt.datetime
    end: dt.datetime
    category: str
    source: SuggestionSource
    confidence: float = Field(ge=0, le=1)
    reason: str = ""
    status: SuggestionStatus = "open"
    rule_id: str | None = None
    attendee_domains: list[str] = []
    series_master_id: str | None = None
    created_at: dt.datetime
    decided_at: dt.datetime | None = None
    decided_by: str | None = None
    accepted_category: str | None = None
    etag: str | None = Field(default=None, exclude=True)


def suggestion_id(user: str, event_id: str) -> str:
    """One suggestion per appointment and user: a re-run replaces the open one instead of adding another."""
    return hashlib.sha256(f"{user.strip().lower()}\n{event_id}".encode()).hexdigest()[:24]


def has_valid_category(appt: Appointment) -> bool:
    outcome = classify_categories(appt.categories)
    return outcome.valid and not outcome.personal


def needs_suggestion(
    appt: Appointment, rules: list[SuggestionRule], privatised_by_us: Iterable[str] = ()
) -> bool:
    """No valid category, and not obviously personal: not cancelled or all-day, not made private by the user
    themselves (our privacy rule makes every uncategorised appointment private, so only those we did not change
    count), and no `personal` rule of the user matches it."""
    if appt.is_cancelled or appt.is_all_day or has_valid_category(appt):
        return False
    if appt.sensitivity in _USER_PRIVATE and appt.id not in set(privatised_by_us):
        return False
    rule = first_matching_rule(rules, appt)
    return not (rule is not None and rule.personal)


def known_categories(master: Iterable[str], archived: Iterable[str]) -> list[str]:
    """Valid master categories first (Outlook's spelling), then valid ones only seen in the archive; each once."""
    seen: dict[str, str] = {}
    for category in [*master, *archived]:
        if isinstance(category, str) and not category_issues(category):
            seen.setdefault(" ".join(category.split()).casefold(), category.strip())
    return list(seen.values())[:MAX_KNOWN_CATEGORIES]


def canonical_category(category: str, known: list[str]) -> str | None:
    """The known spelling of `category`, or None when it is not one of the user's known categories."""
    wanted = " ".join(category.split()).casefold()
    return next((k for k in known if " ".join(k.split()).casefold() == wanted), None)
