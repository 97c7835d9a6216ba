"""Durable timers waiting to fire, earliest first (used by the dispatcher thread only)."""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TimerKey:
    instance_id: str
    execution_key: int
    timer_id: int


class TimerQueue:
    def __init__(self) -> None:
        self._heap: list[tuple[datetime, int, TimerKey]] = []
        self._order = itertools.count()  # ties fire in the order they were armed

    def arm(self, fire_at: datetime, key: TimerKey) -> None:
        heapq.heappush(self._heap, (fire_at, next(self._order), key))

    def next_due(self) -> datetime | None:
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: datetime) -> list[TimerKey]:
        due: list[TimerKey] = []
        while self._heap and self._heap[0][0] <= now:
            due.append(heapq.heappop(self._heap)[2])
        return due
