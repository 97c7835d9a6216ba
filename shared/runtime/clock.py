"""Time as the Durable engine sees it: the wall clock by default, a hand-driven clock in tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Current time, timezone-aware UTC."""
        ...

    def on_advance(self, listener: Callable[[], None]) -> None:
        """Call `listener` whenever time jumps (a hand-driven clock); the wall clock never calls it."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def on_advance(self, listener: Callable[[], None]) -> None:
        # Real time needs no notification: the dispatcher sleeps until the next timer is due.
        return None


class ManualClock:
    """A clock that only moves when told to, so timer-driven behaviour can be tested without waiting."""

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2026, 1, 1, tzinfo=UTC)
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("time cannot go backwards")
        with self._lock:
            self._now += delta
            now, listeners = self._now, list(self._listeners)
        for listener in listeners:
            listener()
        return now

    def on_advance(self, listener: Callable[[], None]) -> None:
        with self._lock:
            self._listeners.append(listener)
