"""A year of 5,000 entries for one customer: build the timesheet, write the CSV and the PDF.

`python tests/benchmarks/bench_timesheet.py` prints each time and the peak memory (targets: < 5 s, < 200 MB)."""

from __future__ import annotations

import datetime as dt
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from shared.domain.timesheet import build_timesheets  # noqa: E402
from shared.domain.timesheet_models import Period  # noqa: E402
from shared.reports.timesheet_csv import timesheet_csv  # noqa: E402
from shared.reports.timesheet_pdf import timesheet_pdf  # noqa: E402

COUNT = 5_000
TARGET_SECONDS = 5.0
TARGET_MB = 200
SEED = 20250424
SUBJECTS = ("Design review", "Sprint planning", "Travel to site", "Migration work", "Café with the CFO",
            "東京チーム sync 🚀", "=Budget check", "Workshop on the data model and its long list of open questions")


def year_of_events(count: int = COUNT, seed: int = SEED) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    events: list[dict[str, Any]] = []
    day = dt.datetime(2025, 1, 1, 8, 0)
    cursor = day
    while len(events) < count:
        if cursor.hour >= 19:
            day += dt.timedelta(days=1)
            cursor = day
        minutes = rng.choice((15, 30, 30, 45, 60))
        end = cursor + dt.timedelta(minutes=minutes)
        events.append({
            "id": f"e{len(events)}",
            "subject": rng.choice(SUBJECTS),
            "start": {"dateTime": cursor.isoformat(), "timeZone": "Europe/London"},
            "end": {"dateTime": end.isoformat(), "timeZone": "Europe/London"},
            "categories": [rng.choice(("Acme Corp - billable", "Acme Corp - non-billable", "Billable - Acme Corp"))],
            "location": {"displayName": rng.choice(("", "Acme HQ, Leeds", "Zürich"))},
            "showAs": "busy",
        })
        cursor = end + dt.timedelta(minutes=rng.choice((0, 0, 15)))
    return events


def main() -> int:
    events = year_of_events()
    started = time.perf_counter()
    build = build_timesheets(events, period=Period(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)),
                             timezone="Europe/London")
    built = time.perf_counter()
    [sheet] = build.timesheets
    csv_bytes = timesheet_csv(sheet)
    written_csv = time.perf_counter()
    pdf_bytes = timesheet_pdf(sheet, consultant="Megan Bowen", report_date=dt.date(2026, 1, 2))
    written_pdf = time.perf_counter()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = written_pdf - started
    print(f"entries: {len(sheet.entries)} (events {len(events)}, last day {max(e.date for e in sheet.entries)})")
    print(f"build timesheet: {built - started:.2f} s")
    print(f"write CSV:       {written_csv - built:.2f} s ({len(csv_bytes) / 1e6:.1f} MB)")
    print(f"write PDF:       {written_pdf - written_csv:.2f} s ({len(pdf_bytes) / 1e6:.1f} MB)")
    print(f"total:           {total:.2f} s (target < {TARGET_SECONDS:.0f} s)")
    # Resident peak of the whole process (interpreter, fonts, the 5,000 events), not just the timesheet's share.
    print(f"peak memory:     {rss_mb:.0f} MB resident (target < {TARGET_MB} MB)")
    return 0 if total < TARGET_SECONDS and rss_mb < TARGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
