"""Which jobs the hourly timer starts, and for which day: local hour and local yesterday, at a fixed instant."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.jobs import ArchiveJob
from shared.services.archive.schedule import due_days, due_for_run, local_yesterday


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def job(name: str, timezone: str, run_hour: int, **extra: object) -> ArchiveJob:
    return ArchiveJob(id=name, user=f"{name}@contoso.example", timezone=timezone, run_hour=run_hour, **extra)


@pytest.mark.parametrize(
    ("now", "zone", "yesterday"),
    [
        # 11:30 UTC is already the next day in Auckland (UTC+13 in summer): UTC's yesterday is two days back.
        ("2026-11-24T11:30:00", "Pacific/Auckland", "2026-11-24"),
        # 05:00 UTC is still the evening before in Los Angeles (UTC-8).
        ("2026-11-24T05:00:00", "America/Los_Angeles", "2026-11-22"),
        ("2026-11-24T05:00:00", "UTC", "2026-11-23"),
        # Los Angeles, 1 November 2026 has 25 hours: 23:30 PST on it is 07:30 UTC on the 2nd.
        ("2026-11-02T07:30:00", "America/Los_Angeles", "2026-10-31"),
        ("2026-11-02T08:30:00", "America/Los_Angeles", "2026-11-01"),
        # Berlin, 29 March 2026 has 23 hours: its midnight is 22:00 UTC the day before, the next one 22:00 UTC.
        ("2026-03-29T21:59:00", "Europe/Berlin", "2026-03-28"),
        ("2026-03-29T22:00:00", "Europe/Berlin", "2026-03-29"),
    ],
)
def test_yesterday_is_the_day_before_in_the_jobs_zone(now, zone, yesterday):
    assert local_yesterday(at(now), zone) == date.fromisoformat(yesterday)


@pytest.mark.parametrize(
    ("now", "zone", "run_hour", "due"),
    [
        # Berlin in winter is UTC+1: the 6 o'clock run is due from 05:00 UTC, not a second earlier.
        ("2026-11-24T04:59:59", "Europe/Berlin", 6, False),
        ("2026-11-24T05:00:00", "Europe/Berlin", 6, True),
        # Auckland at 11:30 UTC is 00:30: a run hour of 1 is not reached yet (UTC's 11 o'clock would say it is).
        ("2026-11-24T11:30:00", "Pacific/Auckland", 0, True),
        ("2026-11-24T11:30:00", "Pacific/Auckland", 1, False),
        # Los Angeles at 05:00 UTC is 21:00 the evening before.
        ("2026-11-24T05:00:00", "America/Los_Angeles", 21, True),
        ("2026-11-24T05:00:00", "America/Los_Angeles", 22, False),
        ("2026-11-24T05:00:00", "America/Los_Angeles", 4, True),
        # 1 November 2026 in Los Angeles: 01:00-02:00 happens twice (PDT, then PST); both are the 1 o'clock hour.
        ("2026-11-01T08:30:00", "America/Los_Angeles", 1, True),
        ("2026-11-01T09:30:00", "America/Los_Angeles", 1, True),
        ("2026-11-01T09:30:00", "America/Los_Angeles", 2, False),
        ("2026-11-01T10:00:00", "America/Los_Angeles", 2, True),
        # 8 March 2026 in Los Angeles has no 02:00: at 01:59 PST it is not due, a minute later (03:00 PDT) it is.
        ("2026-03-08T09:59:00", "America/Los_Angeles", 2, False),
        ("2026-03-08T10:00:00", "America/Los_Angeles", 2, True),
    ],
)
def test_a_job_is_due_once_its_local_time_has_reached_the_run_hour(now, zone, run_hour, due):
    assert due_for_run(at(now), zone, run_hour) is due


def test_due_days_pick_the_jobs_whose_local_run_hour_has_come_each_with_its_own_yesterday():
    now = at("2026-11-24T23:30:00")  # Auckland 12:30 on the 25th, Berlin 00:30 on the 25th, LA 15:30 on the 24th
    jobs = [
        job("auckland", "Pacific/Auckland", 12),
        job("berlin", "Europe/Berlin", 0),
        job("la", "America/Los_Angeles", 16),
        job("utc", "UTC", 23),
        job("off", "Europe/Berlin", 0, enabled=False),
    ]

    assert [(j.id, day.isoformat()) for j, day in due_days(jobs, now)] == [
        ("auckland", "2026-11-24"),
        ("berlin", "2026-11-24"),
        ("utc", "2026-11-23"),
    ]
