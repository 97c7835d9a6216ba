"""What a language model may see of an appointment's text: contact details, links and people's names removed.

Privacy comes first here: a false positive (a harmless word dropped from a subject) costs a slightly worse
suggestion, a false negative leaks personal data to a third party.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_TEXT_CHARS = 160  # a subject or location longer than this carries no more category signal

_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+\s*(?:@|\(at\)|\[at\])\s*[\w-]+(?:\s*\.\s*[\w-]+)+", re.IGNORECASE)
_URL = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S+|\b(?:mailto|tel|sip|callto):\S+", re.IGNORECASE)
# Links without a scheme: meeting hosts, and any host name followed by a path.
_MEETING_HOSTS = (
    r"zoom\.us|zoomgov\.com|teams\.microsoft\.com|teams\.live\.com|meet\.google\.com|webex\.com|gotomeeting\.com|"
    r"gotomeet\.me|whereby\.com|bluejeans\.com|chime\.aws|meet\.jit\.si|skype\.com"
)
_MEETING_LINK = re.compile(rf"\b(?:[\w-]+\.)*(?:{_MEETING_HOSTS})(?:[/?#]\S*)?", re.IGNORECASE)
_HOST_WITH_PATH = re.compile(r"\b(?:[\w-]+\.)+[a-z]{2,}/\S*", re.IGNORECASE)
# "Meeting ID: 123 456 7890", "Passcode: x7Yq", "PIN 1234#": dial-in details travel with meeting links.
_MEETING_DETAILS = re.compile(
    r"\b(?:meeting\s*id|conference\s*id|webinar\s*id|passcode|password|pwd|pin|access\s*code)\b\s*[:#=]?\s*"
    r"[\w-]+(?:\s\d[\d\s]*\d)?#?",
    re.IGNORECASE,
)
_PHONE_CANDIDATE = re.compile(r"(?<![\w])(?:\+|00)?\(?\d[\d\s().\-/]{5,}\d(?![\w])")
# Dates and clock times look like digit runs too; they are set aside while phone numbers are removed.
_DATE_OR_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b")
_MIN_PHONE_DIGITS = 7
_MIN_NAME_PART = 2
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DANGLING = re.compile(r"^[\s,;:|/\-–—()\[\]]+|[\s,;:|/\-–—(\[]+$")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]|<\s*>")


def email_domain(address: str | None) -> str | None:
    """The lower-case domain of an e-mail address; the local part is never kept."""
    if not address or "@" not in address:
        return None
    domain = address.rsplit("@", 1)[1].strip().strip(">").lower()
    return domain if re.fullmatch(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+", domain) else None


def name_parts(names: Iterable[str]) -> list[str]:
    """The words of people's display names and of their addresses' local parts, longest first."""
    parts: set[str] = set()
    for name in names:
        if not name:
            continue
        text = name.split("@", 1)[0] if "@" in name else name
        words = [w for w in re.split(r"[\s._,;()\"'<>+-]+", text) if len(w) >= _MIN_NAME_PART]
        parts.update(w.casefold() for w in words)
        if " " in text.strip():
            parts.add(text.strip().casefold())
    return sorted(parts, key=len, reverse=True)


def scrub_text(text: str | None, names: Iterable[str] = ()) -> str:
    """Text without e-mail addresses, URLs, meeting links and dial-in details, phone numbers and the given names."""
    if not text:
        return ""
    cleaned = _SPACES.sub(" ", _CONTROL.sub(" ", text))
    for pattern in (_EMAIL, _URL, _MEETING_LINK, _HOST_WITH_PATH, _MEETING_DETAILS):
        cleaned = pattern.sub(" ", cleaned)
    kept: list[str] = []

    def set_aside(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\x01{len(kept) - 1}\x02"

    cleaned = _PHONE_CANDIDATE.sub(_phone_or_keep, _DATE_OR_TIME.sub(set_aside, cleaned))
    cleaned = re.sub(r"\x01(\d+)\x02", lambda m: kept[int(m.group(1))], cleaned)
    for part in name_parts(names):
        cleaned = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", " ", cleaned, flags=re.IGNORECASE)
    cleaned = _EMPTY_BRACKETS.sub(" ", cleaned)
    cleaned = _SPACES.sub(" ", cleaned).strip()
    cleaned = _DANGLING.sub("", cleaned).strip()
    return cleaned[:MAX_TEXT_CHARS].strip()


def _phone_or_keep(match: re.Match[str]) -> str:
    candidate = match.group(0)
    digits = sum(ch.isdigit() for ch in candidate)
    if digits < _MIN_PHONE_DIGITS:
        return candidate
    return " "
