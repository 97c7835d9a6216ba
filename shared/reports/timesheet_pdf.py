"""A timesheet as PDF, laid out as in RULES.md: header block, Effort and Travel tables with repeated headings,
section totals, review and change lists, `Confidential | 1 / 2` footer. Every script is rendered with the fonts
shipped in `fonts/` (see its README)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from shared.domain.timesheet_models import Timesheet, TimesheetEntry
from shared.reports.pdf_template import DEFAULT_TEMPLATE, PdfTemplate

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"
_FALLBACKS = (("DroidFallback", "DroidSansFallback.ttf"), ("NotoEmoji", "NotoEmoji-Regular.ttf"))
_FRACTIONS = {Decimal("0.25"): "¼", Decimal("0.5"): "½", Decimal("0.75"): "¾"}
LINE = 4.2
BODY_SIZE = 8
PADDING = 1.0
BASELINE = 3.0  # from the top of a line to the text's baseline, for an 8 pt font on 4.2 mm lines
EFFORT_COLUMNS = (("Date", 19), ("Time", 22), ("Effort", 15), ("Billable", 16), ("Subject", 70),
                  ("Categories", 45), ("Location", 40), ("Comments", 50))
TRAVEL_COLUMNS = (("Date", 19), ("Time", 22), ("Duration", 17), ("Billable", 16), ("Notes", 115),
                  ("Categories", 88))


def long_date(day: dt.date) -> str:
    """`Thursday, 24 April 2025` (English whatever the process locale)."""
    return f"{_WEEKDAYS[day.weekday()]}, {day.day} {_MONTHS[day.month - 1]} {day.year}"


def short_date(day: dt.date) -> str:
    """`24-Apr-25`."""
    return f"{day.day:02d}-{_MONTHS[day.month - 1][:3]}-{day.year % 100:02d}"


def total_hours(hours: Decimal) -> str:
    """`29½`: quarters and halves as vulgar fractions, anything else as a decimal."""
    whole, part = divmod(hours, 1)
    if part == 0:
        return str(int(whole))
    if part in _FRACTIONS:
        return (str(int(whole)) if whole else "") + _FRACTIONS[part]
    return f"{hours.normalize():f}"


def total_line(effort: Decimal, billable: Decimal) -> str:
    return f"Total {total_hours(effort)} hrs / {total_hours(billable)} hrs"


class _Document(FPDF):
    def __init__(self, template: PdfTemplate, texts: Iterable[str]) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.template = template
        self.set_auto_page_break(auto=False, margin=12)
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        # The CJK and emoji fonts take a second to load: only a timesheet with such characters pays for them.
        regular = self.fonts[FAMILY.lower()]
        covered = regular.cmap if isinstance(regular, TTFFont) else {}
        if any(ord(char) not in covered for char in set("".join(texts))):
            for name, file in _FALLBACKS:
                self.add_font(name, "", str(FONTS / file))
            self.set_fallback_fonts([name for name, _ in _FALLBACKS], exact_match=False)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FAMILY, "", 8)
        self.cell(0, 5, f"{self.template.footer_text} | {self.page_no()} / {{nb}}", align="C")


def timesheet_pdf(
    sheet: Timesheet, *, consultant: str, report_date: dt.date, template: PdfTemplate = DEFAULT_TEMPLATE,
    draft: bool = False,
) -> bytes:
    texts = [sheet.customer, consultant, template.company_name, template.footer_text,
             *(text for entry in sheet.entries for text in (entry.subject, entry.location, entry.comments,
                                                           *entry.categories)),
             *(change.subject for change in sheet.changed_since_issued)]
    pdf = _Document(template, texts)
    pdf.set_title(f"Timesheet {sheet.customer} {sheet.period.start.isoformat()} - {sheet.period.end.isoformat()}")
    pdf.set_creator("admin-assistant")
    pdf.add_page()
    _heading(pdf, sheet, consultant, report_date, draft)
    _section(pdf, "Effort", EFFORT_COLUMNS, [_effort_row(e) for e in sheet.effort])
    _total(pdf, sheet.effort_total.effort_hours, sheet.effort_total.billable_hours)
    _section(pdf, "Travel", TRAVEL_COLUMNS, [_travel_row(e) for e in sheet.travel])
    _total(pdf, sheet.travel_total.effort_hours, sheet.travel_total.billable_hours)
    _line(pdf, f"Grand {total_line(sheet.grand_total.effort_hours, sheet.grand_total.billable_hours)}", bold=True)
    if sheet.needs_review:
        review = [(short_date(r.date), " / ".join(r.subjects), f"{r.effort_hours:.2f}", r.conflict_id or "")
                for r in sheet.needs_review]
        _section(pdf, "Needs review", (("Date", 19), ("Overlapping entries", 150), ("Hours", 20),
                                       ("Conflict", 60)), review)
    if sheet.changed_since_issued:
        changes = [(short_date(c.date), str(c.kind), c.subject, f"{c.issued_hours:.2f}", f"{c.current_hours:.2f}",
                 f"{c.difference_hours:+.2f}") for c in sheet.changed_since_issued]
        _section(pdf, "Changed since issued", (("Date", 19), ("Change", 20), ("Subject", 130), ("Issued", 20),
                                               ("Now", 20), ("Difference", 25)), changes)
    buffer = io.BytesIO()
    pdf.output(buffer)
    return buffer.getvalue()


def _heading(pdf: _Document, sheet: Timesheet, consultant: str, report_date: dt.date, draft: bool) -> None:
    template = pdf.template
    logo = template.logo_bytes()
    if logo:
        pdf.image(io.BytesIO(logo), x=pdf.w - pdf.r_margin - 40, y=8, h=16, keep_aspect_ratio=True)
    if template.company_name:
        pdf.set_font(FAMILY, "", 10)
        pdf.cell(0, 5, template.company_name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "B", 18)
    pdf.cell(0, 10, "TIMESHEET" + (" (DRAFT)" if draft else ""), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 10)
    for label, value in (("Customer", sheet.customer), ("Consultant", consultant),
                         ("Report Date", long_date(report_date)), ("Start Date", long_date(sheet.period.start)),
                         ("End Date", long_date(sheet.period.end))):
        pdf.set_font(FAMILY, "B", 10)
        pdf.cell(30, 5.5, f"{label}:")
        pdf.set_font(FAMILY, "", 10)
        pdf.cell(0, 5.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _effort_row(e: TimesheetEntry) -> tuple[str, ...]:
    return (short_date(e.date), _times(e), f"{e.effort_hours:.2f}", f"{e.billable_hours:.2f}", e.subject,
            "; ".join(e.categories), e.location, e.comments)


def _travel_row(e: TimesheetEntry) -> tuple[str, ...]:
    notes = e.subject + (f" ({e.comments})" if e.comments else "")
    return (short_date(e.date), _times(e), f"{e.effort_hours:.2f}", f"{e.billable_hours:.2f}", notes,
            "; ".join(e.categories))


def _times(e: TimesheetEntry) -> str:
    return f"{e.start:%H:%M}-{e.end:%H:%M}"


def _section(
    pdf: _Document, title: str, columns: tuple[tuple[str, int], ...], rows: Sequence[Sequence[str]]
) -> None:
    _ensure_room(pdf, 20)
    pdf.ln(3)
    _line(pdf, title, bold=True, size=12)
    _header_row(pdf, columns)
    pdf.set_font(FAMILY, "", BODY_SIZE)
    pdf.set_draw_color(220, 220, 220)
    measure = _Widths(pdf, BODY_SIZE)
    for row in rows:
        # Wrapped and drawn line by line with `text()`: multi_cell costs ~1 ms a cell, far too slow for a year.
        lines = [measure.wrap(text, width - 2 * PADDING) for (_, width), text in zip(columns, row, strict=True)]
        height = LINE * max(1, *(len(cell) for cell in lines)) + 1
        if _ensure_room(pdf, height):
            _header_row(pdf, columns)  # a table that runs over a page repeats its heading
            pdf.set_font(FAMILY, "", BODY_SIZE)
        top, x = pdf.get_y(), pdf.l_margin
        for (_, width), cell in zip(columns, lines, strict=True):
            for number, text in enumerate(cell):
                if text:
                    measure.draw(x + PADDING, top + 0.5 + LINE * number + BASELINE, text)
            x += width
        pdf.set_xy(pdf.l_margin, top + height)
        pdf.line(pdf.l_margin, top + height, x, top + height)
    if not rows:
        _line(pdf, "No entries.", size=8)


class _Widths:
    """Text widths in mm from the fonts' own advance widths, and drawing with the first font that has each glyph
    (`text()` has no font fallback of its own)."""

    def __init__(self, pdf: _Document, size_pt: float) -> None:
        self._pdf = pdf
        self._families = (FAMILY, *(name for name, _ in _FALLBACKS if name.lower() in pdf.fonts))
        self._fonts: list[Any] = [pdf.fonts[family.lower()] for family in self._families]
        self._scale = size_pt * 0.001 / pdf.k
        self._size = size_pt
        self._cache: dict[str, tuple[int, float]] = {}  # char -> (font index, width)

    def width(self, text: str) -> float:
        return sum(self._char(c)[1] for c in text)

    def _char(self, char: str) -> tuple[int, float]:
        known = self._cache.get(char)
        if known is None:
            code = ord(char)
            index = next((i for i, font in enumerate(self._fonts) if code in font.cmap), 0)
            known = self._cache[char] = (index, self._fonts[index].cw[code] * self._scale)
        return known

    def draw(self, x: float, y: float, text: str) -> None:
        if all(self._char(c)[0] == 0 for c in text):
            self._pdf.text(x, y, text)  # the common case: one font for the whole line
            return
        runs: list[tuple[int, str]] = []
        for char in text:
            index = self._char(char)[0]
            if runs and runs[-1][0] == index:
                runs[-1] = (index, runs[-1][1] + char)
            else:
                runs.append((index, char))
        for index, run in runs:
            if index:
                self._pdf.set_font(self._families[index], "", self._size)
            self._pdf.text(x, y, run)
            if index:
                self._pdf.set_font(FAMILY, "", self._size)
            x += self.width(run)

    def wrap(self, text: str, width: float) -> list[str]:
        if "\n" not in text and self.width(text) <= width:
            return [text]
        space = self._char(" ")[1]
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            current, used = "", 0.0
            for word in paragraph.split(" "):
                size = self.width(word)
                if not current or used + space + size <= width:
                    if current:
                        current, used = f"{current} {word}", used + space + size
                    else:
                        current, used = word, size
                    if used <= width:
                        continue
                    word, current, used = current, "", 0.0  # a single word wider than the column
                elif current:
                    lines.append(current)
                    current, used = word, size
                    if used <= width:
                        continue
                    word, current, used = current, "", 0.0
                for char in word:  # cut the over-wide word where it must be
                    char_width = self._char(char)[1]
                    if current and used + char_width > width:
                        lines.append(current)
                        current, used = "", 0.0
                    current, used = current + char, used + char_width
            lines.append(current)
        return lines


def _header_row(pdf: _Document, columns: tuple[tuple[str, int], ...]) -> None:
    pdf.set_font(FAMILY, "B", 8)
    pdf.set_fill_color(235, 235, 235)
    for name, width in columns:
        pdf.cell(width, 6, name, fill=True)
    pdf.ln(6)


def _total(pdf: _Document, effort: Decimal, billable: Decimal) -> None:
    _ensure_room(pdf, 8)
    _line(pdf, total_line(effort, billable), bold=True)


def _line(pdf: _Document, text: str, *, bold: bool = False, size: int = 10) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _ensure_room(pdf: _Document, height: float) -> bool:
    """A new page when `height` does not fit above the footer; True when one was added."""
    if pdf.get_y() + height <= pdf.h - 14:
        return False
    pdf.add_page()
    return True


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
