"""File names and the writing of a timesheet's CSV and PDF (stored, and uploaded to OneDrive when asked)."""

from __future__ import annotations

import datetime as dt
import re

from shared.domain.timesheet_models import Timesheet
from shared.reports.pdf_template import PdfTemplate
from shared.reports.timesheet_csv import timesheet_csv
from shared.reports.timesheet_pdf import timesheet_pdf

DEFAULT_FOLDER = "Timesheets/{customer}"
CONTENT_TYPES = {"csv": "text/csv", "pdf": "application/pdf"}
# OneDrive refuses " * : < > ? / \ | in names, and a leading or trailing space or dot.
_UNSAFE = re.compile(r'["*:<>?/\\|\x00-\x1f]+')


def safe_name(text: str) -> str:
    return _UNSAFE.sub("-", text).strip(" .") or "customer"


def file_base(sheet: Timesheet, *, draft: bool) -> str:
    base = f"Timesheet {safe_name(sheet.customer)} {sheet.period.start.isoformat()} to {sheet.period.end.isoformat()}"
    return f"{base} DRAFT" if draft else base


def folder_for(template: str, customer: str) -> str:
    """The OneDrive folder from the TIMESHEET_FOLDER setting; `{customer}` is replaced by the customer's name."""
    parts = [p for p in template.replace("{customer}", safe_name(customer)).split("/") if p.strip()]
    return "/".join(safe_name(p) for p in parts)


def render(
    sheet: Timesheet, *, consultant: str, report_date: dt.date, template: PdfTemplate, draft: bool
) -> dict[str, tuple[str, bytes]]:
    """kind → (file name, bytes)."""
    base = file_base(sheet, draft=draft)
    return {
        "csv": (f"{base}.csv", timesheet_csv(sheet)),
        "pdf": (f"{base}.pdf", timesheet_pdf(sheet, consultant=consultant, report_date=report_date,
                                             template=template, draft=draft)),
    }
