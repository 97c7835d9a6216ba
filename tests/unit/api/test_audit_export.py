from __future__ import annotations

import csv
import datetime as dt
import io

from shared.services.api_queries import AuditExportQuery
from shared.services.audit_export import COLUMNS, audit_csv
from shared.storage.memory import InMemoryAuditLog
from shared.storage.models import AuditEntry

USER = "adele@contoso.com"


class CountingLog(InMemoryAuditLog):
    def __init__(self) -> None:
        super().__init__()
        self.pages = 0

    def query(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.pages += 1
        return super().query(*args, **kwargs)


def _entry(minute: int, message: str = "ok", user: str = USER) -> AuditEntry:
    return AuditEntry(timestamp=dt.datetime(2026, 11, 18, 9, minute, tzinfo=dt.UTC), user=user, action="archive",
                      operation="archive_day", resource=f"{user}/2026-11-18", status="success", message=message)


def test_every_entry_becomes_one_row_read_page_by_page() -> None:
    log = CountingLog()
    for minute in range(5):
        log.record(_entry(minute, f"run {minute}"))
    log.record(_entry(0, "someone else", user="bob@contoso.com"))

    chunks = list(audit_csv(log, AuditExportQuery(user=USER), page_size=2))

    assert log.pages == 3 and len(chunks) == 4  # the header, then one chunk per page
    rows = list(csv.reader(io.StringIO("".join(chunks))))
    assert rows[0] == list(COLUMNS)
    assert [row[COLUMNS.index("message")] for row in rows[1:]] == [f"run {m}" for m in range(5)]


def test_awkward_text_is_quoted_and_formulas_are_defused() -> None:
    log = InMemoryAuditLog()
    log.record(_entry(1, 'said "hi", then\nleft'))
    log.record(_entry(2, "=HYPERLINK(\"http://x\")"))

    rows = list(csv.DictReader(io.StringIO("".join(audit_csv(log, AuditExportQuery())))))

    assert [row["message"] for row in rows] == ['said "hi", then\nleft', "'=HYPERLINK(\"http://x\")"]


def test_the_query_filters_reach_the_log() -> None:
    log = InMemoryAuditLog()
    for day, action in ((18, "privacy"), (20, "archive"), (20, "privacy"), (22, "privacy")):
        log.record(AuditEntry(timestamp=dt.datetime(2026, 11, day, tzinfo=dt.UTC), user=USER, action=action,
                              operation="mark", resource=f"{action}-{day}", status="success"))
    log.record(AuditEntry(timestamp=dt.datetime(2026, 11, 20, tzinfo=dt.UTC), user="bob@contoso.com",
                          action="privacy", operation="mark", resource="bob", status="success"))
    query = AuditExportQuery.model_validate({"user": USER, "from": "2026-11-19", "to": "2026-11-21",
                                             "action": "privacy"})

    text = "".join(audit_csv(log, query))

    # Each other row is left out by exactly one of the filters.
    assert [row["resource"] for row in csv.DictReader(io.StringIO(text))] == ["privacy-20"]
