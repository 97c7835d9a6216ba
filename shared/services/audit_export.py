"""The audit trail as CSV: a header row, then one row per entry, read page by page from the audit log.

One response holds at most MAX_EXPORT_ROWS rows (the worker buffers a response body whole, so it must stay bounded);
when more remain, the export carries the continuation of the next response.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass

from functions.http.queries import AuditExportQuery
from shared.storage.models import AuditEntry
from shared.storage.protocols import AuditLog

COLUMNS = (
    "timestamp", "user", "action", "operation", "resource", "status", "message", "duration_ms", "correlation_id",
    "details", "id",
)
EXPORT_PAGE_SIZE = 500
MAX_EXPORT_ROWS = 50_000
CONTINUATION_HEADER = "X-Continuation"
# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CsvExport:
    text: str
    rows: int
    continuation: str | None  # set when rows remain beyond this response


def audit_csv(log: AuditLog, query: AuditExportQuery, page_size: int | None = None,
              max_rows: int | None = None) -> CsvExport:
    """The header and up to `max_rows` rows after `query.continuation`, fetched one page of entries at a time."""
    page_size = page_size or EXPORT_PAGE_SIZE
    remaining = max_rows or MAX_EXPORT_ROWS
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_defused_row(COLUMNS))
    rows = 0
    continuation = query.continuation
    while True:
        # Never more than the cap leaves room for: the page's continuation then starts exactly after our last row.
        page = log.query(
            user=query.user, start=query.from_, end=query.to, action=query.action,
            page_size=min(page_size, remaining), continuation=continuation,
        )
        for entry in page.items:
            writer.writerow(_defused_row(_cells(entry)))
        rows += len(page.items)
        remaining -= len(page.items)
        continuation = page.continuation
        if continuation is None or remaining <= 0:
            return CsvExport(buffer.getvalue(), rows, continuation)


def _cells(entry: AuditEntry) -> list[str]:
    return [
        entry.timestamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        entry.user or "",
        entry.action,
        entry.operation,
        entry.resource,
        entry.status,
        entry.message,
        "" if entry.duration_ms is None else str(entry.duration_ms),
        entry.correlation_id or "",
        json.dumps(entry.details, sort_keys=True, default=str) if entry.details else "",
        entry.id,
    ]


def _defused_row(cells: Sequence[str]) -> list[str]:
    return [_defused(cell) for cell in cells]


def _defused(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell
