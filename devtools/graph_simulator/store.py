"""The simulated tenant: mailboxes, their calendars and events, behind one lock.

Stored event dicts are never mutated once stored (updates replace them), so readers may hold references
outside the lock.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from devtools.graph_simulator import identifiers
from devtools.graph_simulator.drive_store import DriveStore
from devtools.graph_simulator.errors import GraphError, not_found
from devtools.graph_simulator.event_shape import new_event, patch_event
from devtools.graph_simulator.expansion import (
    calendar_view,
    is_regular_occurrence,
    occurrence,
    occurrence_starts,
    series_in_window,
    stamp,
    stamp_instant,
)
from devtools.graph_simulator.timefmt import parse_instant, zone

PRIMARY_NAME = "Calendar"
# Seed-only keys on a series master describing its exceptions; not Graph properties.
SEED_EXCEPTIONS = "exceptionOccurrences"
SEED_CANCELLED = "cancelledOccurrences"


@dataclass
class Calendar:
    data: dict[str, Any]
    events: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Mailbox:
    id: str
    upn: str
    display_name: str
    primary_id: str = ""
    calendars: dict[str, Calendar] = field(default_factory=dict)
    event_calendar: dict[str, str] = field(default_factory=dict)
    transactions: dict[str, str] = field(default_factory=dict)
    master_categories: list[dict[str, Any]] = field(default_factory=list)

    def calendar_json(self, name: str, *, primary: bool) -> dict[str, Any]:
        return {
            "id": identifiers.new_item_id(),
            "name": name,
            "color": "auto",
            "hexColor": "",
            "isDefaultCalendar": primary,
            "changeKey": identifiers.new_change_key(),
            "canShare": True,
            "canViewPrivateItems": True,
            "canEdit": True,
            "allowedOnlineMeetingProviders": ["teamsForBusiness"],
            "defaultOnlineMeetingProvider": "teamsForBusiness",
            "isTallyingResponses": True,
            "isRemovable": not primary,
            "owner": {"name": self.display_name, "address": self.upn},
        }


class Store:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._by_id: dict[str, Mailbox] = {}
        self._by_upn: dict[str, Mailbox] = {}
        self.drive = DriveStore()  # each mailbox's OneDrive (files and upload sessions)

    # --- mailboxes ---------------------------------------------------------------------------------------
    def add_user(self, upn: str, display_name: str | None = None, user_id: str | None = None) -> str:
        with self._lock:
            if upn.lower() in self._by_upn:
                raise ValueError(f"user {upn} already exists")
            mailbox = Mailbox(id=user_id or identifiers.new_guid(), upn=upn, display_name=display_name or upn)
            primary = Calendar(mailbox.calendar_json(PRIMARY_NAME, primary=True))
            mailbox.primary_id = primary.data["id"]
            mailbox.calendars[mailbox.primary_id] = primary
            self._by_id[mailbox.id.lower()] = mailbox
            self._by_upn[upn.lower()] = mailbox
            return mailbox.id

    def find(self, user: str) -> Mailbox | None:
        key = user.lower()
        with self._lock:
            return self._by_upn.get(key) or self._by_id.get(key)

    def mailbox(self, user: str) -> Mailbox:
        found = self.find(user)
        if found is None:
            raise GraphError(404, "ResourceNotFound", f"User not found: '{user}'.")
        return found

    def mailboxes(self) -> list[Mailbox]:
        with self._lock:
            return list(self._by_id.values())

    # --- Outlook master categories -----------------------------------------------------------------------
    def master_categories(self, user: str) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self.mailbox(user).master_categories)

    def add_master_category(self, user: str, display_name: str, color: str = "preset0") -> dict[str, Any]:
        if not isinstance(display_name, str) or not display_name.strip():
            raise GraphError(400, "ErrorInvalidRequest", "The displayName is required.")
        with self._lock:
            mailbox = self.mailbox(user)
            if any(c["displayName"].lower() == display_name.lower() for c in mailbox.master_categories):
                raise GraphError(409, "ErrorDuplicateObject", "An object with the same name already exists.")
            category = {"id": identifiers.new_guid(), "displayName": display_name, "color": color}
            mailbox.master_categories.append(category)
            return copy.deepcopy(category)

    # --- calendars ---------------------------------------------------------------------------------------
    def _calendar(self, mailbox: Mailbox, calendar_id: str | None, *, by_name: bool = False) -> Calendar:
        if calendar_id is None:
            return mailbox.calendars[mailbox.primary_id]
        found = mailbox.calendars.get(calendar_id)
        if found is None and by_name:
            found = next((c for c in mailbox.calendars.values() if c.data["name"].lower() == calendar_id.lower()), None)
        if found is None:
            raise not_found()
        return found

    def add_calendar(self, user: str, name: str) -> dict[str, Any]:
        if not isinstance(name, str) or not name.strip():
            raise GraphError(400, "ErrorInvalidRequest", "A calendar requires a name.")
        with self._lock:
            mailbox = self.mailbox(user)
            if any(c.data["name"].lower() == name.lower() for c in mailbox.calendars.values()):
                raise GraphError(409, "ErrorFolderExists", "A folder with the specified name already exists.")
            calendar = Calendar(mailbox.calendar_json(name, primary=False))
            mailbox.calendars[calendar.data["id"]] = calendar
            return copy.deepcopy(calendar.data)

    def calendars(self, user: str) -> list[dict[str, Any]]:
        with self._lock:
            return [copy.deepcopy(c.data) for c in self.mailbox(user).calendars.values()]

    def calendar(self, user: str, calendar_id: str | None, *, by_name: bool = False) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._calendar(self.mailbox(user), calendar_id, by_name=by_name).data)

    def delete_calendar(self, user: str, calendar_id: str) -> None:
        with self._lock:
            mailbox = self.mailbox(user)
            calendar = self._calendar(mailbox, calendar_id)
            if calendar.data["id"] == mailbox.primary_id:
                raise GraphError(400, "ErrorCannotDeleteObject", "The default calendar cannot be deleted.")
            del mailbox.calendars[calendar.data["id"]]
            for event_id in calendar.events:
                mailbox.event_calendar.pop(event_id, None)

    # --- events ------------------------------------------------------------------------------------------
    def create_event(
        self, user: str, body: dict[str, Any], calendar_id: str | None = None, *, trusted: bool = False
    ) -> dict[str, Any]:
        with self._lock:
            mailbox = self.mailbox(user)
            calendar = self._calendar(mailbox, calendar_id, by_name=trusted)
            transaction = body.get("transactionId") if isinstance(body, dict) else None
            if isinstance(transaction, str) and transaction in mailbox.transactions:
                existing = mailbox.event_calendar.get(mailbox.transactions[transaction])
                if existing is not None:
                    return mailbox.calendars[existing].events[mailbox.transactions[transaction]]
            if trusted and isinstance(body, dict) and body.get("seriesMasterId") and body.get("originalStart"):
                return self._seed_exception(mailbox, dict(body))
            seed_exceptions = body.get(SEED_EXCEPTIONS) if trusted and isinstance(body, dict) else None
            seed_cancelled = body.get(SEED_CANCELLED) if trusted and isinstance(body, dict) else None
            if trusted and isinstance(body, dict):
                body = {k: v for k, v in body.items() if k not in (SEED_EXCEPTIONS, SEED_CANCELLED)}
            event = new_event(body, mailbox.display_name, mailbox.upn, trusted=trusted)
            if event["id"] in mailbox.event_calendar:
                raise GraphError(409, "ErrorDuplicateItem", "An item with this id already exists.")
            self._put(mailbox, calendar, event)
            if isinstance(transaction, str):
                mailbox.transactions[transaction] = event["id"]
            for extra in seed_exceptions or []:
                self._seed_exception(mailbox, {**extra, "seriesMasterId": event["id"]})
            for original in seed_cancelled or []:
                self._seed_exception(mailbox, {"seriesMasterId": event["id"], "originalStart": original}, cancel=True)
            return event

    def _put(self, mailbox: Mailbox, calendar: Calendar, event: dict[str, Any]) -> None:
        calendar.events[event["id"]] = event
        mailbox.event_calendar[event["id"]] = calendar.data["id"]

    def _stored(self, mailbox: Mailbox, event_id: str) -> tuple[Calendar, dict[str, Any]] | None:
        calendar_id = mailbox.event_calendar.get(event_id)
        if calendar_id is None:
            return None
        calendar = mailbox.calendars[calendar_id]
        return calendar, calendar.events[event_id]

    def _resolve_original(self, master: dict[str, Any], value: str) -> datetime:
        """An original start given in seed data: a local date, a local date-time, or an instant with offset."""
        tz = zone(str(master.get("originalStartTimeZone") or "UTC"))
        if len(value) == 10:
            day = date.fromisoformat(value)
            end_of_day = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
            for start in occurrence_starts(master, end_of_day):
                if start.astimezone(tz).date() == day:
                    return start
            raise ValueError(f"the series has no occurrence on {value}")
        parsed = datetime.fromisoformat(value)
        moment = parse_instant((parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)).isoformat())
        if not is_regular_occurrence(master, moment):
            raise ValueError(f"the series has no occurrence starting at {value}")
        return moment

    def _seed_exception(self, mailbox: Mailbox, body: dict[str, Any], *, cancel: bool = False) -> dict[str, Any]:
        found = self._stored(mailbox, str(body.pop("seriesMasterId")))
        if found is None or found[1].get("type") != "seriesMaster":
            raise ValueError("an exception needs an existing series master")
        calendar, master = found
        original = self._resolve_original(master, str(body.pop("originalStart")))
        base = occurrence(master, original)
        exception = patch_event(base, {**body, "isCancelled": True} if cancel else body, trusted=True)
        exception["type"] = "exception"
        self._put(mailbox, calendar, exception)
        return exception

    def _occurrence(self, mailbox: Mailbox, event_id: str) -> tuple[Calendar, dict[str, Any]]:
        parsed = identifiers.parse_occurrence_id(event_id)
        found = self._stored(mailbox, parsed[0]) if parsed else None
        if parsed is None or found is None or found[1].get("type") != "seriesMaster":
            raise not_found()
        original = stamp_instant(parsed[1])
        if not is_regular_occurrence(found[1], original):
            raise not_found()
        return found[0], occurrence(found[1], original)

    def get_event(self, user: str, event_id: str) -> dict[str, Any]:
        with self._lock:
            mailbox = self.mailbox(user)
            found = self._stored(mailbox, event_id)
            if found is None:
                return self._occurrence(mailbox, event_id)[1]
            if found[1].get("type") == "exception" and found[1].get("isCancelled"):
                raise not_found()
            return found[1]

    def update_event(self, user: str, event_id: str, patch: dict[str, Any], *, trusted: bool = False) -> dict[str, Any]:
        with self._lock:
            mailbox = self.mailbox(user)
            found = self._stored(mailbox, event_id) or self._occurrence(mailbox, event_id)
            calendar, current = found
            if current.get("type") == "exception" and current.get("isCancelled"):
                raise not_found()
            updated = patch_event(current, patch, trusted=trusted)
            if current.get("type") == "occurrence":
                updated["type"] = "exception"
            self._put(mailbox, calendar, updated)
            return updated

    def delete_event(self, user: str, event_id: str) -> None:
        with self._lock:
            mailbox = self.mailbox(user)
            found = self._stored(mailbox, event_id)
            if found is None or found[1].get("type") == "exception":
                # Deleting one occurrence of a series cancels it; the series keeps a cancelled exception.
                calendar, current = found or self._occurrence(mailbox, event_id)
                if current.get("isCancelled") and current.get("type") == "exception":
                    raise not_found()
                cancelled = patch_event(current, {"isCancelled": True}, trusted=True)
                cancelled["type"] = "exception"
                self._put(mailbox, calendar, cancelled)
                return
            calendar, current = found
            doomed = [event_id]
            if current.get("type") == "seriesMaster":
                doomed += [i for i, e in calendar.events.items() if e.get("seriesMasterId") == event_id]
            for item_id in doomed:
                calendar.events.pop(item_id, None)
                mailbox.event_calendar.pop(item_id, None)

    def list_events(self, user: str, calendar_id: str | None = None) -> list[dict[str, Any]]:
        """Single instances and series masters, like GET /events (occurrences come only from calendarView)."""
        with self._lock:
            calendar = self._calendar(self.mailbox(user), calendar_id)
            return [e for e in calendar.events.values() if e.get("type") in ("singleInstance", "seriesMaster")]

    def stored_events(self, user: str, calendar_id: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            calendar = self._calendar(self.mailbox(user), calendar_id, by_name=True)
            return copy.deepcopy(list(calendar.events.values()))

    def view(self, user: str, calendar_id: str | None, start: datetime, end: datetime) -> list[dict[str, Any]]:
        with self._lock:
            events = list(self._calendar(self.mailbox(user), calendar_id).events.values())
        return calendar_view(events, start, end)

    def instances(self, user: str, master_id: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        with self._lock:
            mailbox = self.mailbox(user)
            found = self._stored(mailbox, master_id)
            if found is None or found[1].get("type") != "seriesMaster":
                raise not_found()
            calendar, master = found
            exceptions = {
                stamp(parse_instant(str(e["originalStart"]))): e
                for e in calendar.events.values()
                if e.get("seriesMasterId") == master_id and e.get("type") == "exception"
            }
        items = list(series_in_window(master, exceptions, start, end))
        return sorted(items, key=lambda e: (e["start"]["dateTime"], e["id"]))
