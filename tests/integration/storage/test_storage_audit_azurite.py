from __future__ import annotations

import datetime as dt
import json

import pytest

from shared.services.audit import AuditService
from shared.storage import AuditEntry, AuditLog, InvalidContinuationError, TableAuditLog
from shared.storage.tables import TableStore
from tests.planted import PLANTED_ACCOUNT_KEY, planted_storage_connection

T0 = dt.datetime(2025, 3, 10, 9, 0, tzinfo=dt.UTC)
JWT = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZGVsZUBjb250b3NvLmNvbSJ9.c2lnbmF0dXJlLXBhcnQtaGVyZQ"


def entry(user: str | None, at: dt.datetime, action: str = "archive", **extra: object) -> AuditEntry:
    fields: dict[str, object] = {"operation": "archive_day", "resource": f"calendar:{user}", "status": "success",
                                 "message": "ok", **extra}
    return AuditEntry.model_validate({"timestamp": at, "user": user, "action": action, **fields})


def test_round_trip_keeps_every_field(audit_log: AuditLog) -> None:
    original = entry(
        "Adele@contoso.com", T0, details={"events": 12, "nested": {"subjects": ["a", "b"]}}, duration_ms=1234,
        correlation_id="job-1:2025-03-10",
    )
    audit_log.record(original)

    page = audit_log.query(user="adele@CONTOSO.com")

    assert page.items == [original]
    assert page.continuation is None


def test_query_by_user_and_date_range(audit_log: AuditLog) -> None:
    for day in range(5):
        audit_log.record(entry("adele@contoso.com", T0 + dt.timedelta(days=day)))
        audit_log.record(entry("alex@contoso.com", T0 + dt.timedelta(days=day)))
    audit_log.record(entry(None, T0 + dt.timedelta(days=1), action="renew"))

    adele = audit_log.query(user="adele@contoso.com", start=dt.date(2025, 3, 11), end=dt.date(2025, 3, 13)).items
    everyone_on_11th = audit_log.query(start=dt.date(2025, 3, 11), end=dt.date(2025, 3, 11)).items
    by_instant = audit_log.query(user="alex@contoso.com", start=T0 + dt.timedelta(hours=1),
                                 end=T0 + dt.timedelta(days=1)).items
    renewals = audit_log.query(action="renew").items

    assert [e.timestamp.date() for e in adele] == [dt.date(2025, 3, d) for d in (11, 12, 13)]
    assert {e.user for e in adele} == {"adele@contoso.com"}
    assert sorted(str(e.user) for e in everyone_on_11th) == ["None", "adele@contoso.com", "alex@contoso.com"]
    assert [e.timestamp for e in by_instant] == [T0 + dt.timedelta(days=1)]
    assert [(e.user, e.action) for e in renewals] == [(None, "renew")]


def test_a_user_whose_key_sorts_inside_another_users_range_is_not_mixed_in(audit_log: AuditLog) -> None:
    audit_log.record(entry("a", T0))
    audit_log.record(entry("a|2025-03-10", T0))  # its partition key sorts between a|2025-03-10 and a|9999-...

    assert [e.user for e in audit_log.query(user="a").items] == ["a"]


def test_paging_with_continuation_returns_every_entry_once(audit_log: AuditLog) -> None:
    recorded = [entry("adele@contoso.com", T0 + dt.timedelta(minutes=7 * i)) for i in range(23)]
    for item in recorded:
        audit_log.record(item)

    pages = []
    token = None
    while True:
        page = audit_log.query(user="adele@contoso.com", page_size=10, continuation=token)
        pages.append(page.items)
        token = page.continuation
        if token is None:
            break

    assert [len(p) for p in pages] == [10, 10, 3]
    assert [e.id for p in pages for e in p] == [e.id for e in sorted(recorded, key=lambda e: e.timestamp)]


def test_a_forged_continuation_is_refused(audit_log: AuditLog) -> None:
    with pytest.raises(InvalidContinuationError):
        audit_log.query(continuation="not-a-token")


def test_recording_the_same_entry_twice_keeps_one_row(audit_log: AuditLog) -> None:
    item = entry("adele@contoso.com", T0)
    audit_log.record(item)
    audit_log.record(item)

    assert len(audit_log.query().items) == 1


def test_huge_details_are_truncated_to_fit_a_property(audit_log: AuditLog) -> None:
    item = entry("adele@contoso.com", T0, details={"subjects": [f"meeting {i} " + "x" * 200 for i in range(2000)]},
                 message="m" * 50_000)
    audit_log.record(item)

    stored = audit_log.query().items[0]

    assert stored.details["_truncated"] is True
    assert len(json.dumps(stored.details)) < 32_000
    assert len(stored.message) <= 8_000


def test_planted_secrets_never_reach_the_stored_row(table_store: TableStore, table_name) -> None:
    name = table_name("AuditRedact")
    service = AuditService(TableAuditLog(table_store, name), clock=lambda: T0)
    body = "Private appointment body: salary review"
    service.record(
        "subscribe", "create_subscription", "users/adele@contoso.com/events", "failure",
        f"Graph said 401 for Authorization: Bearer {JWT}",
        details={
            "clientState": "s3cr3t-client-state", "request": {"headers": {"Authorization": f"Bearer {JWT}"}},
            "storage": planted_storage_connection("a"),
            "sas_url": "https://a.blob.core.windows.net/c/b?sv=2024-01-01&sig=Zm9vYmFyYmF6cXV4",
            "event": {"subject": "1:1", "body": {"contentType": "text", "content": body}, "bodyPreview": body},
            "token": JWT,
        },
        user="adele@contoso.com",
    )

    raw = list(table_store.table(name).list_entities())
    text = json.dumps([dict(e) for e in raw], default=str)

    assert len(raw) == 1
    for secret in (JWT, "s3cr3t-client-state", PLANTED_ACCOUNT_KEY, "Zm9vYmFyYmF6cXV4", "salary review"):
        assert secret not in text
    assert "[redacted]" in text and "1:1" in text
