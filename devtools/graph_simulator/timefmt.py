"""Graph's date-time formats and time-zone names (Windows or IANA)."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from devtools.graph_simulator.errors import GraphError

# Outlook speaks Windows time-zone names; the common ones mapped to IANA (CLDR windowsZones, territory 001).
WINDOWS_ZONES = {
    "utc": "UTC",
    "coordinated universal time": "UTC",
    "gmt standard time": "Europe/London",
    "greenwich standard time": "Atlantic/Reykjavik",
    "w. europe standard time": "Europe/Berlin",
    "romance standard time": "Europe/Paris",
    "central europe standard time": "Europe/Budapest",
    "central european standard time": "Europe/Warsaw",
    "e. europe standard time": "Europe/Chisinau",
    "fle standard time": "Europe/Kiev",
    "gtb standard time": "Europe/Bucharest",
    "russian standard time": "Europe/Moscow",
    "eastern standard time": "America/New_York",
    "central standard time": "America/Chicago",
    "mountain standard time": "America/Denver",
    "us mountain standard time": "America/Phoenix",
    "pacific standard time": "America/Los_Angeles",
    "alaskan standard time": "America/Anchorage",
    "hawaiian standard time": "Pacific/Honolulu",
    "atlantic standard time": "America/Halifax",
    "e. south america standard time": "America/Sao_Paulo",
    "south africa standard time": "Africa/Johannesburg",
    "arabian standard time": "Asia/Dubai",
    "india standard time": "Asia/Kolkata",
    "china standard time": "Asia/Shanghai",
    "singapore standard time": "Asia/Singapore",
    "tokyo standard time": "Asia/Tokyo",
    "aus eastern standard time": "Australia/Sydney",
    "new zealand standard time": "Pacific/Auckland",
}


def zone(name: str) -> tzinfo:
    key = name.strip()
    if key.lower() in WINDOWS_ZONES:
        return ZoneInfo(WINDOWS_ZONES[key.lower()])
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        raise GraphError(
            400,
            "TimeZoneNotSupportedException",
            f"A valid TimeZone value must be specified. The following TimeZone value is not supported: '{name}'.",
        ) from None


def _fromiso(value: str) -> datetime:
    text = value.strip()
    # A '+' offset that reached us unencoded in a query string has become a space.
    if len(text) > 19 and text[19:20] == " ":
        text = text[:19] + "+" + text[20:]
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise GraphError(400, "ErrorInvalidParameter", f"The value '{value}' is not a valid date-time.") from None


@lru_cache(maxsize=65_536)  # calendar views re-read the same stored times on every request
def parse_instant(value: str) -> datetime:
    """An ISO 8601 value as an aware UTC datetime; no offset means UTC."""
    parsed = _fromiso(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_date_time_zone(value: dict[str, object] | None, field: str) -> tuple[datetime, str]:
    """Graph's dateTimeTimeZone ({"dateTime", "timeZone"}) as (aware UTC datetime, time-zone name)."""
    if not isinstance(value, dict) or not isinstance(value.get("dateTime"), str):
        raise GraphError(400, "ErrorInvalidRequest", f"The property '{field}' must have a dateTime and a timeZone.")
    tz_name = value.get("timeZone") or "UTC"
    if not isinstance(tz_name, str):
        raise GraphError(400, "ErrorInvalidRequest", f"The property '{field}.timeZone' must be a string.")
    parsed = _fromiso(str(value["dateTime"]))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone(tz_name))
    return parsed.astimezone(UTC), tz_name


def format_wall(moment: datetime, tz_name: str = "UTC") -> str:
    """Wall-clock time in the zone, Graph style: 2026-11-24T09:00:00.0000000."""
    local = moment.astimezone(zone(tz_name))
    return local.strftime("%Y-%m-%dT%H:%M:%S") + f".{local.microsecond:06d}0"


def date_time_zone(moment: datetime, tz_name: str = "UTC") -> dict[str, str]:
    return {"dateTime": format_wall(moment, tz_name), "timeZone": tz_name}


def format_instant(moment: datetime) -> str:
    """A UTC instant with 7 fraction digits and Z, as Graph writes expirationDateTime."""
    return format_wall(moment, "UTC") + "Z"


def format_offset_instant(moment: datetime) -> str:
    """DateTimeOffset without fraction, as Graph writes originalStart and createdDateTime."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utcnow() -> datetime:
    return datetime.now(UTC)
