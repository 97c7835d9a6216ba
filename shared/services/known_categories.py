"""A mailbox's known categories: valid Outlook master categories plus valid ones used in its recent archive."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from shared.domain.history import HISTORY_DAYS
from shared.domain.suggestions import known_categories
from shared.domain.timestamps import utc_now
from shared.services.suggestion_ports import HistoryReader, MasterCategorySource


class KnownCategories:
    def __init__(
        self, master: MasterCategorySource, archive: HistoryReader, clock: Callable[[], dt.datetime] = utc_now
    ) -> None:
        self._master = master
        self._archive = archive
        self._clock = clock

    def for_user(self, user: str, archived_events: list[dict[str, Any]] | None = None) -> list[str]:
        """`archived_events` lets a run that already read the archive window reuse it (one read per run)."""
        if archived_events is None:
            now = self._clock()
            archived_events = self._archive.events(user, now - dt.timedelta(days=HISTORY_DAYS), now)
        archived = [c for e in archived_events for c in (e.get("categories") or []) if isinstance(c, str)]
        return known_categories([m.display_name for m in self._master.list(user)], archived)
