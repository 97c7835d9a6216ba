"""A timesheet as CSV: UTF-8, a header row, one row per entry, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from shared.domain.timesheet_models import Timesheet, TimesheetEntry

COLUMNS = (
    "section", "date", "start", "end", "subject", "customer", "billing_type", "categories", "location",
    "raw_minutes", "effort_hours", "billable_hours", "comments",
)
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection"); tab and carriage
# return are in the same list because some spreadsheets skip them before looking.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A leading apostrophe makes the spreadsheet show the text instead of evaluating it."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def hours_text(hours: Decimal) -> str:
    return f"{hours:.2f}"


def entry_row(entry: TimesheetEntry) -> list[str]:
    cells = [
        entry.section,
        entry.date.isoformat(),
        entry.start.strftime("%H:%M"),
        entry.end.strftime("%H:%M"),
        entry.subject,
        entry.customer,
        entry.billing_type,
        "; ".join(entry.categories),
        entry.location,
        str(entry.raw_minutes),
        hours_text(entry.effort_hours),
        hours_text(entry.billable_hours),
        entry.comments,
    ]
    return [safe_cell(cell) for cell in cells]


def timesheet_csv(sheet: Timesheet) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for entry in sheet.effort:
        writer.writerow(entry_row(entry))
    for entry in sheet.travel:
        writer.writerow(entry_row(entry))
    return buffer.getvalue().encode("utf-8")
