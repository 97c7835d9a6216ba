"""Reversible encoding of arbitrary text into Table Storage PartitionKey/RowKey values.

Azure forbids `/ \\ # ?` and control characters in keys, and `%` breaks some Table APIs (a documented service
quirk), so percent-style escaping would trade one problem for another. We escape with `!XX` (two hex digits) instead.
Every other character, including those in ISO dates and e-mail addresses, is kept as is, so keys built from dates
or timestamps keep their lexical order.
"""

from __future__ import annotations

import re

ESCAPE = "!"
MAX_KEY_LENGTH = 1024  # the service's limit on a key (1 KiB)

_FORBIDDEN = frozenset("/\\#?%" + ESCAPE)
_ESCAPED = re.compile(r"!([0-9A-F]{2})")


def _needs_escape(char: str) -> bool:
    code = ord(char)
    return char in _FORBIDDEN or code < 0x20 or 0x7F <= code <= 0x9F


def safe_key(value: str) -> str:
    """Encode `value` so it is a legal key; `unsafe_key(safe_key(v)) == v` for every string."""
    encoded = "".join(f"{ESCAPE}{ord(c):02X}" if _needs_escape(c) else c for c in value)
    if len(encoded) > MAX_KEY_LENGTH:
        raise ValueError(f"key is longer than {MAX_KEY_LENGTH} characters once encoded ({len(encoded)})")
    return encoded


def unsafe_key(key: str) -> str:
    """Decode a key produced by `safe_key`."""
    if ESCAPE not in key:
        return key
    decoded = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), key)
    if _ESCAPED.sub("", key).count(ESCAPE):
        raise ValueError(f"not a key produced by safe_key: {key!r}")
    return decoded


def user_key(user: str) -> str:
    """The key of a mailbox: e-mail addresses compare case-insensitively, so their keys must too."""
    return safe_key(user.strip().lower())
