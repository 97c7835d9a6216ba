"""Overlap grouping and resolution over 100,000 appointments: `python tests/benchmarks/bench_overlaps.py`."""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from shared.domain.appointment import Appointment  # noqa: E402
from shared.domain.overlaps import overlap_groups, resolve_group  # noqa: E402

COUNT = 100_000
TARGET_SECONDS = 0.5
ROUNDS = 3
SEED = 20261124


def build_calendar(count: int, seed: int = SEED) -> list[Appointment]:
    """Working days of back-to-back meetings with gaps, about one in eight double-booked, in random order."""
    rng = random.Random(seed)
    appointments: list[Appointment] = []
    day = datetime(2020, 1, 6, 8, 0, tzinfo=UTC)
    cursor = day
    while len(appointments) < count:
        if cursor.hour >= 18:
            day += timedelta(days=1)
            cursor = day
        length = timedelta(minutes=rng.choice((15, 30, 30, 45, 60, 60, 90)))
        appointments.append(_appointment(rng, len(appointments), cursor, length))
        if rng.random() < 0.12 and len(appointments) < count:
            # A double booking: starts inside the meeting, sometimes running past it (chains).
            offset = timedelta(minutes=rng.choice((0, 15, 30)))
            extra = timedelta(minutes=rng.choice((30, 60, 120)))
            appointments.append(_appointment(rng, len(appointments), cursor + offset, extra))
        cursor += length + timedelta(minutes=rng.choice((0, 0, 15, 30, 60)))
    rng.shuffle(appointments)
    return appointments


def _appointment(rng: random.Random, index: int, start: datetime, length: timedelta) -> Appointment:
    return Appointment(
        id=f"evt-{index:06d}",
        ical_uid=f"ical-{index:06d}",
        subject=f"Meeting {index}",
        start=start,
        end=start + length,
        show_as=rng.choices(("busy", "tentative", "free", "oof"), weights=(80, 10, 8, 2))[0],
        importance=rng.choices(("normal", "high", "low"), weights=(80, 12, 8))[0],
        categories=["Client ABC - billable"],
    )


def run_once(appointments: list[Appointment]) -> tuple[float, int, int]:
    started = time.perf_counter()
    groups = overlap_groups(appointments)
    unresolved = sum(1 for group in groups if not resolve_group(group).resolved)
    return time.perf_counter() - started, len(groups), unresolved


def main() -> int:
    appointments = build_calendar(COUNT)
    results = [run_once(appointments) for _ in range(ROUNDS)]
    best, groups, unresolved = min(results)
    summary = f"{len(appointments)} appointments grouped and resolved in {best:.3f} s (target < {TARGET_SECONDS} s)"
    print(f"overlaps: {summary}")
    print(f"          {groups} overlap groups, {unresolved} left unresolved")
    return 0 if best < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
