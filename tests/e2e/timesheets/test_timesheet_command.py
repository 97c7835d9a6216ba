"""`timesheet` and `customers` on the command line: a week archived, then billed per customer."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import pytest

from shared.bootstrap import container
from tests.factories import graph_event as event
from tests.stack import USER

WEEK = ("2026-07-06", "2026-07-10")  # a week no other test archives
PERIOD = f"{WEEK[0]} to {WEEK[1]}"
COLUMNS = ("section,date,start,end,subject,customer,billing_type,categories,location,raw_minutes,effort_hours,"
           "billable_hours,comments")


@pytest.fixture
def archived_week(stack, cli):  # type: ignore[no-untyped-def]
    """Acme: a 75-minute workshop and a 30-minute drive; Globex: 45 minutes not billed; a personal lunch."""
    user = f"tim-{uuid.uuid4().hex[:8]}@contoso.example"  # customer settings and records of its own
    stack.add_user(user)
    stack.add_event(user, event("2026-07-07", "09:00", "10:15", "Workshop", categories=["Acme Corp - billable"]))
    stack.add_event(user, event("2026-07-07", "10:30", "11:00", "Drive to Acme", categories=["Acme Corp - billable"]))
    stack.add_event(user, event("2026-07-08", "14:00", "14:45", "=HYPERLINK(\"x\") review",
                                categories=["Globex - non-billable"]))
    stack.add_event(user, event("2026-07-09", "12:00", "13:00", "Lunch", categories=[]))
    archived = cli("archive", "--user", user, "--date", PERIOD)
    assert archived.code == 0, archived.stderr
    return user


def test_a_week_gives_one_timesheet_per_customer_with_both_files(archived_week, cli, tmp_path: Path) -> None:
    run = cli("timesheet", "--user", archived_week, "--date", PERIOD, "--out", str(tmp_path), "--json")

    assert run.code == 0, run.stderr
    summary = run.json()
    assert (summary["user"], summary["from"], summary["to"]) == (archived_week, *WEEK)
    sheets = {sheet["customer"]: sheet for sheet in summary["timesheets"]}
    assert set(sheets) == {"Acme Corp", "Globex"}
    acme = sheets["Acme Corp"]
    # 75 min → 1.5 h and the drive 30 min → 0.5 h billed at half; the lunch is personal and no one's.
    assert (acme["effort_hours"], acme["billable_hours"], acme["travel_hours"], acme["travel_billable_hours"]) == (
        2.0, 1.75, 0.5, 0.25)
    assert sheets["Globex"]["billable_hours"] == 0 and summary["excluded"] == {"personal": 1}
    for sheet in sheets.values():
        assert set(sheet["files"]) == {"csv", "pdf"} and sheet["uploaded"] == {}
        assert Path(sheet["files"]["pdf"]).read_bytes().startswith(b"%PDF")
    text = Path(sheets["Globex"]["files"]["csv"]).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert ",".join(rows[0]) == COLUMNS
    assert rows[1][4].startswith("'=")  # a formula in a subject is text in a spreadsheet


def test_only_one_customer_and_only_csv(archived_week, cli, tmp_path: Path) -> None:
    run = cli("timesheet", "--user", archived_week, "--date", PERIOD, "--customer", "acme corp", "--format", "csv",
              "--out", str(tmp_path), "--json")

    [sheet] = run.json()["timesheets"]
    assert sheet["customer"] == "Acme Corp" and set(sheet["files"]) == {"csv"}
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".csv"]


def test_an_unknown_customer_names_the_customers_of_the_period(archived_week, cli, tmp_path: Path) -> None:
    run = cli("timesheet", "--user", archived_week, "--date", PERIOD, "--customer", "Initech", "--out", str(tmp_path))

    assert run.code == 2 and run.stderr.count("\n") == 1
    assert "Initech" in run.stderr and "Acme Corp" in run.stderr and "Globex" in run.stderr


def test_an_empty_period_writes_no_files(archived_week, cli, tmp_path: Path) -> None:
    run = cli("timesheet", "--user", archived_week, "--date", "2026-06-01 to 2026-06-30", "--out", str(tmp_path),
              "--json")

    assert run.code == 0 and run.json()["timesheets"] == []
    assert "no entries" in run.json()["message"]
    assert not tmp_path.exists() or list(tmp_path.iterdir()) == []


def test_upload_puts_both_files_in_onedrive(stack, archived_week, cli, tmp_path: Path) -> None:
    run = cli("timesheet", "--user", archived_week, "--date", PERIOD, "--customer", "Acme Corp", "--upload",
              "--out", str(tmp_path), "--json")

    assert run.code == 0, run.stderr
    [sheet] = run.json()["timesheets"]
    assert set(sheet["uploaded"]) == {"csv", "pdf"}
    stored = {f.name: f for f in stack.drive.files(archived_week)}
    assert {Path(p).name for p in sheet["files"].values()} == set(stored)
    assert all(f.folder == "Timesheets/Acme Corp" for f in stored.values())


def test_a_failed_upload_keeps_the_files_and_exits_1(stack, archived_week, cli, tmp_path: Path) -> None:
    stack.drive.fill_quota(archived_week)

    run = cli("timesheet", "--user", archived_week, "--date", PERIOD, "--customer", "Acme Corp", "--upload",
              "--out", str(tmp_path), "--json")

    assert run.code == 1
    [sheet] = run.json()["timesheets"]
    assert set(sheet["upload_errors"]) == {"csv", "pdf"} and "quotaLimitReached" in sheet["upload_errors"]["csv"]
    assert all(Path(path).exists() for path in sheet["files"].values())
    rows = container().audit_log.query(user=archived_week, action="timesheet", page_size=100).items
    assert any(row.operation == "upload" and row.status == "failure" for row in rows)


def test_customer_settings_change_the_rounding(archived_week, cli, tmp_path: Path) -> None:
    assert cli("customers", "set", "--user", archived_week, "--customer", "Acme Corp", "--increment", "15",
               "--travel-rate", "1").code == 0
    [row] = cli("customers", "list", "--user", archived_week, "--json").json_list()
    assert row == {"customer": "Acme Corp", "increment": 15, "rounding": "nearest", "travel_rate": 1.0}

    run = cli("timesheet", "--user", archived_week, "--date", PERIOD, "--customer", "Acme Corp",
              "--out", str(tmp_path), "--json")

    [sheet] = run.json()["timesheets"]
    assert (sheet["effort_hours"], sheet["billable_hours"]) == (1.75, 1.75)  # 1.25 h + 0.5 h travel at 100 %


@pytest.mark.parametrize(("argv", "field"), [
    (["--increment", "20"], "increment"), (["--rounding", "sideways"], "rounding"), (["--travel-rate", "1.5"],
                                                                                       "travel_rate"),
])
def test_bad_customer_settings_are_refused_naming_the_field(stack, cli, argv: list[str], field: str) -> None:
    run = cli("customers", "set", "--user", USER, "--customer", "Acme Corp", *argv)

    assert run.code == 2 and run.stderr.count("\n") == 1 and field in run.stderr


@pytest.mark.parametrize(("argv", "field"), [
    (["--date", "the other day"], "date"), (["--timezone", "Mars/Olympus"], "timezone"), (["--user", "nobody"], "user"),
])
def test_bad_timesheet_input_is_one_line(stack, cli, tmp_path: Path, argv: list[str], field: str) -> None:
    args = {"--user": USER, "--out": str(tmp_path)}
    for name, value in zip(argv[::2], argv[1::2], strict=True):
        args[name] = value
    run = cli("timesheet", *(part for pair in args.items() for part in pair))

    assert run.code == 2 and run.stderr.count("\n") == 1 and field in run.stderr, run.stderr
