"""The audit trail as CSV: a header row, then one row per entry, read page by page so large ranges stay cheap."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence

from shared.services.api_queries import AuditExportQuery
from shared.storage.models import AuditEntry
from shared.storage.protocols import AuditLog

COLUMNS = (
    "timestamp", "user", "action", "operation", "resource", "status", "message", "duration_ms", "correlation_id",
    "details", "id",
)
EXPORT_PAGE_SIZE = 500
# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def audit_csv(log: AuditLog, query: AuditExportQuery, page_size: int = EXPORT_PAGE_SIZE) -> Iterator[str]:
    """CSV text in chunks (the header, then one chunk per page of entries)."""
    yield _line(COLUMNS)
    continuation: str | None = None
    while True:
        page = log.query(
            user=query.user, start=query.from_, end=query.to, action=query.action, page_size=page_size,
            continuation=continuation,
        )
        if page.items:
            yield "".join(_line(_cells(entry)) for entry in page.items)
        if not page.continuation:
            return
        continuation = page.continuation


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


def _line(cells: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([_defused(cell) for cell in cells])
    return buffer.getvalue()


def _defused(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell
