from __future__ import annotations

import csv
import datetime as dt
import io

from shared.bootstrap import Container
from shared.storage.models import AuditEntry
from tests.e2e.api.conftest import Call, assert_problem


def _seed(deps: Container, user: str, count: int, day: dt.date, action: str = "archive") -> None:
    log = deps.audit_log
    for index in range(count):
        log.record(AuditEntry(
            timestamp=dt.datetime.combine(day, dt.time(9, index), tzinfo=dt.UTC), user=user, action=action,
            operation="archive_day", resource=f"{user}/{day.isoformat()}", status="success",
            message=f"run {index}", details={"archived": index}, correlation_id=f"run-{index}",
        ))


def test_audit_rows_are_paged_and_filtered(call: Call, deps: Container, mailbox: str) -> None:
    _seed(deps, mailbox, 3, dt.date(2026, 9, 1))
    _seed(deps, mailbox, 1, dt.date(2026, 9, 2), action="privacy")

    first = call("GET", "audit", params={"user": mailbox, "page_size": 3}).json()
    assert len(first["items"]) == 3 and first["continuation"]
    rest = call("GET", "audit", params={"user": mailbox, "page_size": 3, "continuation": first["continuation"]}).json()
    assert [row["action"] for row in rest["items"]] == ["privacy"] and rest["continuation"] is None

    archive_rows = call("GET", "audit", params={"user": mailbox, "action": "archive"}).json()["items"]
    assert [row["message"] for row in archive_rows] == ["run 0", "run 1", "run 2"]
    assert archive_rows[1]["details"] == {"archived": 1}
    second_day = call("GET", "audit", params={"user": mailbox, "from": "2026-09-02", "to": "2026-09-02"}).json()
    assert [row["action"] for row in second_day["items"]] == ["privacy"]
    first_day = call("GET", "audit", params={"user": mailbox, "to": "2026-09-01"}).json()
    assert [row["action"] for row in first_day["items"]] == ["archive"] * 3
    assert_problem(call("GET", "audit", params={"continuation": "garbage!"}), 400, "continuation")
    assert_problem(call("GET", "audit", params={"from": "2026-09-03", "to": "2026-09-01"}), 400, "to")


def test_export_is_a_csv_with_a_header_and_one_row_per_entry(call: Call, deps: Container, mailbox: str) -> None:
    _seed(deps, mailbox, 7, dt.date(2026, 9, 10))

    exported = call("GET", "audit/export", params={"format": "csv", "user": mailbox})

    assert exported.status_code == 200
    assert exported.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in exported.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8"))))
    assert [row["message"] for row in rows] == [f"run {i}" for i in range(7)]
    assert rows[0]["timestamp"] == "2026-09-10T09:00:00.000000Z"
    assert rows[3]["user"] == mailbox and rows[3]["correlation_id"] == "run-3"
    assert rows[3]["details"] == '{"archived": 3}'


def test_export_of_nothing_is_just_the_header(call: Call, mailbox: str) -> None:
    exported = call("GET", "audit/export", params={"user": mailbox})

    assert exported.status_code == 200
    assert exported.text.splitlines() == [
        "timestamp,user,action,operation,resource,status,message,duration_ms,correlation_id,details,id"]
    assert_problem(call("GET", "audit/export", params={"format": "xlsx"}), 400, "format")
