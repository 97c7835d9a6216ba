"""The least a language model needs to suggest a category: scrubbed subject and location, attendee and organizer
e-mail domains, duration, weekday and time of day. Never the body, never names or local parts of addresses."""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel, ConfigDict

from shared.domain.appointment import Appointment
from shared.domain.dates import load_zone
from shared.domain.scrubbing import email_domain, scrub_text
from shared.domain.suggestion_rules import attendee_domains

MAX_DOMAINS = 10


class ModelItem(BaseModel):
    """One appointment as the model sees it; `ref` is a per-request number, not an id of ours."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ref: str
    subject: str
    location: str
    attendee_domains: list[str]
    organizer_domain: str | None
    duration_minutes: int
    weekday: str
    time_of_day: str

    def content_hash(self, model: str) -> str:
        """Identifies what was asked, so the same appointment (as the model would see it) is never sent twice."""
        payload = self.model_dump(exclude={"ref"})
        text = json.dumps({"model": model, "item": payload}, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def people_names(appt: Appointment) -> list[str]:
    people = [*appt.attendees, *([appt.organizer] if appt.organizer else [])]
    return [text for p in people for text in (p.name, p.address) if text]


def model_item(appt: Appointment, ref: str, timezone: str = "UTC") -> ModelItem:
    names = people_names(appt)
    local_start = appt.start.astimezone(load_zone(timezone))
    organizer = email_domain(appt.organizer.address) if appt.organizer else None
    return ModelItem(
        ref=ref,
        subject=scrub_text(appt.subject, names),
        location=scrub_text(appt.location, names),
        attendee_domains=sorted(attendee_domains(appt))[:MAX_DOMAINS],
        organizer_domain=organizer,
        duration_minutes=max(0, round(appt.duration.total_seconds() / 60)),
        weekday=local_start.strftime("%A"),
        # A quarter-hour is enough for "morning stand-up" versus "evening", and reveals less.
        time_of_day=f"{local_start.hour:02d}:{local_start.minute // 15 * 15:02d}",
    )
