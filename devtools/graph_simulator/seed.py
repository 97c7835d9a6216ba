"""Loading a mailbox description (JSON) into the simulator.

Format: {"users": [{"upn", "displayName", "id"?, "events": [...primary calendar...],
                     "calendars": [{"name", "events": [...]}]}]}
Events are Graph event JSON. Fields Graph sets itself (organizer, responseStatus, iCalUId, id, ...) may be given
to describe meetings organised by others. A series master (with "recurrence") may also carry
"exceptionOccurrences": [{"originalStart", ...changed fields}] and "cancelledOccurrences": [original starts];
an original start is a local date ("2026-11-25"), a local date-time, or an instant with offset.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from devtools.graph_simulator.store import Store


def read_seed(source: str | Path | dict[str, Any]) -> dict[str, Any]:
    if isinstance(source, dict):
        return source
    data = json.loads(Path(source).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("users"), list):
        raise ValueError("a seed is a JSON object with a 'users' array")
    return data


def load_seed(store: Store, source: str | Path | dict[str, Any]) -> list[str]:
    """Adds the seed's users, calendars and events; returns the user ids."""
    user_ids = []
    for user in read_seed(source).get("users", []):
        upn = user["upn"]
        found = store.find(upn)
        user_id = found.id if found else store.add_user(upn, user.get("displayName"), user.get("id"))
        user_ids.append(user_id)
        for event in user.get("events", []):
            store.create_event(upn, event, trusted=True)
        for calendar in user.get("calendars", []):
            name = calendar["name"]
            existing = [c for c in store.calendars(upn) if c["name"].lower() == name.lower()]
            calendar_id = existing[0]["id"] if existing else store.add_calendar(upn, name)["id"]
            for event in calendar.get("events", []):
                store.create_event(upn, event, calendar_id, trusted=True)
    return user_ids
