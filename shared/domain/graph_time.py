"""Graph `dateTimeTimeZone` values to and from aware UTC datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from shared.domain.dates import UnknownTimeZoneError, load_zone
from shared.domain.windows_zones import iana_name

# Graph writes seven fractional digits ("09:00:00.0000000"); Python keeps at most six.
_FRACTION = re.compile(r"(\.\d{6})\d+")


class GraphTimeError(ValueError):
    """A dateTimeTimeZone value that cannot be read."""


def parse_graph_datetime(value: Any, *, floating: bool = False) -> datetime:
    """An aware UTC datetime from `{"dateTime": ..., "timeZone": ...}`.

    With `floating` (all-day events) the wall-clock value is kept and labelled UTC, whatever the zone: an all-day
    event is a set of dates, and converting its midnight would move it to another date east or west of UTC.
    """
    if not isinstance(value, dict):
        raise GraphTimeError("not a dateTimeTimeZone object")
    raw = value.get("dateTime")
    if not isinstance(raw, str) or not raw.strip():
        raise GraphTimeError("missing dateTime")
    try:
        moment = datetime.fromisoformat(_FRACTION.sub(r"\1", raw.strip()).replace("Z", "+00:00"))
    except ValueError:
        raise GraphTimeError(f"unreadable dateTime {raw!r}") from None
    if floating:
        return moment.replace(tzinfo=UTC)
    if moment.tzinfo is not None:
        # An explicit offset in the value wins over the timeZone label.
        return moment.astimezone(UTC)
    zone_name = value.get("timeZone") or "UTC"
    if not isinstance(zone_name, str):
        raise GraphTimeError(f"unknown time zone {zone_name!r}")
    try:
        zone = load_zone(iana_name(zone_name))
    except UnknownTimeZoneError:
        raise GraphTimeError(f"unknown time zone {zone_name!r}") from None
    return moment.replace(tzinfo=zone).astimezone(UTC)


def format_graph_datetime(moment: datetime) -> dict[str, str]:
    """The dateTimeTimeZone we write: UTC, seconds precision (what Graph stores for calendar items)."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return {"dateTime": utc.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"}
