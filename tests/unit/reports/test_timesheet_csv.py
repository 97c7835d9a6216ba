from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from shared.domain.timesheet import build_timesheets
from shared.reports.timesheet_csv import COLUMNS, safe_cell, timesheet_csv
from tests.timesheet_fixtures import WEEK, ZONE, ev, week_events

GOLDEN = Path(__file__).parent / "golden"


def test_the_week_matches_the_golden_files() -> None:
    acme, globex = build_timesheets(week_events(), period=WEEK, timezone=ZONE).timesheets
    assert timesheet_csv(acme) == (GOLDEN / "week_acme.csv").read_bytes()
    assert timesheet_csv(globex) == (GOLDEN / "week_globex.csv").read_bytes()


def test_header_and_rows_read_back_with_the_exact_columns() -> None:
    [sheet] = build_timesheets([ev("a", 21, "09:00", "09:45", "Café ☕ 会議", ["Acme - billable", "Online"]),
                                ev("t", 21, "10:00", "10:30", "Drive back", ["Acme - billable"])],
                               period=WEEK, timezone=ZONE).timesheets
    text = timesheet_csv(sheet).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0].keys()) == COLUMNS
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert rows[0] | {} == {
        "section": "effort", "date": "2025-04-21", "start": "09:00", "end": "09:45", "subject": "Café ☕ 会議",
        "customer": "Acme", "billing_type": "billable", "categories": "Acme - billable; Online", "location": "",
        "raw_minutes": "45", "effort_hours": "1.00", "billable_hours": "1.00", "comments": "",
    }
    assert (rows[1]["section"], rows[1]["billable_hours"]) == ("travel", "0.25")


@pytest.mark.parametrize("dangerous", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_like_cells_are_neutralised(dangerous: str) -> None:
    [sheet] = build_timesheets([ev("a", 21, "09:00", "10:00", dangerous, [f"{dangerous.strip()} - billable"],
                                   location={"displayName": dangerous})],
                               period=WEEK, timezone=ZONE).timesheets
    [row] = list(csv.DictReader(io.StringIO(timesheet_csv(sheet).decode("utf-8"))))
    for column in ("subject", "location", "categories", "customer"):
        assert row[column].startswith("'"), column
        assert row[column][1:2] in "=+-@\t\r"


def test_safe_cell_leaves_ordinary_text_alone() -> None:
    assert safe_cell("Design - phase 2") == "Design - phase 2"
    assert safe_cell("") == ""
