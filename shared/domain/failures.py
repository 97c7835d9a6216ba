"""What a person or a client is told about a failure: its reason, never the stack trace behind it."""

from __future__ import annotations

MAX_REASON = 500


def failure_reason(text: object) -> str:
    """The first line of a failure's text. The Durable SDK appends an activity's stack trace to its reason; that
    trace (install paths, source lines) belongs in the log, not in audit rows or status answers."""
    for line in str(text or "").splitlines():
        line = line.strip()
        if line and not line.startswith("Traceback (most recent call last)"):
            return line[:MAX_REASON]
    return "the run failed"
