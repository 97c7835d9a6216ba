"""Recording one audit row per operation, with secrets redacted and appointment bodies left out."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from shared.domain.timestamps import utc_now
from shared.storage.models import AuditEntry, AuditStatus
from shared.storage.protocols import AuditLog

REDACTED = "[redacted]"

logger = logging.getLogger(__name__)

# Compared after lower-casing and removing '_' and '-', so clientState, client_state and CLIENT-STATE all match.
_SECRET_NAME_PARTS = (
    "token", "secret", "password", "passwd", "authorization", "clientstate", "signature", "credential",
    "apikey", "accountkey", "accesskey", "privatekey", "sharedkey", "signingkey", "connectionstring", "cookie",
)
_SECRET_NAMES = frozenset({"key", "sig", "pwd", "auth", "sas"})
_KEYISH_NAME_ENDINGS = ("key", "code")  # secret only when the value looks like one (a group key is not)
_BODY_NAMES = frozenset({"body", "bodycontent", "bodypreview", "uniquebody"})

# Long, mixed-case, with digits: an account key or OAuth code, not a lowercase hex hash used as a group key.
_KEYISH_VALUE = re.compile(r"^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[A-Za-z0-9+/=_\-.~]{32,}$")
_TOKEN_START = r"(?<![A-Za-z0-9_-])"
_VALUE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*"), rf"\1 {REDACTED}"),
    (re.compile(r"(?i)\b(basic)\s+(?=[A-Za-z0-9+/]*[0-9+/=])[A-Za-z0-9+/]{8,}={0,2}"), rf"\1 {REDACTED}"),
    # Token patterns start only where a run of token characters starts: with `\b` (true after every '-') a long
    # hyphenated text was rescanned from each hyphen, quadratic in its length.
    (re.compile(_TOKEN_START + r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), REDACTED),  # JWT: base64 '{"'
    (re.compile(_TOKEN_START + r"[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b"), REDACTED),  # 3-part
    (
        re.compile(
            r"(?i)(?<![A-Za-z0-9_])(AccountKey|SharedAccessKey|SharedAccessSignature|sig|client_secret|"
            r"clientsecret|client_assertion|password|pwd|access_token|refresh_token|id_token|apikey|api_key|"
            r"clientState|client_state|token|secret)(\"?\s*[=:]\s*)(\"?)[^;&\s\"',}]+"
        ),
        rf"\1\2\3{REDACTED}",
    ),
    # An OAuth authorization code is long; "status code: 429" is not.
    (re.compile(r"(?i)(?<![A-Za-z0-9_])(code)(\"?\s*[=:]\s*)(\"?)[A-Za-z0-9._~+/=-]{16,}"), rf"\1\2\3{REDACTED}"),
)


def _normalized(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


def is_secret_name(name: str, value: Any = None) -> bool:
    normalized = _normalized(name)
    if normalized in _SECRET_NAMES or any(part in normalized for part in _SECRET_NAME_PARTS):
        return True
    return normalized.endswith(_KEYISH_NAME_ENDINGS) and isinstance(value, str) and bool(_KEYISH_VALUE.match(value))


def redact_text(text: str) -> str:
    for pattern, replacement in _VALUE_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact(value: Any) -> Any:
    """A copy with secret-looking fields and values replaced and appointment bodies dropped, at any depth."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        cleaned: dict[str, Any] = {}
        for name, item in value.items():
            name = str(name)
            if _normalized(name) in _BODY_NAMES:
                continue
            cleaned[name] = REDACTED if is_secret_name(name, item) else redact(item)
        return cleaned
    if isinstance(value, list | tuple | set | frozenset):
        return [redact(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, BaseModel):
        return redact(value.model_dump(mode="json"))
    # Anything else (an exception, a datetime, bytes...) is stored as its text, so that text is what gets cleaned.
    return redact_text(str(value))


@dataclass
class AuditScope:
    """What the audited block may add before the row is written: details, a message, a `partial` status."""

    details: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    status: AuditStatus | None = None
    user: str | None = None


class AuditService:
    def __init__(
        self,
        log: AuditLog,
        clock: Callable[[], datetime] = utc_now,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._log = log
        self._clock = clock
        self._timer = timer

    def record(
        self,
        action: str,
        operation: str,
        resource: str,
        status: AuditStatus,
        message: str,
        details: Mapping[str, Any] | None = None,
        duration_ms: int | None = None,
        correlation_id: str | None = None,
        user: str | None = None,
    ) -> AuditEntry:
        entry = AuditEntry(
            timestamp=self._clock(),
            user=user,
            action=action,
            operation=operation,
            resource=redact_text(resource),
            status=status,
            message=redact_text(message),
            details=redact(dict(details or {})),
            duration_ms=duration_ms,
            correlation_id=correlation_id,
        )
        self._log.record(entry)
        return entry

    @contextmanager
    def audited(
        self,
        action: str,
        operation: str,
        resource: str,
        user: str | None = None,
        correlation_id: str | None = None,
    ) -> Iterator[AuditScope]:
        """Time the block and record success (or the scope's status), or failure if it raises; errors propagate."""
        scope = AuditScope(user=user)
        started = self._timer()
        try:
            yield scope
        except Exception as error:
            message = f"{type(error).__name__}: {error}"
            try:
                self.record(action, operation, resource, "failure", message, scope.details,
                            self._elapsed_ms(started), correlation_id, scope.user)
            except Exception:
                # The operation's own error is what the caller must see; the lost audit row is logged.
                logger.exception("could not record the audit row of failed %s/%s", action, operation)
            raise
        self.record(action, operation, resource, scope.status or "success", scope.message or "completed",
                    scope.details, self._elapsed_ms(started), correlation_id, scope.user)

    def _elapsed_ms(self, started: float) -> int:
        return max(0, round((self._timer() - started) * 1000))
