from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from pydantic import BaseModel

from shared.services.audit import REDACTED, AuditService, is_secret_name, redact, redact_text
from shared.storage.models import AuditEntry
from tests.fakes.storage import InMemoryAuditLog
from tests.planted import PLANTED_ACCOUNT_KEY, planted_storage_connection

T0 = dt.datetime(2025, 3, 10, 9, 0, tzinfo=dt.UTC)
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGVsZSJ9.c2lnbmF0dXJlLXBhcnQ"


class Ticker:
    """A monotonic timer the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def stored(log: InMemoryAuditLog) -> list[AuditEntry]:
    return log.query().items


@pytest.mark.parametrize(
    "text",
    [
        f"Authorization: Bearer {JWT}",
        f"token {JWT} expired",
        planted_storage_connection("acct", EndpointSuffix="x"),
        "https://acct.blob.core.windows.net/c/b?sv=2024-01-01&sig=Zm9vYmFy%2Bbaz&se=2025",
        "POST /token client_id=abc&client_secret=Very~Secret.Value_123&grant_type=client_credentials",
        '{"access_token": "opaque-token-value", "expires_in": 3599}',
        "redirect?code=0.AXoAabcdefGHIJ1234567890xyzABC&state=1",
        "clientState=shared-secret-42 did not match",
        "abcdefghijklmnop1234.qrstuvwxyzABCDEF5678.GHIJKLMNOPQRSTUV9012",
        "webhook refused: token=opaque-token-value",
        '{"secret": "Very~Secret.Value_123"}',
    ],
)
def test_secret_values_are_redacted_from_text(text: str) -> None:
    cleaned = redact_text(text)

    assert REDACTED in cleaned
    for secret in (JWT, PLANTED_ACCOUNT_KEY, "Zm9vYmFy", "Very~Secret", "opaque-token-value",
                   "AXoAabcdef", "shared-secret-42", "qrstuvwxyzABCDEF5678"):
        assert secret not in cleaned


@pytest.mark.parametrize(
    "text",
    ["status code: 429", "Basic information about the review", "Client Meeting 10:00-11:00 moved",
     "graph.microsoft.com/v1.0/users/adele@contoso.com/events", "Acme Corp - billable"],
)
def test_ordinary_text_is_untouched(text: str) -> None:
    assert redact_text(text) == text


def test_secret_named_fields_bodies_and_nested_values_are_cleaned() -> None:
    details: dict[str, Any] = {
        "clientState": "abc", "client_state": "abc", "Authorization": "anything", "refresh_token": "x",
        "password": "p", "accountKey": "k", "sig": "s", "key": "k", "signature": "s",
        "group_key": "3f2a9b1c0d4e5f60718293a4b5c6d7e8f9a0b1c2",  # a lowercase hash is not a secret
        "code": 429,
        "auth_code": "0.AXoAabcdefGHIJ1234567890xyzABCDEFG",
        "event": {"subject": "Dentist", "body": {"content": "private"}, "bodyPreview": "private",
                  "body_content": "private", "attendees": [{"note": f"Bearer {JWT}"}]},
    }

    cleaned = redact(details)

    for name in ("clientState", "client_state", "Authorization", "refresh_token", "password", "accountKey", "sig",
                 "key", "signature", "auth_code"):
        assert cleaned[name] == REDACTED, name
    assert cleaned["group_key"] == details["group_key"]
    assert cleaned["code"] == 429
    assert cleaned["event"] == {"subject": "Dentist", "attendees": [{"note": f"Bearer {REDACTED}"}]}
    assert details["event"]["body"] == {"content": "private"}  # the caller's data is not modified


def test_objects_in_details_are_cleaned_as_the_text_or_fields_they_are_stored_as() -> None:
    class Grant(BaseModel):
        user: str
        token: str

    log = InMemoryAuditLog()
    service = AuditService(log, clock=lambda: T0)

    service.record("subscribe", "create", "r", "failure", "m", details={
        "error": RuntimeError(f"refused: Authorization: Bearer {JWT}"),
        "grant": Grant(user="adele@contoso.com", token="opaque-grant-value"),
        "when": T0, "count": 3, "ratio": 0.5, "flag": True, "none": None,
    })

    [row] = log.table.rows()
    assert JWT not in row["details"] and "opaque-grant-value" not in row["details"]
    [entry] = stored(log)
    assert entry.details == {
        "error": f"refused: Authorization: Bearer {REDACTED}",
        "grant": {"user": "adele@contoso.com", "token": REDACTED},
        "when": str(T0), "count": 3, "ratio": 0.5, "flag": True, "none": None,
    }


def test_secret_name_rules() -> None:
    assert is_secret_name("X-Api-Key") and is_secret_name("SAS") and is_secret_name("sessionToken")
    assert not is_secret_name("subject") and not is_secret_name("event_key", "AAMk-123")


def test_record_redacts_message_resource_and_details_before_storing() -> None:
    log = InMemoryAuditLog()
    service = AuditService(log, clock=lambda: T0)

    entry = service.record(
        "subscribe", "create", "https://x/y?sig=abcdef123456", "failure", f"401 for Bearer {JWT}",
        details={"token": JWT, "body": "secret agenda", "n": 1}, duration_ms=12, correlation_id="c1",
        user="adele@contoso.com",
    )

    assert stored(log) == [entry]
    row = json.dumps(entry.model_dump(mode="json"))
    assert JWT not in row and "abcdef123456" not in row and "secret agenda" not in row
    assert entry.details == {"token": REDACTED, "n": 1} and entry.timestamp == T0


def test_audited_records_success_with_duration_and_scope_additions() -> None:
    log = InMemoryAuditLog()
    ticker = Ticker()
    service = AuditService(log, clock=lambda: T0, timer=ticker)

    with service.audited("archive", "archive_day", "calendar:adele", user="adele@contoso.com",
                         correlation_id="job:2025-03-10") as scope:
        ticker.now += 1.5
        scope.details["archived"] = 12
        scope.details["secret"] = "nope"
        scope.status = "partial"
        scope.message = "12 archived, 1 failed"

    [entry] = stored(log)
    assert entry.status == "partial" and entry.duration_ms == 1500
    assert entry.details == {"archived": 12, "secret": REDACTED}
    assert entry.message == "12 archived, 1 failed" and entry.correlation_id == "job:2025-03-10"
    assert entry.user == "adele@contoso.com"


def test_audited_records_failure_and_lets_the_error_through() -> None:
    log = InMemoryAuditLog()
    ticker = Ticker()
    service = AuditService(log, clock=lambda: T0, timer=ticker)

    with pytest.raises(RuntimeError, match="graph down"), service.audited("archive", "archive_day", "calendar:x"):
        ticker.now += 0.25
        raise RuntimeError(f"graph down (Authorization: Bearer {JWT})")

    [entry] = stored(log)
    assert entry.status == "failure" and entry.duration_ms == 250
    assert entry.message.startswith("RuntimeError: graph down") and JWT not in entry.message


def test_a_failing_audit_store_does_not_hide_the_operations_error() -> None:
    class BrokenLog(InMemoryAuditLog):
        def record(self, entry: AuditEntry) -> None:
            raise OSError("table unavailable")

    service = AuditService(BrokenLog(), clock=lambda: T0)

    with pytest.raises(ValueError, match="the real problem"), service.audited("a", "o", "r"):
        raise ValueError("the real problem")
