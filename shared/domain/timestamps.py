"""UTC timestamps as the entities and the storage adapters keep them."""

from __future__ import annotations

import datetime as dt


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """An aware UTC datetime of the exact `datetime` type (the Tables SDK hands back a subclass)."""
    value = value.astimezone(dt.UTC)
    return dt.datetime(
        value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond, tzinfo=dt.UTC
    )
