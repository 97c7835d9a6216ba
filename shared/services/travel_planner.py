"""The travel use case: for each day, read the calendar, plan travel between physical places, write the travel
appointments (created, updated in place or deleted by their key), mark out-of-office, store gap alerts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any

from shared.domain.appointment import Appointment, AppointmentParseError
from shared.domain.dates import UnknownTimeZoneError, load_zone, local_day_window
from shared.domain.errors import InvalidInput
from shared.domain.extended_properties import single_value_property
from shared.domain.mailbox import checked_mailbox
from shared.domain.places import UserPlaces
from shared.domain.timestamps import utc_now
from shared.domain.travel import plan_day
from shared.domain.travel_schedule import OOF, TRAVEL_KEY_PROPERTY_ID, TRAVEL_ORIGIN_PROPERTY_ID, schedule
from shared.domain.travel_sync import ExistingTravel, OofMark, TravelChanges, oof_marks, travel_changes
from shared.graph.errors import GraphError
from shared.graph.event_writes import EventWriteRequest, EventWriteResult
from shared.services.audit import AuditService
from shared.services.travel_durations import TravelDurations
from shared.services.travel_ports import RouteSource, TravelCalendar
from shared.services.travel_results import AlertLine, TravelDay, TravelLine, TravelRun
from shared.storage.models import PrivacyChangeRecord
from shared.storage.protocols import PlaceRepository, PrivacyLog, TravelAlertRepository, TravelTimeCache

MAX_DAYS = 92
OOF_REASON = "out-of-office: appointment away from home and office"


@dataclass
class TravelPlanner:
    calendar: TravelCalendar
    places: PlaceRepository
    routes: RouteSource | None  # None: routing not configured, every trip gets the user's default time
    cache: TravelTimeCache
    alerts: TravelAlertRepository
    show_as_log: PrivacyLog
    audit: AuditService
    _: KW_ONLY
    clock: Callable[[], dt.datetime] = utc_now
    changed_by: str = "travel planner"

    def plan(self, user: str, days: Sequence[dt.date], *, dry_run: bool = False,
             correlation_id: str | None = None) -> TravelRun:
        user = checked_mailbox(user)
        wanted = _checked_days(days)
        with self.audit.audited("travel", "plan", f"travel/{wanted[0]}/{wanted[-1]}", user=user,
                                correlation_id=correlation_id) as scope:
            places = self.places.load(user)
            _checked_zone(places.settings.timezone)
            durations = TravelDurations(self.routes, self.cache, places.settings.default_minutes, self.clock)
            calendar_id = None if dry_run else self.calendar.resolve(user, None).id
            run = TravelRun(user=user, dry_run=dry_run)
            for day in wanted:
                run.days.append(self._day(user, day, places, durations, calendar_id))
            run.routing_calls = durations.calls
            run.issues = list(durations.issues)
            scope.details = {"days": len(wanted), "dry_run": dry_run, "routing_calls": durations.calls,
                             "created": sum(d.created for d in run.days), "updated": sum(d.updated for d in run.days),
                             "deleted": sum(d.deleted for d in run.days),
                             "oof_marked": sum(d.oof_marked for d in run.days),
                             "alerts": sum(len(d.alerts) for d in run.days)}
            if run.issues or any(d.issues for d in run.days):
                scope.status = "partial"
                scope.message = "; ".join([*run.issues, *(i for d in run.days for i in d.issues)])[:1000]
        return run

    def list_alerts(self, user: str, start: dt.date, end: dt.date) -> list[AlertLine]:
        """Stored gap alerts of [start, end] (for `GET /api/travel/alerts?user=&from=&to=`)."""
        user = checked_mailbox(user)
        if end < start:
            raise InvalidInput("to", "the end of the range is before its start")
        return [AlertLine.of(a) for a in self.alerts.query(user, start, end)]

    def _day(self, user: str, day: dt.date, places: UserPlaces, durations: TravelDurations,
             calendar_id: str | None) -> TravelDay:
        zone = load_zone(places.settings.timezone)
        start, end = local_day_window(day, places.settings.timezone)
        events = self.calendar.read_window(user, None, start, end, expand_property_id=TRAVEL_KEY_PROPERTY_ID)
        result = TravelDay(day=day)

        def local_date(moment: dt.datetime) -> dt.date:
            return moment.astimezone(zone).date()

        appointments, existing, online = _split(events, local_date, day, result.issues)
        day_plan = plan_day(day, appointments, places, local_date=local_date, online_flags=online)
        legs = {leg.key: durations.between(leg.origin, leg.destination,
                                           leg.departure_estimate(places.settings.default_minutes))
                for leg in day_plan.legs}
        travel, alerts = schedule(day, day_plan.legs, legs)
        changes = travel_changes(travel, existing)
        marks = oof_marks(day_plan.stops, places)
        result.travel = [TravelLine.of(t) for t in travel]
        result.alerts = [AlertLine.of(a) for a in alerts]
        result.unchanged = changes.unchanged
        if calendar_id is None:  # dry run: say what would change
            result.created, result.updated = len(changes.creates), len(changes.updates)
            result.deleted, result.oof_marked = len(changes.deletes), len(marks)
            return result
        self._apply(user, calendar_id, changes, marks, result)
        self.alerts.replace_day(user, day, alerts)
        return result

    def _apply(self, user: str, calendar_id: str, changes: TravelChanges, marks: list[OofMark],
               result: TravelDay) -> None:
        changes = self._moved_from_other_days(user, changes)
        writes = [EventWriteRequest(key=p.key, payload=p.graph_body()) for p in changes.creates]
        writes += [EventWriteRequest(key=p.key, copy_id=event_id, payload=p.graph_patch())
                   for event_id, p in changes.updates]
        writes += [EventWriteRequest(key=f"oof#{m.event_id}", copy_id=m.event_id, payload={"showAs": OOF})
                   for m in marks]
        try:
            written = self.calendar.write_events(user, calendar_id, writes) if writes else []
            deleted = self.calendar.delete_events(user, changes.deletes) if changes.deletes else []
        except GraphError as error:
            result.issues.append(f"calendar not updated: {error}")
            return
        by_key = {w.key: w for w in written}
        result.created = _count_ok(by_key, [p.key for p in changes.creates], result.issues)
        result.updated = _count_ok(by_key, [p.key for _, p in changes.updates], result.issues)
        result.deleted = sum(1 for d in deleted if d.ok)
        result.issues.extend(f"travel appointment {d.key} not deleted: {d.error}" for d in deleted if not d.ok)
        for mark in marks:
            outcome = by_key.get(f"oof#{mark.event_id}")
            if outcome is None or not outcome.ok:
                result.issues.append(f"'{mark.subject}' not marked out of office: {outcome.error if outcome else ''}")
                continue
            self.show_as_log.record(PrivacyChangeRecord(
                user=user, event_id=mark.event_id, subject=mark.subject, old=mark.old, new=OOF,
                changed_at=self.clock(), changed_by=self.changed_by, reason=OOF_REASON))
            result.oof_marked += 1

    def _moved_from_other_days(self, user: str, changes: TravelChanges) -> TravelChanges:
        """A meeting moved to another day brings its travel along: a trip with the key already elsewhere is
        moved (updated) rather than created, so the key stays unique across the calendar."""
        creates = []
        for plan in changes.creates:
            found = self.calendar.events_with_property(user, None, TRAVEL_KEY_PROPERTY_ID, plan.key)
            if not found:
                creates.append(plan)
                continue
            changes.updates.append((str(found[0]["id"]), plan))
            changes.deletes.extend(str(extra["id"]) for extra in found[1:])
        changes.creates = creates
        return changes

    def travel_days_of(self, user: str, event_id: str) -> list[dt.date]:
        """Local days holding travel of the appointment `event_id` (which may be gone: a `deleted` notification
        names only its id), so the integrator knows which days to re-plan."""
        user = checked_mailbox(user)
        zone = load_zone(self.places.settings(user).timezone)
        found = self.calendar.events_with_property(user, None, TRAVEL_ORIGIN_PROPERTY_ID, event_id)
        return sorted({Appointment.from_graph(e).start.astimezone(zone).date() for e in found})


def _split(
    events: list[dict[str, Any]], local_date: Callable[[dt.datetime], dt.date], day: dt.date, issues: list[str]
) -> tuple[list[Appointment], list[ExistingTravel], frozenset[str]]:
    """Source appointments, our travel appointments of this day (by key), ids Graph flags as online meetings."""
    appointments: list[Appointment] = []
    existing: list[ExistingTravel] = []
    online: set[str] = set()
    for event in events:
        try:
            appt = Appointment.from_graph(event)
        except AppointmentParseError as error:
            issues.append(str(error))
            continue
        key = single_value_property(event, TRAVEL_KEY_PROPERTY_ID)
        if key is not None:
            # calendarView also returns travel that only touches the window; it belongs to the day it starts on.
            if local_date(appt.start) == day:
                existing.append(ExistingTravel(key=key, appointment=appt))
            continue
        if event.get("isOnlineMeeting"):
            online.add(appt.id)
        appointments.append(appt)
    return appointments, existing, frozenset(online)


def _count_ok(by_key: dict[str, EventWriteResult], keys: list[str], issues: list[str]) -> int:
    count = 0
    for key in keys:
        outcome = by_key.get(key)
        if outcome is not None and outcome.ok:
            count += 1
        else:
            issues.append(f"travel appointment {key} not written: {outcome.error if outcome else 'no answer'}")
    return count


def _checked_days(days: Sequence[dt.date]) -> list[dt.date]:
    wanted = sorted(set(days))
    if not wanted:
        raise InvalidInput("days", "give at least one day")
    if len(wanted) > MAX_DAYS:
        raise InvalidInput("days", f"at most {MAX_DAYS} days per run")
    return wanted


def _checked_zone(name: str) -> None:
    try:
        load_zone(name)
    except UnknownTimeZoneError as error:
        raise InvalidInput("timezone", str(error)) from None
