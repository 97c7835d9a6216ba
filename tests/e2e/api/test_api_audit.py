from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from shared.bootstrap import Container
from shared.services import audit_export
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


HEADER = "timestamp,user,action,operation,resource,status,message,duration_ms,correlation_id,details,id"


def _csv_rows(answer: requests.Response) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("text/csv")
    text = answer.content.decode("utf-8")
    assert text.split("\r\n", 1)[0] == HEADER
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _listed(call: Call, **params: str) -> list[dict[str, Any]]:
    """Every row GET /api/audit lists for the filters, all pages."""
    items: list[dict[str, Any]] = []
    continuation = ""
    while True:
        page = call("GET", "audit", params={**params, "page_size": 1000, "continuation": continuation}).json()
        items += page["items"]
        if not page["continuation"]:
            return items
        continuation = page["continuation"]


def test_export_is_a_csv_with_a_header_and_one_row_per_entry(call: Call, deps: Container, mailbox: str) -> None:
    _seed(deps, mailbox, 7, dt.date(2026, 9, 10))

    exported = call("GET", "audit/export", params={"format": "csv", "user": mailbox})

    assert "attachment" in exported.headers["Content-Disposition"]
    assert "Link" not in exported.headers and "X-Continuation" not in exported.headers
    rows = _csv_rows(exported)
    ids = [row["id"] for row in _listed(call, user=mailbox)]
    assert rows == [
        {"timestamp": f"2026-09-10T09:{i:02d}:00.000000Z", "user": mailbox, "action": "archive",
         "operation": "archive_day", "resource": f"{mailbox}/2026-09-10", "status": "success", "message": f"run {i}",
         "duration_ms": "", "correlation_id": f"run-{i}", "details": f'{{"archived": {i}}}', "id": ids[i]}
        for i in range(7)
    ]


def test_commas_quotes_and_newlines_are_quoted(call: Call, deps: Container, mailbox: str) -> None:
    awkward = 'moved "Board", then\nleft, twice'
    deps.audit_log.record(AuditEntry(
        timestamp=dt.datetime(2026, 9, 11, 8, tzinfo=dt.UTC), user=mailbox, action="archive", operation="a,b",
        resource="r", status="success", message=awkward, details={"note": 'say "hi"'},
    ))

    exported = call("GET", "audit/export", params={"user": mailbox})

    assert '"moved ""Board"", then\nleft, twice"' in exported.text
    assert ',"a,b",' in exported.text
    (row,) = _csv_rows(exported)
    assert (row["message"], row["operation"], row["details"]) == (awkward, "a,b", '{"note": "say \\"hi\\""}')


def test_export_takes_the_same_filters_as_the_listing(call: Call, deps: Container, mailbox: str) -> None:
    _seed(deps, mailbox, 3, dt.date(2026, 9, 1))
    _seed(deps, mailbox, 2, dt.date(2026, 9, 2), action="privacy")
    _seed(deps, mailbox, 2, dt.date(2026, 9, 3))

    for filters in ({"user": mailbox}, {"user": mailbox, "action": "archive"}, {"user": mailbox, "from": "2026-09-02"},
                    {"user": mailbox, "to": "2026-09-02", "action": "archive"},
                    {"user": mailbox, "from": "2026-09-02", "to": "2026-09-02"}):
        exported = [row["id"] for row in _csv_rows(call("GET", "audit/export", params=filters))]
        assert exported == [row["id"] for row in _listed(call, **filters)], filters
        assert exported, filters


def test_a_range_over_the_cap_is_split_into_parts_linked_by_continuation(
    call: Call, deps: Container, mailbox: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_export, "MAX_EXPORT_ROWS", 4)
    monkeypatch.setattr(audit_export, "EXPORT_PAGE_SIZE", 3)
    _seed(deps, mailbox, 6, dt.date(2026, 9, 20))
    _seed(deps, mailbox, 5, dt.date(2026, 9, 21))
    _seed(deps, mailbox, 1, dt.date(2026, 9, 21), action="privacy")
    expected = [row["id"] for row in _listed(call, user=mailbox, action="archive")]

    parts: list[list[str]] = []
    answer = call("GET", "audit/export", params={"user": mailbox, "action": "archive", "format": "csv",
                                                 "code": "function-key-value"})
    assert "function-key-value" not in str(answer.headers)  # the key is never echoed into the next link
    while True:
        parts.append([row["id"] for row in _csv_rows(answer)])
        if "next" not in answer.links:
            assert "X-Continuation" not in answer.headers
            break
        following = answer.links["next"]["url"]
        query = parse_qs(urlsplit(following).query)
        assert query["continuation"] == [answer.headers["X-Continuation"]]
        assert (query["user"], query["action"], query["format"]) == ([mailbox], ["archive"], ["csv"])
        answer = requests.get(following, timeout=30)

    assert [len(part) for part in parts] == [4, 4, 3]
    assert [row_id for part in parts for row_id in part] == expected
    assert len(set(expected)) == 11


def test_bad_export_parameters_are_400_naming_them(call: Call, mailbox: str) -> None:
    exported = call("GET", "audit/export", params={"user": mailbox})

    assert exported.status_code == 200
    assert exported.text.splitlines() == [HEADER]
    assert_problem(call("GET", "audit/export", params={"format": "xlsx"}), 400, "format")
    assert_problem(call("GET", "audit/export", params={"continuation": "garbage!"}), 400, "continuation")
    assert_problem(call("GET", "audit/export", params={"continuation": "x" * 3000}), 400, "continuation")
