"""The timesheet routes as Power Automate calls them: build, download, issue once, customers' settings."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from devtools.graph_simulator import GraphSimulator
from tests.e2e.api.archive_flow import CATEGORY, DAY, seed_overlap, wait_for_archive
from tests.e2e.api.conftest import Call, assert_problem
from tests.factories import graph_event


@pytest.fixture
def billed(call: Call, api: str, graph: GraphSimulator, mailbox: str) -> str:
    """The overlap day archived (default mode: the overlap is a conflict), plus a drive to the customer."""
    seed_overlap(graph, mailbox)
    graph.add_event(mailbox, graph_event(DAY, "12:00", "12:30", "Drive to Acme", categories=[CATEGORY]))
    started = call("POST", "archive", json={"user": mailbox, "date": DAY.isoformat()})
    assert wait_for_archive(api, started.json()["id"])["runtimeStatus"] == "Completed"
    return mailbox


def test_a_built_timesheet_is_downloaded_and_issued_once(call: Call, billed: str) -> None:
    built = call("POST", "timesheets", json={"user": billed, "date": DAY.isoformat()})

    assert built.status_code == 201, built.text
    [sheet] = built.json()["timesheets"]
    assert sheet["customer"] == "Acme Corp" and sheet["travel_hours"] == 0.5
    assert len(sheet["needs_review"]) == 1  # the two overlapping meetings: listed, not billed twice
    csv_answer = call("GET", sheet["files"]["csv"].split("/api/", 1)[1])
    assert csv_answer.status_code == 200 and csv_answer.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in csv_answer.headers["Content-Disposition"]
    assert csv_answer.text.startswith("section,date,start,end,subject,customer")
    pdf_answer = call("GET", f"timesheets/{sheet['id']}/pdf")
    assert pdf_answer.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(__import__("io").BytesIO(pdf_answer.content))
    assert "TIMESHEET" in reader.pages[0].extract_text() and "Acme Corp" in reader.pages[0].extract_text()

    issued = call("POST", f"timesheets/{sheet['id']}/issue", headers={"x-ms-client-principal-name": "ann@contoso.com"})
    assert issued.status_code == 200, issued.text
    assert (issued.json()["status"], issued.json()["issued_by"]) == ("issued", "ann@contoso.com")
    assert_problem(call("POST", f"timesheets/{sheet['id']}/issue"), 409)
    listed = call("GET", "timesheets", params={"user": billed}).json()["items"]
    assert [(item["id"], item["status"]) for item in listed] == [(sheet["id"], "issued")]
    audit = call("GET", "audit", params={"user": billed, "action": "timesheet"}).json()["items"]
    assert sorted(row["operation"] for row in audit) == ["build", "issue"]


def test_customer_settings_are_set_and_listed(call: Call, mailbox: str) -> None:
    put = call("PUT", "customers/Acme Corp", json={"user": mailbox, "increment": 6, "rounding": "up"})

    assert put.status_code == 200, put.text
    assert call("GET", "customers", params={"user": mailbox}).json()["items"] == [
        {"customer": "Acme Corp", "increment": 6, "rounding": "up", "travel_rate": 0.5}]


@pytest.mark.parametrize(("path", "body", "field"), [
    ("timesheets", {"user": "x@y.z", "dat": "last month"}, "dat"),
    ("timesheets", {"user": "x@y.z", "date": "the other day"}, "date"),
    ("timesheets", {"user": "x@y.z", "timezone": "Mars/Olympus"}, "timezone"),
    ("timesheets", {"user": "nobody"}, "user"),
    ("customers/Acme", {"user": "x@y.z", "increment": 20}, "increment"),
    ("customers/Acme", {"user": "x@y.z", "travel_rate": 2}, "travel_rate"),
])
def test_bad_input_is_a_400_naming_the_field(call: Call, path: str, body: dict[str, object], field: str) -> None:
    method = "POST" if path == "timesheets" else "PUT"

    assert_problem(call(method, path, json=body), 400, field)


@pytest.mark.parametrize("path", ["timesheets/ts-20260101-0123456789abcdef0123", "timesheets/nope/csv",
                                  "timesheets/nope/pdf"])
def test_unknown_timesheets_are_404(call: Call, path: str) -> None:
    assert_problem(call("GET", path), 404)
