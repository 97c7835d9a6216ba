from __future__ import annotations

import base64
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from PIL import Image
from pypdf import PdfReader

from shared.domain.timesheet import build_timesheets
from shared.domain.timesheet_models import Timesheet
from shared.reports.pdf_template import DEFAULT_TEMPLATE, PdfTemplate, load_template
from shared.reports.timesheet_pdf import long_date, short_date, timesheet_pdf, total_hours, total_line
from tests.timesheet_fixtures import WEEK, ZONE, ev, week_events

REPORT_DAY = dt.date(2025, 4, 24)


def pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def week() -> list[Timesheet]:
    return build_timesheets(week_events(), period=WEEK, timezone=ZONE).timesheets


def test_layout_of_the_rules() -> None:
    acme, _ = week()
    [text] = pages(timesheet_pdf(acme, consultant="Megan Bowen", report_date=REPORT_DAY))
    for expected in ("TIMESHEET", "Customer: Acme Corp", "Consultant: Megan Bowen",
                     "Report Date: Thursday, 24 April 2025", "Start Date: Monday, 21 April 2025",
                     "End Date: Friday, 25 April 2025", "Effort", "Travel",
                     "Date Time Effort Billable Subject Categories Location Comments",
                     "Date Time Duration Billable Notes Categories",
                     "Total 10½ hrs / 8 hrs", "Total 2 hrs / 1 hrs", "21-Apr-25 09:00-12:30 3.50 3.50",
                     "Needs review", "Confidential | 1 / 1"):
        assert expected in text, expected


def test_unicode_subjects_are_rendered_with_the_shipped_fonts() -> None:
    _, globex = week()
    [text] = pages(timesheet_pdf(globex, consultant="Zoë Ångström", report_date=REPORT_DAY))
    for expected in ("Globex kickoff – café planning", "東京チーム sync 🚀", "Zürich", "Zoë Ångström",
                     "Total 2½ hrs / 2½ hrs"):
        assert expected in text, expected


def test_long_tables_paginate_and_repeat_their_headings() -> None:
    def clock(minutes: int) -> str:
        return f"{6 + minutes // 60:02d}:{minutes % 60:02d}"

    events = [ev(f"e{i}", 21 + i % 5, clock(i // 5 * 20), clock(i // 5 * 20 + 15),
                 f"Task {i} " + "with a long description " * (i % 4)) for i in range(150)]
    [sheet] = build_timesheets(events, period=WEEK, timezone=ZONE).timesheets
    texts = pages(timesheet_pdf(sheet, consultant="Megan", report_date=REPORT_DAY))
    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert f"Confidential | {number} / {len(texts)}" in text
    for text in texts[:-1]:
        assert "Date Time Effort Billable Subject" in text
    assert "Task 149" in "".join(texts) and "Total 75 hrs / 75 hrs" in texts[-1]


def _png() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def test_a_template_sets_company_logo_and_footer() -> None:
    raw = json.dumps({"company_name": "Contoso Consulting Ltd", "footer_text": "Private & Confidential",
                      "logo_png_base64": _png()}).encode()
    loaded = load_template(raw)
    assert loaded.fallback_reason is None
    data = timesheet_pdf(week()[0], consultant="Megan", report_date=REPORT_DAY, template=loaded.template)
    [text] = pages(data)
    assert "Contoso Consulting Ltd" in text and "Private & Confidential | 1 / 1" in text
    assert PdfReader(io.BytesIO(data)).pages[0].images  # the logo is embedded


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "no template stored"),
        (b"{not json", "not valid JSON"),
        (json.dumps({"company_name": 5}).encode(), "template unreadable"),
        (json.dumps({"colour": "red"}).encode(), "template unreadable"),
        (json.dumps({"logo_png_base64": "***"}).encode(), "not base64"),
        (json.dumps({"logo_png_base64": base64.b64encode(b"GIF89a garbage").decode()}).encode(), "not a readable"),
    ],
)
def test_a_missing_or_corrupt_template_falls_back_to_the_default(raw: bytes | None, reason: str) -> None:
    loaded = load_template(raw)
    assert loaded.template == DEFAULT_TEMPLATE
    assert loaded.fallback_reason is not None and reason in loaded.fallback_reason


def test_draft_marking_and_formats() -> None:
    [text] = pages(timesheet_pdf(week()[1], consultant="M", report_date=REPORT_DAY, draft=True,
                                 template=PdfTemplate(footer_text="Draft copy")))
    assert "TIMESHEET (DRAFT)" in text and "Draft copy | 1 / 1" in text
    assert long_date(dt.date(2025, 4, 24)) == "Thursday, 24 April 2025"
    assert short_date(dt.date(2025, 4, 1)) == "01-Apr-25"
    assert [total_hours(Decimal(v)) for v in ("29.5", "27", "0.25", "1.75", "0", "2.10")] == [
        "29½", "27", "¼", "1¾", "0", "2.1"]
    assert total_line(Decimal("29.5"), Decimal("27")) == "Total 29½ hrs / 27 hrs"
