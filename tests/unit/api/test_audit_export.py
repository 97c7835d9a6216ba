from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from functions.http.queries import AuditExportQuery
from shared.services.audit_export import COLUMNS, audit_csv
from shared.storage.errors import InvalidContinuationError
from shared.storage.models import AuditEntry, Page
from tests.fakes.storage import InMemoryAuditLog

USER = "adele@contoso.com"


class CountingLog(InMemoryAuditLog):
    """Records the size of every page asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.page_sizes: list[int] = []

    def query(self, *args, **kwargs) -> Page[AuditEntry]:
        self.page_sizes.append(kwargs["page_size"])
        return super().query(*args, **kwargs)


def _entry(minute: int, message: str = "ok", user: str = USER) -> AuditEntry:
    return AuditEntry(timestamp=dt.datetime(2026, 11, 18, 9, minute, tzinfo=dt.UTC), user=user, action="archive",
                      operation="archive_day", resource=f"{user}/2026-11-18", status="success", message=message)


def _messages(text: str) -> list[str]:
    return [row["message"] for row in csv.DictReader(io.StringIO(text))]


def test_every_entry_becomes_one_row_read_page_by_page() -> None:
    log = CountingLog()
    for minute in range(5):
        log.record(_entry(minute, f"run {minute}"))
    log.record(_entry(0, "someone else", user="bob@contoso.com"))

    export = audit_csv(log, AuditExportQuery(user=USER), page_size=2)

    assert log.page_sizes == [2, 2, 2]
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows[0] == list(COLUMNS)
    assert [row[COLUMNS.index("message")] for row in rows[1:]] == [f"run {m}" for m in range(5)]
    assert export.rows == 5 and export.continuation is None


def test_a_response_stops_at_the_cap_and_its_continuation_resumes_after_the_last_row() -> None:
    log = CountingLog()
    for minute in range(7):
        log.record(_entry(minute, f"run {minute}"))
    query = AuditExportQuery(user=USER)

    first = audit_csv(log, query, page_size=2, max_rows=3)
    assert log.page_sizes == [2, 1]  # the last page asks only for what the cap leaves room for
    second = audit_csv(log, query.model_copy(update={"continuation": first.continuation}), page_size=2, max_rows=3)
    third = audit_csv(log, query.model_copy(update={"continuation": second.continuation}), page_size=2, max_rows=3)

    assert [_messages(part.text) for part in (first, second, third)] == [
        ["run 0", "run 1", "run 2"], ["run 3", "run 4", "run 5"], ["run 6"]]
    assert first.continuation and second.continuation and third.continuation is None


def test_a_range_of_exactly_the_cap_has_no_continuation() -> None:
    log = InMemoryAuditLog()
    for minute in range(4):
        log.record(_entry(minute))

    export = audit_csv(log, AuditExportQuery(), page_size=3, max_rows=4)

    assert export.rows == 4 and export.continuation is None


def test_a_continuation_the_log_never_issued_is_refused() -> None:
    with pytest.raises(InvalidContinuationError):
        audit_csv(InMemoryAuditLog(), AuditExportQuery(continuation="not-a-token!"))


def test_awkward_text_is_quoted_and_formulas_are_defused() -> None:
    log = InMemoryAuditLog()
    log.record(_entry(1, 'said "hi", then\nleft'))
    log.record(_entry(2, "=HYPERLINK(\"http://x\")"))

    text = audit_csv(log, AuditExportQuery()).text

    assert '"said ""hi"", then\nleft"' in text
    assert _messages(text) == ['said "hi", then\nleft', "'=HYPERLINK(\"http://x\")"]


def test_the_query_filters_reach_the_log() -> None:
    log = InMemoryAuditLog()
    for day, action in ((18, "privacy"), (20, "archive"), (20, "privacy"), (22, "privacy")):
        log.record(AuditEntry(timestamp=dt.datetime(2026, 11, day, tzinfo=dt.UTC), user=USER, action=action,
                              operation="mark", resource=f"{action}-{day}", status="success"))
    log.record(AuditEntry(timestamp=dt.datetime(2026, 11, 20, tzinfo=dt.UTC), user="bob@contoso.com",
                          action="privacy", operation="mark", resource="bob", status="success"))
    query = AuditExportQuery.model_validate({"user": USER, "from": "2026-11-19", "to": "2026-11-21",
                                             "action": "privacy"})

    text = audit_csv(log, query).text

    # Each other row is left out by exactly one of the filters.
    assert [row["resource"] for row in csv.DictReader(io.StringIO(text))] == ["privacy-20"]
