"""What the user did before: the category the same series, or the same meeting with the same people's domains,
carried over the last 90 days, with the share of those occurrences that carried it as the confidence."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from pydantic import BaseModel

from shared.domain.appointment import Appointment
from shared.domain.categories import category_issues
from shared.domain.suggestion_rules import attendee_domains

HISTORY_DAYS = 90

_PREFIXES = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|wg|sv|updated|canceled|cancelled|accepted|tentative)\s*:\s*)+",
                       re.IGNORECASE)
_NOISE = re.compile(r"[^\w&+#]+")


class HistoryAnswer(BaseModel):
    category: str
    confidence: float
    occurrences: int
    carried: int
    by_series: bool

    @property
    def reason(self) -> str:
        how = "same series" if self.by_series else "same subject and attendee domains"
        return f"{how}: {self.carried} of {self.occurrences} past occurrences carried it"


def normalise_subject(subject: str | None) -> str:
    """Case, reply/forward prefixes, punctuation and spacing removed: "RE: Weekly  sync!" → "weekly sync"."""
    text = _PREFIXES.sub("", subject or "")
    return " ".join(_NOISE.sub(" ", text).casefold().split())


def history_answer(appt: Appointment, past: list[Appointment], now: dt.datetime) -> HistoryAnswer | None:
    """None when nothing in the last 90 days is the same meeting, or none of those carried a valid category."""
    since = now - dt.timedelta(days=HISTORY_DAYS)
    recent = [p for p in past if p.id != appt.id and since <= p.start < now and not p.is_cancelled]
    by_series = appt.series_master_id is not None
    matches = [p for p in recent if by_series and p.series_master_id == appt.series_master_id]
    if not matches:
        by_series = False
        subject = normalise_subject(appt.subject)
        domains = attendee_domains(appt)
        if subject:
            matches = [p for p in recent if normalise_subject(p.subject) == subject and attendee_domains(p) == domains]
    if not matches:
        return None
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for occurrence in sorted(matches, key=lambda p: p.start):
        category = _first_valid(occurrence.categories)
        if category is not None:
            key = category.casefold()
            counts[key] += 1
            spelling[key] = category  # the latest spelling wins
    if not counts:
        return None
    key, carried = max(counts.items(), key=lambda item: item[1])
    return HistoryAnswer(category=spelling[key], confidence=round(carried / len(matches), 4),
                         occurrences=len(matches), carried=carried, by_series=by_series)


def _first_valid(categories: list[str]) -> str | None:
    return next((c.strip() for c in categories if not category_issues(c)), None)
