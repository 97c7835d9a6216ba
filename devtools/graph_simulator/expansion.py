"""What a calendarView shows: single instances, occurrences of series and their exceptions, in a window."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from devtools.graph_simulator import identifiers
from devtools.graph_simulator.recurrence import occurrence_dates
from devtools.graph_simulator.timefmt import date_time_zone, format_offset_instant, parse_instant, zone

STAMP = "%Y%m%dT%H%M%SZ"


def bounds(event: dict[str, Any]) -> tuple[datetime, datetime]:
    return parse_instant(event["start"]["dateTime"]), parse_instant(event["end"]["dateTime"])


def touches(event: dict[str, Any], start: datetime, end: datetime) -> bool:
    """Overlap including events that only touch a boundary, as Graph's calendarView returns them."""
    ev_start, ev_end = bounds(event)
    return ev_start <= end and ev_end >= start


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(STAMP)


def original_stamp(exception: dict[str, Any]) -> str:
    return stamp(parse_instant(str(exception["originalStart"])))


def stamp_instant(value: str) -> datetime:
    return datetime.strptime(value, STAMP).replace(tzinfo=UTC)


def _series_zone(master: dict[str, Any]) -> str:
    rng = (master.get("recurrence") or {}).get("range") or {}
    return str(rng.get("recurrenceTimeZone") or master.get("originalStartTimeZone") or "UTC")


def occurrence(master: dict[str, Any], original_start: datetime) -> dict[str, Any]:
    master_start, master_end = bounds(master)
    local_day = original_start.astimezone(zone(_series_zone(master))).date()
    item = {k: v for k, v in master.items() if k != "recurrence"}
    item.update(
        id=identifiers.occurrence_id(master["id"], stamp(original_start)),
        iCalUId=identifiers.occurrence_ical_uid(str(master.get("iCalUId", "")), local_day),
        type="occurrence",
        seriesMasterId=master["id"],
        recurrence=None,
        originalStart=format_offset_instant(original_start),
        start=date_time_zone(original_start),
        end=date_time_zone(original_start + (master_end - master_start)),
    )
    return item


def occurrence_starts(master: dict[str, Any], until: datetime) -> Iterator[datetime]:
    """UTC starts of the series' regular occurrences that begin no later than `until`."""
    tz = zone(_series_zone(master))
    local_start = bounds(master)[0].astimezone(tz)
    for day in occurrence_dates(master["recurrence"], local_start.date(), until.astimezone(tz).date()):
        start = datetime.combine(day, local_start.timetz().replace(tzinfo=None), tzinfo=tz).astimezone(UTC)
        if start > until:
            return
        yield start


def series_in_window(
    master: dict[str, Any], exceptions: dict[str, dict[str, Any]], start: datetime, end: datetime
) -> Iterator[dict[str, Any]]:
    duration = bounds(master)[1] - bounds(master)[0]
    for occ_start in occurrence_starts(master, end):
        if occ_start + duration < start or stamp(occ_start) in exceptions:
            continue
        yield occurrence(master, occ_start)
    for exception in exceptions.values():
        if not exception.get("isCancelled") and touches(exception, start, end):
            yield exception


def is_regular_occurrence(master: dict[str, Any], original_start: datetime) -> bool:
    return any(s == original_start for s in occurrence_starts(master, original_start + timedelta(seconds=1)))


def calendar_view(events: Iterable[dict[str, Any]], start: datetime, end: datetime) -> list[dict[str, Any]]:
    items = list(events)
    exceptions: dict[str, dict[str, dict[str, Any]]] = {}
    for event in items:
        if event.get("type") == "exception":
            exceptions.setdefault(str(event.get("seriesMasterId")), {})[original_stamp(event)] = event
    found: list[dict[str, Any]] = []
    for event in items:
        kind = event.get("type")
        if kind == "seriesMaster":
            found.extend(series_in_window(event, exceptions.get(event["id"], {}), start, end))
        elif kind == "singleInstance" and touches(event, start, end):
            found.append(event)
    found.sort(key=lambda e: (bounds(e)[0], bounds(e)[1], e["id"]))
    return found
