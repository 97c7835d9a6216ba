"""Travel planned again as a calendar changes: the days an appointment is on (and had travel on) are queued, each
with a delay and a marker, so a burst of changes to one day is planned once, after its last change is in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from shared.domain.appointment import Appointment, AppointmentParseError
from shared.domain.dates import load_zone
from shared.domain.extended_properties import single_value_property
from shared.domain.jobs import ArchiveJob
from shared.domain.travel_schedule import TRAVEL_KEY_PROPERTY_ID
from shared.graph.errors import GraphNotFoundError
from shared.services.notification_contracts import ChangeMessage, TravelDayMessage
from shared.services.travel_planner import TravelPlanner
from shared.services.travel_results import TravelRun
from shared.storage.keys import user_key
from shared.storage.protocols import DedupStore, PlaceRepository

# A marker outlives its message's delay by this much: a backlogged worker may take a while to reach the message, and
# a marker that expired before it did only costs one more plan of the day.
MARK_MARGIN = dt.timedelta(minutes=10)


class DelayedQueue(Protocol):
    def send_later(self, message: str, delay: dt.timedelta) -> None: ...


class EventReader(Protocol):
    def get_event(self, user: str, event_id: str, *, expand_property_id: str | None = None) -> dict[str, Any]: ...


@dataclass
class TravelReplans:
    planner: TravelPlanner
    places: PlaceRepository
    calendar: EventReader
    marks: DedupStore
    queue: DelayedQueue
    delay: dt.timedelta

    def on_change(self, job: ArchiveJob, message: ChangeMessage) -> list[dt.date]:
        """Queue a plan of each day the change touches (none when the job has travel off); the days queued now."""
        if not job.travel or not job.enabled:
            return []
        days = set(self.planner.travel_days_of(message.user, message.event_id))  # where its travel was
        if message.change_type != "deleted":
            day = self._day_of(message.user, message.event_id)
            if day is None and not days:
                return []  # one of our travel appointments (its plan wrote it), or gone already
            if day is not None:
                days.add(day)
        return [day for day in sorted(days) if self._request(message.user, job.id, day)]

    def run(self, message: TravelDayMessage) -> TravelRun:
        # Forgotten first: a change arriving while the day is planned queues the next plan instead of being lost.
        self.marks.forget(_mark(message.user, message.day))
        return self.planner.plan(message.user, [message.day])

    def _request(self, user: str, job_id: str | None, day: dt.date) -> bool:
        mark = _mark(user, day)
        if not self.marks.first_seen(mark, self.delay + MARK_MARGIN):
            return False  # a plan of the day is queued already and will see this change too
        try:
            self.queue.send_later(TravelDayMessage(user=user, job_id=job_id, day=day).model_dump_json(), self.delay)
        except Exception:
            self.marks.forget(mark)
            raise
        return True

    def _day_of(self, user: str, event_id: str) -> dt.date | None:
        try:
            event = self.calendar.get_event(user, event_id, expand_property_id=TRAVEL_KEY_PROPERTY_ID)
        except GraphNotFoundError:
            return None
        if single_value_property(event, TRAVEL_KEY_PROPERTY_ID) is not None:
            return None
        try:
            start = Appointment.from_graph(event).start
        except AppointmentParseError:
            return None
        return start.astimezone(load_zone(self.places.settings(user).timezone)).date()


def _mark(user: str, day: dt.date) -> str:
    return f"travel-replan:{user_key(user)}:{day.isoformat()}"
